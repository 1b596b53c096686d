"""The century of a two-digit year in a travel document, decided once for both readers.

An MRZ (ICAO Doc 9303-3, dates YYMMDD) and a PAXLST message (UN/EDIFACT date format codes
101 YYMMDD and 201 YYMMDDHHMM, and the UNB/UNG preparation date of syntax version 3) give
only two digits of the year. Neither standard says which century is meant, so the facts
beside the date decide, the same way for the same digits in the same context:

- **reference date**: the day the document is read (an MRZ at a border post: today) or the
  day the message was prepared (PAXLST: UNB, else UNG, never after today). It does not
  change while a message is read.
- **birth date**: a holder is born on or before the reference date, and a document is
  issued to a living person, so the birth falls before the document's expiry date and on or
  before its issue date where those are known (Doc 9303-3 §4.4 personal data; WCO/IATA/ICAO
  API Guidelines, date of birth against the travel document). The reading is the latest date
  with those digits that meets every fact. No traveller is older than the oldest person on
  record (Jeanne Calment, 122 years and 164 days, Guinness World Records), so a reading more
  than 122 years before the reference date is none: when no century remains, the dates
  contradict each other and `birth_date` answers None.
- **expiry date**: from 80 years before to 20 years after the reference date. Passports are
  valid for at most 10 years and identity cards 15; old, long-expired documents still turn up
  in casework.
- **issue date**: on or before the reference date (a document is issued before it is read).
- **moment of travel or preparation** (flight times, UNB/UNG dates): within 50 years of the
  reference date, either side.

Plain Python: the MRZ and PAXLST readers both call these functions, and nothing else
decides a century.
"""

from __future__ import annotations

from datetime import date

OLDEST_AGE_YEARS = 122
EXPIRY_YEARS_AHEAD = 20
EXPIRY_YEARS_BEHIND = 80
MOMENT_YEARS_AROUND = 50

# (year, month, day) with the year given by two digits, as read from the document.
TwoDigitDate = tuple[int, int, int]


def birth_date(
    digits: TwoDigitDate,
    *,
    reference: date,
    expiry: date | None = None,
    issued: date | None = None,
) -> date | None:
    """The birth date `digits` denote: the latest one consistent with the document's dates.

    `digits` is (YY, MM, DD). Returns None when no century makes the birth fall on or before
    `reference`, before `expiry` and on or before `issued`, within 122 years of `reference`.
    Raises ValueError when MM-DD is no day of any year (Doc 9303-3 dates; EDIFACT 2379 101).
    """
    two_digits, month, day = digits
    year = reference.year - reference.year % 100 + two_digits
    if (year, month, day) > (reference.year, reference.month, reference.day):
        year -= 100
    try:
        candidate = date(year, month, day)
    except ValueError:
        _check_day_exists(month, day)  # a day of no year at all is not a date
    else:
        # The usual case, settled without a loop: the latest reading fits the documents.
        if (expiry is None or candidate < expiry) and (issued is None or candidate <= issued):
            return candidate
    oldest = (reference.year - OLDEST_AGE_YEARS - 1, reference.month, reference.day)
    year -= 100
    while (year, month, day) > oldest:
        candidate_or_none = _existing(year, month, day)
        if candidate_or_none is not None and _fits(candidate_or_none, expiry=expiry, issued=issued):
            return candidate_or_none
        year -= 100
    return None


def expiry_date(digits: TwoDigitDate, *, reference: date) -> date:
    """The expiry date `digits` denote: within 80 years before to 20 years after `reference`.

    Raises ValueError when that date does not exist (Doc 9303-3 dates; EDIFACT 2379 101).
    """
    return _in_window(
        digits, reference=reference, behind=EXPIRY_YEARS_BEHIND, ahead=EXPIRY_YEARS_AHEAD
    )


def issue_date(digits: TwoDigitDate, *, reference: date) -> date:
    """The issue date `digits` denote: the latest such date on or before `reference`.

    Raises ValueError when that date does not exist.
    """
    two_digits, month, day = digits
    _check_day_exists(month, day)
    year = reference.year - reference.year % 100 + two_digits
    if (year, month, day) > (reference.year, reference.month, reference.day):
        year -= 100
    return date(year, month, day)


def moment_year(digits: TwoDigitDate, *, reference: date) -> int:
    """The full year of a flight time or preparation date: within 50 years of `reference`.

    Only the year is decided here, so a caller adds the time of day; raises ValueError when
    the date does not exist in that year (EDIFACT 2379 101 and 201; ISO 9735 S004).
    """
    return _in_window(
        digits, reference=reference, behind=MOMENT_YEARS_AROUND, ahead=MOMENT_YEARS_AROUND
    ).year


def _in_window(digits: TwoDigitDate, *, reference: date, behind: int, ahead: int) -> date:
    """The date with these digits after `behind` years before and by `ahead` years after
    `reference`: the window is a century wide, so exactly one date has the digits."""
    two_digits, month, day = digits
    _check_day_exists(month, day)
    year = reference.year - reference.year % 100 + two_digits
    if (year, month, day) > (reference.year + ahead, reference.month, reference.day):
        year -= 100
    elif (year, month, day) <= (reference.year - behind, reference.month, reference.day):
        year += 100
    return date(year, month, day)


def _fits(candidate: date, *, expiry: date | None, issued: date | None) -> bool:
    return (expiry is None or candidate < expiry) and (issued is None or candidate <= issued)


def _existing(year: int, month: int, day: int) -> date | None:
    """The date, or None for 29 February of a year that has none (1900, 2100)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_day_exists(month: int, day: int) -> None:
    """Raise ValueError unless MM-DD is a day of some year (2000 is a leap year)."""
    date(2000, month, day)
