"""Reading DTM values by their date/time format code (2379), tolerating mislabelled lengths.

Format codes used in PAXLST (UN/EDIFACT code list 2379): 101 YYMMDD, 102 CCYYMMDD,
201 YYMMDDHHMM, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS. The code is conditional: without one
the length decides. Real manifests send 12 digits under 201; the length wins, with a warning.

A value with a two-digit year is read here into its digits only: the century depends on what
the date is (a birth, an expiry, a flight time) and on the message's other dates, and is
decided by `visabond.documents.centuries`, the same rules the MRZ reader follows.
"""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from visabond.documents import centuries
from visabond.documents.paxlst.defects import Defect

LENGTH_OF_FORMAT = {"101": 6, "102": 8, "201": 10, "203": 12, "204": 14}
_FORMAT_OF_LENGTH = {length: code for code, length in LENGTH_OF_FORMAT.items()}


class DtmValue(NamedTuple):
    """A DTM value split into its parts; `year` has two digits when `two_digit_year`."""

    year: int
    two_digit_year: bool
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0

    @property
    def digits(self) -> centuries.TwoDigitDate:
        return self.year, self.month, self.day

    def on(self, year: int) -> dt.datetime:
        """The moment in `year` (the full year the century rule chose)."""
        return dt.datetime(year, self.month, self.day, self.hour, self.minute, self.second)


class Reading(NamedTuple):
    """A DTM value read: its parts (None when unreadable) and a problem, if any."""

    value: DtmValue | None
    problem: tuple[Defect, str] | None = None


# A manifest repeats the same few dates (flight times, visa expiries) hundreds of times and
# a Reading is immutable, so one reading serves every DTM that spells the date the same way.
@lru_cache(maxsize=4096)
def read_dtm(text: str, code: str) -> Reading:
    """Split a DTM value by its length (the format code is checked against it).

    An impossible date or time is a DATE_INVALID problem with no value; a two-digit year is
    checked only for a day some year has (29 February is decided with the century).
    """
    if not (text.isascii() and text.isdigit()) or len(text) not in _FORMAT_OF_LENGTH:
        return Reading(None, (Defect.DATE_INVALID, f"{text!r} is not a date in a known format"))
    problem = (
        None if not code or LENGTH_OF_FORMAT.get(code) == len(text) else _format_problem(text, code)
    )
    two_digit_year = len(text) in (6, 10)
    year, rest = (int(text[:2]), text[2:]) if two_digit_year else (int(text[:4]), text[4:])
    hour = int(rest[4:6]) if len(rest) >= 6 else 0
    minute = int(rest[6:8]) if len(rest) >= 8 else 0
    second = int(rest[8:10]) if len(rest) >= 10 else 0
    value = DtmValue(year, two_digit_year, int(rest[:2]), int(rest[2:4]), hour, minute, second)
    try:
        value.on(2000 if two_digit_year else year)
    except ValueError:
        return Reading(None, (Defect.DATE_INVALID, f"{text!r} is not a valid calendar date"))
    return Reading(value, problem)


def _format_problem(text: str, code: str) -> tuple[Defect, str]:
    expected = LENGTH_OF_FORMAT.get(code)
    actual = _FORMAT_OF_LENGTH[len(text)]
    return (
        Defect.DATE_FORMAT_MISMATCH,
        f"{text!r} has {len(text)} digits but format code {code} "
        f"{'needs ' + str(expected) if expected else 'is unknown'}; read as format {actual}",
    )


def dtm_parts(elements: list[list[str]]) -> tuple[str, str, str, tuple[str, str] | None]:
    """DTM C507 (qualifier, value, format code) and the habit it was read through, if any.

    Real senders write `DTM+36+301231` (the value in a second element) and
    `DTM+189:20261201:1100:203` (the time in a component of its own); both are read as what
    they plainly mean. Components beyond the format code are named as not read. The habit
    is (kind, message) for the warning.
    """
    parts = elements[0] if elements else [""]
    if len(parts) == 1 and len(elements) > 1 and elements[1][0]:
        qualifier, value = parts[0], elements[1]
        message = (
            f"DTM+{qualifier}+{value[0]}: the date must be a component "
            f"(DTM+{qualifier}:{value[0]}); read as such"
        )
        return qualifier, value[0], value[1] if len(value) > 1 else "", ("element", message)
    if len(parts) <= 3:
        code = parts[2] if len(parts) > 2 else ""
        return parts[0], parts[1] if len(parts) > 1 else "", code, None
    qualifier, day, time, code = parts[0], parts[1], parts[2], parts[3]
    joined = day + time
    if len(parts) == 4 and joined.isdigit() and LENGTH_OF_FORMAT.get(code) == len(joined):
        message = (
            f"DTM+{qualifier}: the time {time} is in a component of its own; read with the "
            f"date as {joined} (format {code})"
        )
        return qualifier, joined, code, ("time", message)
    message = (
        f"DTM+{qualifier}: components after the format code ({':'.join(parts[3:])!r}) are not "
        "part of C507 and were not read"
    )
    return qualifier, day, time, ("extra", message)
