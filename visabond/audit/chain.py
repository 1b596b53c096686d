"""The audit trail's hash chain: each entry's hash covers its content and the previous hash.

The formula is published (docs/audit.md) so that anyone can check a trail without this code:

    hash = SHA-256 hex of  previous_hash + "|" + sequence + "|" + canonical JSON of content

where canonical JSON has sorted keys, no blanks (separators "," and ":") and UTF-8 text as
is, and the first entry's previous hash is 64 zeros. Changing it would invalidate every trail
already stored, so a known-answer test pins it.

A chain alone cannot tell that its newest entries were deleted: what is left still links up.
So the database also keeps the head (the newest entry's sequence and hash, in its own row),
and an operator can keep a copy of the head outside the database (`visabond audit head`) to
check against later, which catches an attacker who rewrites the head row too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from visabond.core.errors import InvalidInput

GENESIS = "0" * 64


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(*, previous_hash: str, sequence: int, content: dict[str, Any]) -> str:
    """SHA-256 (hex) of `previous_hash|sequence|canonical JSON of content` (docs/audit.md)."""
    text = f"{previous_hash}|{sequence}|{canonical_json(content)}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainLink:
    sequence: int
    content: dict[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Head:
    """The newest entry of a trail, as `SEQ:HASH`; `0:000…0` for an empty trail."""

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str, *, field: str = "expect_head") -> Head:
        """`SEQ:HASH` as `visabond audit head` prints it; `InvalidInput` naming `field` otherwise."""
        sequence, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if (
            not sep
            or not sequence.isdigit()
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise InvalidInput(
                f"{text!r} is not a head: write SEQUENCE:HASH, the hash as 64 hexadecimal digits",
                code="head_malformed",
                field=field,
            )
        return cls(int(sequence), digest)

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True, slots=True)
class Break:
    sequence: int
    problem: str


def verify(
    links: Iterable[ChainLink], *, head: Head | None, expected: Head | None = None
) -> list[Break]:
    """Every break in a trail: an edited, deleted, inserted or reordered entry, a lost tail.

    `links` in the order of their sequence; `head` is the head row the database keeps
    (None when it has none); `expected` a head kept outside the database: the trail must
    still hold that entry, unchanged (later entries may follow it).
    """
    breaks: list[Break] = []
    previous_hash, expected_sequence = GENESIS, 1
    kept_hash: str | None = None  # the hash the trail holds at the expected head's sequence
    last = EMPTY
    for link in links:
        if link.sequence != expected_sequence:
            breaks.append(
                Break(link.sequence, f"expected entry {expected_sequence}: entries missing")
            )
        if link.previous_hash != previous_hash:
            breaks.append(Break(link.sequence, "does not follow the entry before it"))
        recomputed = entry_hash(
            previous_hash=link.previous_hash, sequence=link.sequence, content=link.content
        )
        if recomputed != link.hash:
            breaks.append(Break(link.sequence, "content differs from what was recorded"))
        previous_hash, expected_sequence = link.hash, link.sequence + 1
        if expected is not None and link.sequence == expected.sequence:
            kept_hash = link.hash
        last = Head(link.sequence, link.hash)
    if head is not None:
        breaks += _against_head(last, head, kept="the head row")
    elif last != EMPTY:
        breaks.append(Break(last.sequence, "the head row is missing"))
    if expected is not None:
        breaks += _against_expected(kept_hash, last, expected)
    return breaks


def _against_head(last: Head, head: Head, *, kept: str) -> list[Break]:
    if last.sequence < head.sequence:
        return [
            Break(
                head.sequence,
                f"{kept} records entry {head.sequence} but the trail ends at entry "
                f"{last.sequence}: the newest entries were deleted",
            )
        ]
    if last.sequence > head.sequence:
        return [
            Break(
                last.sequence,
                f"the trail goes on past entry {head.sequence}, the newest {kept} records: "
                "entries were added outside the audit service",
            )
        ]
    if last.hash != head.hash:
        return [Break(last.sequence, f"the newest entry differs from {kept}")]
    return []


def _against_expected(kept_hash: str | None, last: Head, expected: Head) -> list[Break]:
    if expected.sequence == 0:
        return []
    if expected.sequence > last.sequence:
        return _against_head(last, expected, kept="the head kept outside the database")
    if kept_hash != expected.hash:
        return [
            Break(
                expected.sequence,
                f"entry {expected.sequence} differs from the head kept outside the database",
            )
        ]
    return []
