"""MRZ dates as Doc 9303-3 writes them (YYMMDD), and the parts a zone may leave unknown.

The century of the two-digit year is not decided here: `visabond.documents.centuries` holds
the rule, shared with the PAXLST reader. This module only turns the zone's six characters
into (YY, MM, DD).

Doc 9303 lets the unknown parts of a birth date be written as fillers (`74<<<<`, `<<<<<<`);
such a date has no digits to read. An expiry date may only be unknown as a whole.
"""

from __future__ import annotations

from visabond.documents.centuries import TwoDigitDate

UNKNOWN_DATE = "<<<<<<"


def birth_digits(text: str) -> TwoDigitDate | None:
    """(YY, MM, DD) of a birth date, None when parts are unknown; ValueError if malformed."""
    if "<" in text:
        _check_partly_unknown(text)
        return None
    return _digits(text)


def expiry_digits(text: str) -> TwoDigitDate | None:
    """(YY, MM, DD) of an expiry date, None when wholly unknown; ValueError if malformed."""
    if text == UNKNOWN_DATE:
        return None
    return _digits(text)


def _digits(text: str) -> TwoDigitDate:
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
