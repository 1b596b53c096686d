"""Reading DTM values by their date/time format code (2379), tolerating mislabelled lengths.

Format codes used in PAXLST (UN/EDIFACT code list 2379): 101 YYMMDD, 102 CCYYMMDD,
201 YYMMDDHHMM, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS. The code is conditional: without one
the length decides. Real manifests send 12 digits under 201; the length wins, with a warning.
"""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from visabond.documents.paxlst.defects import Defect

_LENGTH_OF_FORMAT = {"101": 6, "102": 8, "201": 10, "203": 12, "204": 14}
_FORMAT_OF_LENGTH = {length: code for code, length in _LENGTH_OF_FORMAT.items()}
# POSIX strptime's %y pivot, only when nothing in the message dates it.
_POSIX_PIVOT = 69
# Documents and flights are dated within fifty years of when the message was prepared.
_WINDOW_YEARS = 50


class Reading(NamedTuple):
    """A DTM value read: the moment (None when unreadable) and a problem, if any."""

    moment: dt.datetime | None
    problem: tuple[Defect, str] | None = None


# A manifest repeats the same few dates (flight times, visa expiries) hundreds of times and
# a Reading is immutable, so one reading serves every DTM that spells the date the same way.
@lru_cache(maxsize=4096)
def read_dtm(
    text: str, code: str, *, reference: dt.date | None, past_only: bool = False
) -> Reading:
    """Read a DTM value; two-digit years take the century nearest `reference`.

    `past_only` is for birth dates: a two-digit year is never read as after the reference.
    """
    if not (text.isascii() and text.isdigit()) or len(text) not in _FORMAT_OF_LENGTH:
        return Reading(None, (Defect.DATE_INVALID, f"{text!r} is not a date in a known format"))
    problem = (
        None
        if not code or _LENGTH_OF_FORMAT.get(code) == len(text)
        else (_format_problem(text, code))
    )
    try:
        moment = _moment(text, reference=reference, past_only=past_only)
    except ValueError:
        return Reading(None, (Defect.DATE_INVALID, f"{text!r} is not a valid calendar date"))
    return Reading(moment, problem)


def _format_problem(text: str, code: str) -> tuple[Defect, str]:
    expected = _LENGTH_OF_FORMAT.get(code)
    actual = _FORMAT_OF_LENGTH[len(text)]
    return (
        Defect.DATE_FORMAT_MISMATCH,
        f"{text!r} has {len(text)} digits but format code {code} "
        f"{'needs ' + str(expected) if expected else 'is unknown'}; read as format {actual}",
    )


def _moment(text: str, *, reference: dt.date | None, past_only: bool) -> dt.datetime:
    if len(text) in (6, 10):
        year = _full_year(int(text[:2]), reference=reference, past_only=past_only)
        rest = text[2:]
    else:
        year = int(text[:4])
        rest = text[4:]
    hour = int(rest[4:6]) if len(rest) >= 6 else 0
    minute = int(rest[6:8]) if len(rest) >= 8 else 0
    second = int(rest[8:10]) if len(rest) >= 10 else 0
    return dt.datetime(year, int(rest[:2]), int(rest[2:4]), hour, minute, second)


def _full_year(two_digits: int, *, reference: dt.date | None, past_only: bool) -> int:
    if reference is None:
        return (1900 if two_digits >= _POSIX_PIVOT else 2000) + two_digits
    year = reference.year // 100 * 100 + two_digits
    if past_only:
        return year - 100 if year > reference.year else year
    if year > reference.year + _WINDOW_YEARS:
        return year - 100
    if year < reference.year - _WINDOW_YEARS:
        return year + 100
    return year
