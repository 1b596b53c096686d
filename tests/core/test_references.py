"""A reference typed by a person is found however they grouped it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visabond.core.references import new_reference, normalise_reference


@pytest.mark.parametrize(
    "typed", ["B-7K3M-Q9TX", "b7k3mq9tx", "B 7K3M Q9TX", "B-7K3MQ9TX", " b.7k3m.q9tx "]
)
def test_a_bond_number_typed_with_or_without_dashes_is_the_stored_one(typed: str) -> None:
    assert normalise_reference(typed) == "B-7K3M-Q9TX"


def test_look_alikes_are_read_as_the_digits_they_stand_for_but_not_in_the_prefix() -> None:
    assert normalise_reference("b-7k3m-oilq") == "B-7K3M-011Q"
    assert normalise_reference("RBAAAABBBBCCCC") == "RB-AAAA-BBBB-CCCC"


def test_every_fresh_reference_reads_back_unchanged_and_without_its_dashes() -> None:
    for prefix, groups in (("B", 2), ("C", 2), ("RB", 3), ("A", 2)):
        reference = new_reference(prefix, groups=groups)
        assert normalise_reference(reference) == reference
        assert normalise_reference(reference.replace("-", "").lower()) == reference


@pytest.mark.parametrize(
    "typed",
    ["B-WP000", "b-wp000", "B-AB"],
)
def test_a_typed_dash_marks_the_prefix_and_text_of_another_shape_keeps_its_dashes(
    typed: str,
) -> None:
    # "B-WP000" is no grouping of a prefix and fours: read whole, it would become "BW-P000".
    assert normalise_reference(typed) == typed.upper()


@pytest.mark.parametrize(
    "typed",
    ["C.DAED.R5N3-", "C..DAED.R5N3-", "C\tDAED\tR5N3-", "c-daed-r5n3", "B-WP000", "x.y-z", "-", ""],
)
def test_a_normalised_reference_normalised_again_is_unchanged(typed: str) -> None:
    """A lookup and a rate limit keyed on the reference must name the same case."""
    once = normalise_reference(typed)
    assert normalise_reference(once) == once


def test_a_reference_with_a_trailing_dash_and_dots_is_the_stored_one() -> None:
    assert normalise_reference("C.DAED.R5N3-") == "C-DAED-R5N3"


@given(st.text(alphabet="BCRWXYZ0123456789abilo -.\t", max_size=16))
def test_normalising_is_idempotent_for_any_typed_text(typed: str) -> None:
    once = normalise_reference(typed)
    assert normalise_reference(once) == once
