"""MRZ dates (YYMMDD, as Doc 9303-3 writes them) and the century each belongs to.

The zone keeps two digits of the year, so the century is inferred from a reference date
(normally today):

- a birth date is the latest date with those digits that is not after the reference date
  (a holder is born in the past; `250101` read in 2024 is 1925);
- an expiry date lies in the window from 79 years before to 20 years after the reference
  year: documents are valid for at most 10 years in practice, and old, long-expired
  documents still turn up in casework (`961210` read in 2025 is 1996, `350101` is 2035).

Doc 9303 lets the unknown parts of a birth date be written as fillers (`74<<<<`, `<<<<<<`);
such a date parses as None. An expiry date may only be unknown as a whole.
"""

from __future__ import annotations

from datetime import date

EXPIRY_YEARS_AHEAD = 20
UNKNOWN_DATE = "<<<<<<"


def birth_date(text: str, *, today: date) -> date | None:
    """The birth date `text` (YYMMDD) denotes, None when parts are unknown; ValueError if none."""
    if "<" in text:
        _check_partly_unknown(text)
        return None
    year, month, day = _digits(text)
    year += today.year - today.year % 100
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return date(year, month, day)


def expiry_date(text: str, *, today: date) -> date | None:
    """The expiry date `text` (YYMMDD) denotes, None when wholly unknown; ValueError if none."""
    if text == UNKNOWN_DATE:
        return None
    year, month, day = _digits(text)
    year += today.year - today.year % 100
    if year > today.year + EXPIRY_YEARS_AHEAD:
        year -= 100
    elif year <= today.year + EXPIRY_YEARS_AHEAD - 100:
        year += 100
    return date(year, month, day)


def _digits(text: str) -> tuple[int, int, int]:
    if not (len(text) == 6 and text.isdigit()):
        raise ValueError(f"{text!r} is not six digits YYMMDD")
    return int(text[0:2]), int(text[2:4]), int(text[4:6])


def _check_partly_unknown(text: str) -> None:
    """Unknown parts must be whole pairs of fillers; the known parts must still make sense."""
    year, month, day = text[0:2], text[2:4], text[4:6]
    for part, highest in ((year, 99), (month, 12), (day, 31)):
        if part == "<<":
            continue
        if not part.isdigit() or (highest != 99 and not 1 <= int(part) <= highest):
            raise ValueError(f"{text!r}: {part!r} is neither two fillers nor a valid number")
