"""The audit chain's published formula, and every kind of tampering it must notice."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from visabond.audit.chain import EMPTY, GENESIS, ChainLink, Head, entry_hash, verify
from visabond.core.errors import InvalidInput

FIRST = {
    "occurred_at": "2025-10-23T00:00:00+00:00",
    "action": "rule.withdrawn",
    "actor": "visabond seed",
    "subject_type": "policy.ruleversion",
    "subject_id": "42",
    "details": {"reason": "Mali dropped from the list", "rule_id": 7},
}


def test_the_hash_formula_is_the_published_one() -> None:
    """Known answer (docs/audit.md): a change of formula would invalidate every stored trail."""
    first = entry_hash(previous_hash=GENESIS, sequence=1, content=FIRST)
    assert first == "e2ed772158e0353b67b61b414d24386dfa339a65a16147b33460764daf0c7b1d"
    second = FIRST | {"actor": "policy", "actor_user_id": 3, "details": {"note": "São Tomé"}}
    assert (
        entry_hash(previous_hash=first, sequence=2, content=second)
        == "4fc5a34521d8131f0dc775090fc595898b71ffe3ebca9a9cadf0e175043ec403"
    )


def chain(length: int) -> list[ChainLink]:
    links: list[ChainLink] = []
    previous = GENESIS
    for sequence in range(1, length + 1):
        content: dict[str, Any] = FIRST | {"subject_id": str(sequence)}
        digest = entry_hash(previous_hash=previous, sequence=sequence, content=content)
        links.append(ChainLink(sequence, content, previous, digest))
        previous = digest
    return links


def head_of(links: list[ChainLink]) -> Head:
    return Head(links[-1].sequence, links[-1].hash) if links else EMPTY


def rehashed(link: ChainLink, **changes: Any) -> ChainLink:
    """An entry edited by someone who also recomputed its hash."""
    edited = dataclasses.replace(link, **changes)
    digest = entry_hash(
        previous_hash=edited.previous_hash, sequence=edited.sequence, content=edited.content
    )
    return dataclasses.replace(edited, hash=digest)


def problems(links: list[ChainLink], head: Head | None, expected: Head | None = None) -> list[str]:
    return [f"{b.sequence}: {b.problem}" for b in verify(links, head=head, expected=expected)]


def test_an_intact_trail_and_an_empty_one_verify() -> None:
    links = chain(5)
    assert problems(links, head_of(links), expected=head_of(links)) == []
    assert problems([], None) == []
    assert problems([], EMPTY, expected=EMPTY) == []


def test_an_edited_entry_is_caught_by_its_own_hash() -> None:
    links = chain(5)
    head = head_of(links)
    links[2] = dataclasses.replace(links[2], content=links[2].content | {"actor": "mallory"})
    assert problems(links, head) == ["3: content differs from what was recorded"]


def test_an_edited_entry_with_its_hash_recomputed_is_caught_by_the_next_link() -> None:
    links = chain(5)
    head = head_of(links)
    links[2] = rehashed(links[2], content=links[2].content | {"actor": "mallory"})
    assert problems(links, head) == ["4: does not follow the entry before it"]


def test_the_newest_entry_edited_and_rehashed_is_caught_by_the_head_row() -> None:
    links = chain(5)
    head = head_of(links)
    links[4] = rehashed(links[4], content=links[4].content | {"actor": "mallory"})
    assert problems(links, head) == ["5: the newest entry differs from the head row"]


def test_a_deleted_entry_is_caught_by_the_sequence_and_the_link() -> None:
    links = chain(5)
    head = head_of(links)
    del links[2]
    assert problems(links, head) == [
        "4: expected entry 3: entries missing",
        "4: does not follow the entry before it",
    ]


def test_an_inserted_entry_is_caught_by_the_entry_after_it() -> None:
    links = chain(5)
    head = head_of(links)
    # A forged entry 4, correctly chained to entry 3, placed before the real entry 4.
    forged = rehashed(
        dataclasses.replace(links[3], content=FIRST | {"subject_id": "forged"}),
        previous_hash=links[2].hash,
    )
    links.insert(3, forged)
    assert problems(links, head) == [
        "4: expected entry 5: entries missing",
        "4: does not follow the entry before it",
    ]


def test_two_entries_swapped_are_caught() -> None:
    links = chain(5)
    head = head_of(links)
    links[1], links[2] = links[2], links[1]
    found = problems(links, head)
    assert "3: expected entry 2: entries missing" in found
    assert "3: does not follow the entry before it" in found


def test_a_deleted_tail_is_caught_by_the_head_row() -> None:
    links = chain(5)
    head = head_of(links)
    assert problems(links[:3], head) == [
        "5: the head row records entry 5 but the trail ends at entry 3: "
        "the newest entries were deleted"
    ]
    assert problems([], head) == [
        "5: the head row records entry 5 but the trail ends at entry 0: "
        "the newest entries were deleted"
    ]


def test_a_deleted_tail_with_the_head_row_rewritten_is_caught_only_by_the_head_kept_outside() -> (
    None
):
    links = chain(5)
    kept = head_of(links)
    truncated = links[:3]
    rewritten = head_of(truncated)
    assert problems(truncated, rewritten) == []
    assert problems(truncated, rewritten, expected=kept) == [
        "5: the head kept outside the database records entry 5 but the trail ends at entry 3: "
        "the newest entries were deleted"
    ]


def test_entries_added_after_the_head_row_are_caught() -> None:
    links = chain(5)
    assert problems(links, head_of(links[:4])) == [
        "5: the trail goes on past entry 4, the newest the head row records: "
        "entries were added outside the audit service"
    ]


def test_a_missing_head_row_is_caught() -> None:
    assert problems(chain(2), None) == ["2: the head row is missing"]


def test_a_kept_head_from_earlier_still_verifies_as_the_trail_grows() -> None:
    links = chain(5)
    assert problems(links, head_of(links), expected=head_of(links[:3])) == []


def test_a_kept_head_whose_entry_was_replaced_is_caught() -> None:
    links = chain(5)
    kept = head_of(links[:3])
    forged = [rehashed(link, content=link.content | {"actor": "mallory"}) for link in links[:1]]
    rebuilt = chain(0)
    previous = forged[0].hash
    for link in links[1:]:
        relinked = rehashed(link, previous_hash=previous)
        rebuilt.append(relinked)
        previous = relinked.hash
    whole = forged + rebuilt
    assert problems(whole, head_of(whole)) == []
    assert problems(whole, head_of(whole), expected=kept) == [
        "3: entry 3 differs from the head kept outside the database"
    ]


@pytest.mark.parametrize("text", ["", "12", "12:abc", "x:" + "0" * 64, "3:" + "g" * 64])
def test_a_malformed_head_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Head.parse(text)
    assert (caught.value.code, caught.value.field) == ("head_malformed", "expect_head")


def test_a_head_reads_back_what_it_prints() -> None:
    head = Head(12, "ab" * 32)
    assert Head.parse(str(head)) == head
    assert Head.parse(f" 12:{'AB' * 32} ") == head


def test_a_kept_head_adds_to_the_other_breaks_found() -> None:
    links = chain(5)
    kept = head_of(links)
    links[1] = dataclasses.replace(links[1], content=links[1].content | {"actor": "mallory"})
    assert problems(links[:4], head_of(links[:4]), expected=kept) == [
        "2: content differs from what was recorded",
        "5: the head kept outside the database records entry 5 but the trail ends at entry 4: "
        "the newest entries were deleted",
    ]
