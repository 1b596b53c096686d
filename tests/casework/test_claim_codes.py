"""Claim codes are random, printable, read back as people type them, and kept as a hash."""

from __future__ import annotations

import re

from visabond.casework.claim_codes import (
    claim_code_hash,
    claim_code_matches,
    claim_code_new,
    claim_code_normalised,
)


def test_a_claim_code_is_five_groups_of_four_crockford_characters_and_never_repeats() -> None:
    codes = {claim_code_new() for _ in range(500)}
    assert len(codes) == 500
    assert all(re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)


def test_a_code_typed_in_lower_case_with_spaces_and_misread_letters_still_matches() -> None:
    stored = claim_code_hash("7KQ2-M9XD-4HT0-B1ZA-Q8RW")
    assert claim_code_matches(" 7kq2 m9xd 4hto b1za q8rw ", stored)
    assert claim_code_matches("7KQ2M9XD4HT0BIZAQ8RW", stored)
    assert claim_code_normalised("7kq2-m9xd-4hto-blza-q8rw") == "7KQ2M9XD4HT0B1ZAQ8RW"


def test_another_code_or_an_empty_hash_matches_nothing() -> None:
    stored = claim_code_hash("7KQ2-M9XD-4HT0-B1ZA-Q8RW")
    assert not claim_code_matches("7KQ2-M9XD-4HT0-B1ZA-Q8RX", stored)
    assert not claim_code_matches("", "")
    assert stored != "7KQ2M9XD4HT0B1ZAQ8RW"
    assert len(stored) == 64
