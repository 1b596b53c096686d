"""The century of a two-digit year, decided once for the MRZ and PAXLST readers."""

from __future__ import annotations

from datetime import date

import pytest

from visabond.documents import centuries

TODAY = date(2025, 6, 1)


def test_a_birth_date_is_the_latest_such_date_not_after_the_reference_date() -> None:
    """A holder is born on or before the day the document is read: the whole date decides."""
    assert centuries.birth_date((25, 6, 1), reference=TODAY) == date(2025, 6, 1)
    assert centuries.birth_date((25, 6, 2), reference=TODAY) == date(1925, 6, 2)
    assert centuries.birth_date((99, 12, 31), reference=TODAY) == date(1999, 12, 31)


def test_an_infant_born_earlier_in_the_reference_year_is_read_in_that_year() -> None:
    """Same two-digit year as the reference: this century up to the day, the last one after."""
    prepared = date(2026, 3, 15)
    assert centuries.birth_date((26, 3, 14), reference=prepared) == date(2026, 3, 14)
    assert centuries.birth_date((26, 3, 15), reference=prepared) == date(2026, 3, 15)
    assert centuries.birth_date((26, 3, 16), reference=prepared) == date(1926, 3, 16)
    assert centuries.birth_date((26, 12, 1), reference=prepared) == date(1926, 12, 1)


def test_a_birth_date_falls_before_the_documents_expiry() -> None:
    """A document is issued to a living person: 150101 beside an expiry in 2010 is 1915."""
    read_on = date(2026, 11, 30)
    assert centuries.birth_date((15, 1, 1), reference=read_on) == date(2015, 1, 1)
    assert centuries.birth_date((15, 1, 1), reference=read_on, expiry=date(2010, 1, 1)) == date(
        1915, 1, 1
    )
    # Born on the expiry day is not before it: the century before is the reading.
    assert centuries.birth_date((15, 1, 1), reference=read_on, expiry=date(2015, 1, 1)) == date(
        1915, 1, 1
    )


def test_a_birth_date_falls_on_or_before_the_issue_date() -> None:
    """A document issued in 2012 belongs to someone born by then, not in 2020."""
    read_on = date(2026, 11, 30)
    issued = date(2012, 5, 4)
    assert centuries.birth_date((20, 1, 1), reference=read_on, issued=issued) == date(1920, 1, 1)
    assert centuries.birth_date((12, 5, 4), reference=read_on, issued=issued) == date(2012, 5, 4)


def test_no_century_within_a_lifetime_means_the_dates_contradict_each_other() -> None:
    """A 1985 expiry and a birth of 1990 or 1890: neither is a living holder's (122 years)."""
    assert centuries.birth_date((90, 1, 1), reference=TODAY, expiry=date(1985, 1, 1)) is None


def test_the_oldest_age_on_record_is_the_limit_of_a_reading() -> None:
    """A holder aged 122 on the reference date is read; one who would be 123 is not."""
    expiry = date(2000, 1, 1)
    assert centuries.birth_date((2, 6, 2), reference=TODAY, expiry=expiry) == date(1902, 6, 2)
    assert centuries.birth_date((2, 6, 1), reference=TODAY, expiry=expiry) is None


def test_the_29th_of_february_is_only_read_in_a_leap_year() -> None:
    """000229 before an expiry in 1999 would be 1900-02-29, a day that never was."""
    assert centuries.birth_date((0, 2, 29), reference=TODAY) == date(2000, 2, 29)
    assert centuries.birth_date((0, 2, 29), reference=TODAY, expiry=date(1999, 1, 1)) is None


@pytest.mark.parametrize(
    "reader",
    [
        lambda digits: centuries.birth_date(digits, reference=TODAY),
        lambda digits: centuries.expiry_date(digits, reference=TODAY),
        lambda digits: centuries.issue_date(digits, reference=TODAY),
        lambda digits: centuries.moment_year(digits, reference=TODAY),
    ],
)
def test_a_day_no_year_has_is_not_a_date(reader: object) -> None:
    """13th months and 31 April are refused whatever the century (EDIFACT 2379, Doc 9303-3)."""
    for digits in ((80, 13, 1), (80, 4, 31), (80, 0, 10)):
        with pytest.raises(ValueError, match=r"month|day"):
            reader(digits)  # type: ignore[operator]


def test_an_expiry_date_lies_from_eighty_years_before_to_twenty_after() -> None:
    """Documents expire at most 20 years ahead; older ones are read in the past."""
    assert centuries.expiry_date((45, 6, 1), reference=TODAY) == date(2045, 6, 1)
    assert centuries.expiry_date((45, 6, 2), reference=TODAY) == date(1945, 6, 2)
    assert centuries.expiry_date((46, 1, 1), reference=TODAY) == date(1946, 1, 1)
    assert centuries.expiry_date((96, 12, 10), reference=TODAY) == date(1996, 12, 10)
    assert centuries.expiry_date((12, 4, 15), reference=TODAY) == date(2012, 4, 15)


def test_the_expiry_window_follows_the_reference_date() -> None:
    assert centuries.expiry_date((96, 1, 1), reference=date(2080, 1, 1)) == date(2096, 1, 1)
    assert centuries.expiry_date((0, 1, 1), reference=date(2080, 1, 1)) == date(2100, 1, 1)


def test_an_issue_date_is_on_or_before_the_reference_date() -> None:
    assert centuries.issue_date((25, 6, 1), reference=TODAY) == date(2025, 6, 1)
    assert centuries.issue_date((25, 6, 2), reference=TODAY) == date(1925, 6, 2)


def test_a_moment_of_travel_is_within_fifty_years_of_the_reference_date() -> None:
    """Flight times and preparation dates: the nearest century, either side."""
    assert centuries.moment_year((75, 6, 1), reference=TODAY) == 2075
    assert centuries.moment_year((75, 6, 2), reference=TODAY) == 1975
    assert centuries.moment_year((99, 12, 31), reference=TODAY) == 1999
    assert centuries.moment_year((26, 1, 5), reference=TODAY) == 2026
