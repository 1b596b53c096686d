"""The century of two-digit MRZ years, and dates whose parts are unknown (Doc 9303-3)."""

from __future__ import annotations

from datetime import date

import pytest

from visabond.documents.mrz import dates, parse_mrz

TODAY = date(2025, 6, 1)

TD3_UNKNOWN_BIRTH_DATE = (
    "P<XPOAL<RASHID<<YUSUF<<<<<<<<<<<<<<<<<<<<<<<",
    "LP00003911XXA<<<<<<0M2801016<<<<<<<<<<<<<<06",
)
TD3_BIRTH_YEAR_ONLY = (
    "P<UTOOKAFOR<<EMEKA<<<<<<<<<<<<<<<<<<<<<<<<<<",
    "Q12R56T907UTO62<<<<8M2703154ZZ9<<<<<<<<<<<98",
)
TD1_NO_EXPIRY = (
    "I<UTOZ0K9P1<<<4<<<<<<<<<<<<<<<",
    "4506304X<<<<<<0GBN<<<<<<<<<<<2",
    "LAU<<WING<KEI<<<<<<<<<<<<<<<<<",
)


def test_birth_date_is_the_latest_such_date_not_after_today() -> None:
    """Century rule: a holder is born in the past, so 250601 on 2025-06-01 is today."""
    assert dates.birth_date("250601", today=TODAY) == date(2025, 6, 1)
    assert dates.birth_date("250602", today=TODAY) == date(1925, 6, 2)
    assert dates.birth_date("000229", today=TODAY) == date(2000, 2, 29)
    assert dates.birth_date("991231", today=TODAY) == date(1999, 12, 31)


def test_expiry_date_lies_within_twenty_years_ahead() -> None:
    """Century rule: documents expire at most 20 years ahead; older ones are in the past."""
    assert dates.expiry_date("450601", today=TODAY) == date(2045, 6, 1)
    assert dates.expiry_date("460101", today=TODAY) == date(1946, 1, 1)
    assert dates.expiry_date("961210", today=TODAY) == date(1996, 12, 10)
    assert dates.expiry_date("120415", today=TODAY) == date(2012, 4, 15)


def test_century_rule_follows_the_reference_date() -> None:
    """The same digits mean different years when read at a different date."""
    assert dates.birth_date("300101", today=date(2031, 1, 1)) == date(2030, 1, 1)
    assert dates.expiry_date("960101", today=date(2080, 1, 1)) == date(2096, 1, 1)


@pytest.mark.parametrize("text", ["<<<<<<", "62<<<<", "6203<<", "<<03<<", "<<<<15"])
def test_birth_date_with_unknown_parts_is_none(text: str) -> None:
    """Doc 9303-3: unknown parts of a birth date are written as two fillers each."""
    assert dates.birth_date(text, today=TODAY) is None


@pytest.mark.parametrize("text", ["6<<<<<", "62<3<<", "6213<<", "<<<<32", "62<<0<"])
def test_birth_date_fillers_must_replace_whole_parts_and_known_parts_make_sense(
    text: str,
) -> None:
    """Doc 9303-3: a part is either two fillers or a valid number."""
    with pytest.raises(ValueError, match="neither two fillers"):
        dates.birth_date(text, today=TODAY)


def test_expiry_date_may_only_be_wholly_unknown() -> None:
    """Doc 9303-3 allows fillers in an expiry date only for the whole date."""
    assert dates.expiry_date("<<<<<<", today=TODAY) is None
    with pytest.raises(ValueError, match="six digits"):
        dates.expiry_date("28<<<<", today=TODAY)


def test_zone_with_unknown_birth_date_reads_with_warning() -> None:
    """Doc 9303-3: the fillers count as 0 in the check digit, and the date is None."""
    result = parse_mrz(TD3_UNKNOWN_BIRTH_DATE, today=TODAY)
    assert result.birth_date is None
    assert result.valid
    assert (result.issuing_state, result.nationality) == ("XPO", "XXA")
    assert any("birth date is unknown" in warning for warning in result.warnings)
    assert result.to_json_dict()["birth_date"] is None


def test_zone_with_only_birth_year_known_reads_with_warning() -> None:
    """Doc 9303-3: 62<<<< keeps the known year in the zone, and the date reads as None."""
    result = parse_mrz(TD3_BIRTH_YEAR_ONLY, today=TODAY)
    assert result.birth_date is None
    assert result.valid
    assert any("62<<<<" in warning for warning in result.warnings)


def test_zone_without_expiry_date_reads_with_none() -> None:
    """A document without expiry leaves the field blank; it reads with expiry None."""
    result = parse_mrz(TD1_NO_EXPIRY, today=TODAY)
    assert result.expiry_date is None
    assert result.valid
    assert (result.sex, result.nationality) == ("X", "GBN")


def test_expired_document_is_a_warning_not_a_failed_check() -> None:
    """A zone's checks say it was read right; an old document still reads as valid."""
    zone = (TD1_NO_EXPIRY[0], "4506304X2001012GBN<<<<<<<<<<<0", TD1_NO_EXPIRY[2])
    result = parse_mrz(zone, today=TODAY)
    assert result.valid
    assert any("expired on 2020-01-01" in warning for warning in result.warnings)
