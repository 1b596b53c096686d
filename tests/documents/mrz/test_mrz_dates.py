"""MRZ dates: the century each zone's dates take together, and unknown parts (Doc 9303-3)."""

from __future__ import annotations

from datetime import date

import pytest

from visabond.documents.mrz import MrzFormat, dates, parse_mrz

TODAY = date(2025, 6, 1)
# The reading day: 150101 beside the 2010 expiry used to be read as 2015.
LATER = date(2026, 11, 30)

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


@pytest.mark.parametrize("text", ["<<<<<<", "62<<<<", "6203<<", "<<03<<", "<<<<15"])
def test_birth_date_with_unknown_parts_has_no_digits(text: str) -> None:
    """Doc 9303-3: unknown parts of a birth date are written as two fillers each."""
    assert dates.birth_digits(text) is None


@pytest.mark.parametrize("text", ["6<<<<<", "62<3<<", "6213<<", "<<<<32", "62<<0<"])
def test_birth_date_fillers_must_replace_whole_parts_and_known_parts_make_sense(
    text: str,
) -> None:
    """Doc 9303-3: a part is either two fillers or a valid number."""
    with pytest.raises(ValueError, match="neither two fillers"):
        dates.birth_digits(text)


def test_expiry_date_may_only_be_wholly_unknown() -> None:
    """Doc 9303-3 allows fillers in an expiry date only for the whole date."""
    assert dates.expiry_digits("<<<<<<") is None
    with pytest.raises(ValueError, match="six digits"):
        dates.expiry_digits("28<<<<")


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


# Birth 150101 and expiry 100101 in each layout; every check digit is right.
BORN_AFTER_EXPIRY_DIGITS = {
    MrzFormat.TD3: (
        "P<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<<<<<<<<06",
    ),
    MrzFormat.TD1: (
        "I<UTOAB12345671<<<<<<<<<<<<<<<",
        "1501010F1001015UTO<<<<<<<<<<<6",
        "TESTER<<EVA<<<<<<<<<<<<<<<<<<<",
    ),
    MrzFormat.TD2: (
        "I<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<6",
    ),
    MrzFormat.MRVA: (
        "V<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<<<<<<<<<<",
    ),
    MrzFormat.MRVB: (
        "V<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<<",
    ),
}


@pytest.mark.parametrize("layout", list(BORN_AFTER_EXPIRY_DIGITS), ids=str)
@pytest.mark.parametrize("ocr", [False, True])
def test_the_birth_date_is_read_before_the_expiry_date_in_every_layout(
    layout: MrzFormat, ocr: bool
) -> None:
    """A document is issued to a living person: born 1915, not 2015, if it expired in 2010."""
    result = parse_mrz(BORN_AFTER_EXPIRY_DIGITS[layout], ocr=ocr, today=LATER)
    assert result.format is layout
    assert (result.birth_date, result.expiry_date) == (date(1915, 1, 1), date(2010, 1, 1))
    assert result.checks["date_order"] is True
    assert result.valid


def test_the_same_zone_reads_the_same_dates_on_another_day() -> None:
    """The expiry, not the reading day, moves the birth a century back."""
    result = parse_mrz(BORN_AFTER_EXPIRY_DIGITS[MrzFormat.TD3], today=TODAY)
    assert (result.birth_date, result.expiry_date) == (date(1915, 1, 1), date(2010, 1, 1))


BORN_AFTER_EXPIRY_IN_EVERY_LIFETIME = (
    "P<UTOOKEKE<<IFEOMA<<<<<<<<<<<<<<<<<<<<<<<<<<",
    "K4421907<3UTO9001011F8501019<<<<<<<<<<<<<<00",
)


def test_dates_no_century_reconciles_are_a_failed_check_not_a_reading() -> None:
    """Expired 1985, born 1990 or 1890: neither is a living holder, so the zone is invalid."""
    result = parse_mrz(BORN_AFTER_EXPIRY_IN_EVERY_LIFETIME, today=TODAY)
    assert result.expiry_date == date(1985, 1, 1)
    assert result.birth_date is None
    assert result.failed_checks() == ["date_order"]
    assert "900101" in result.failures["date_order"]
    assert "1985-01-01" in result.failures["date_order"]
    assert not result.valid


def test_a_leap_day_birth_before_a_1999_expiry_is_a_failed_check() -> None:
    """000229 before an expiry in 1999 would be 1900-02-29, which never existed."""
    zone = (
        "P<UTOOKEKE<<IFEOMA<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "K4421907<3UTO0002299F9901018<<<<<<<<<<<<<<06",
    )
    result = parse_mrz(zone, today=TODAY)
    assert result.birth_date is None
    assert result.checks["date_order"] is False


def test_an_infant_born_this_year_before_today_is_read_in_this_century() -> None:
    """A birth in today's two-digit year, earlier than today, is this year's."""
    zone = (
        "P<MWIBANDA<<CHIKONDI<<<<<<<<<<<<<<<<<<<<<<<<",
        "MA77001236MWI2503011M3002289<<<<<<<<<<<<<<00",
    )
    result = parse_mrz(zone, today=TODAY)
    assert result.birth_date == date(2025, 3, 1)
    assert result.valid
    assert parse_mrz(zone, today=date(2025, 2, 28)).birth_date == date(1925, 3, 1)
