"""The check digit of Doc 9303-3 §4.9, against hand sums and an independent reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from visabond.documents.mrz import check_digit

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def reference_check_digit(data: str) -> str:
    """Doc 9303-3 §4.9 written as plainly as possible, to judge the fast version by."""
    total = 0
    for position, char in enumerate(data):
        if char == "<":
            value = 0
        elif char.isdigit():
            value = int(char)
        else:
            value = ord(char) - ord("A") + 10
        total += value * (7, 3, 1)[position % 3]
    return str(total % 10)


def test_check_digit_weights_values_seven_three_one_repeating() -> None:
    """Doc 9303-3 §4.9: A-Z count 10-35 and weights run 7, 3, 1, 7, 3, 1..."""
    # A=10*7 + B=11*3 + 1*1 + 2*7 + 3*3 + 4*1 + 5*7 + 6*3 + 7*1 = 191, so the digit is 1.
    assert check_digit("AB1234567") == "1"


def test_check_digit_counts_the_filler_as_zero() -> None:
    """Doc 9303-3 §4.9: `<` has the value 0, so padding does not change the digit."""
    # Z=35*7 + 9*3 = 272 -> 2, with or without trailing fillers.
    assert check_digit("Z9") == "2"
    assert check_digit("Z9<<<<<<<") == "2"


def test_check_digit_of_a_date_uses_its_digits_as_values() -> None:
    """Doc 9303-3 §4.9 applied to YYMMDD: 920704 -> 9*7+2*3+0+7*7+0+4 = 122 -> 2."""
    assert check_digit("920704") == "2"


def test_check_digit_of_nothing_is_zero() -> None:
    """An empty field sums to 0 (Doc 9303-3 §4.9)."""
    assert check_digit("") == "0"


@settings(max_examples=300)
@given(st.text(alphabet=MRZ_ALPHABET, max_size=60))
def test_check_digit_matches_the_plain_reference_for_any_mrz_text(data: str) -> None:
    """The table-driven digit equals the textbook computation of Doc 9303-3 §4.9."""
    assert check_digit(data) == reference_check_digit(data)
