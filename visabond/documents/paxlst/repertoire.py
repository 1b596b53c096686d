"""Interchange-wide checks of the text itself: characters outside the declared set, lower
case under UNOA, blanks at the edges of values. Each is reported once, at its first place.

ISO 9735-1 Annex B: level A (UNOA) has upper-case letters only; UNOA and UNOB are 7-bit.
"""

from __future__ import annotations

import bisect
import re

from visabond.documents.paxlst.charset import Decoded
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.syntax import Separators
from visabond.documents.paxlst.tokenizer import Segment

_LOWER_CASE = re.compile(r"[a-z]")


def check_repertoire(
    decoded: Decoded, segments: list[Segment], *, body_start: int, end: int, log: WarningLog
) -> None:
    """Check the interchange's text from `body_start` to `end` (junk after UNZ is not data)."""
    if decoded.foreign_byte_offset is not None:
        _warn_at_byte(decoded, segments, log)
    if decoded.syntax_identifier == "UNOA":
        found = _LOWER_CASE.search(decoded.text, body_start, end)
        if found:
            _warn_at(
                log,
                segments,
                Defect.LOWERCASE_UNDER_UNOA,
                "lower-case letters although UNOA (upper case only) is declared; kept as sent",
                found.start(),
            )


def find_value_blanks(text: str, separators: Separators, *, body_start: int) -> list[int]:
    """Where a blank sits just inside a separator (`TDT+20+ QQ827`), before tokenizing:
    when there is any, the tokenizer strips every value."""
    element, component, terminator = separators.element, separators.component, separators.terminator
    edges = (element + " ", component + " ", " " + element, " " + component, " " + terminator)
    # Plain substring searches rule out the common clean case much faster than the regex.
    if not any(text.find(edge, body_start) >= 0 for edge in edges):
        return []
    inner = re.escape(element + component)
    closing = re.escape(element + component + terminator)
    pattern = re.compile(f"[{inner}] | [{closing}]")
    release = separators.release
    return [
        match.start()
        for match in pattern.finditer(text, body_start)
        if not (release and text[match.start()] != " " and _released(text, match.start(), release))
    ]


def _released(text: str, position: int, release: str) -> bool:
    """Whether the character at `position` follows an odd run of release characters."""
    run = 0
    while position - run - 1 >= 0 and text[position - run - 1] == release:
        run += 1
    return run % 2 == 1


def report_value_blanks(
    positions: list[int], segments: list[Segment], *, end: int, log: WarningLog
) -> None:
    """One warning for all blanks in values; a blank right after the tag (`UNG *PAXLST`)
    is a tag defect the tokenizer reported, and blanks after UNZ are junk."""
    if not positions:
        return
    starts = [segment.offset for segment in segments]
    found = [
        position
        for position in positions
        if position < end
        and position - starts[max(bisect.bisect_right(starts, position) - 1, 0)] > 3
    ]
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        _warn_at(
            log,
            segments,
            Defect.VALUE_WHITESPACE,
            f"blank at the start or end of a value{more}; stripped",
            found[0],
        )


def _warn_at_byte(decoded: Decoded, segments: list[Segment], log: WarningLog) -> None:
    byte = decoded.foreign_byte_offset
    assert byte is not None
    # Find the text offset whose byte offset is this byte (identity for single-byte sets).
    char = byte if decoded.offsets.identity else _char_offset(decoded, byte)
    declared = decoded.syntax_identifier or "the assumed UNOA"
    note = decoded.foreign_note or f"bytes outside {declared}"
    _warn_at(log, segments, Defect.CHARSET_OUTSIDE_DECLARED, note, char)


def _char_offset(decoded: Decoded, byte: int) -> int:
    return len(decoded.text.encode(decoded.encoding)[:byte].decode(decoded.encoding, "ignore"))


def _warn_at(
    log: WarningLog, segments: list[Segment], code: Defect, message: str, char_offset: int
) -> None:
    index = bisect.bisect_right([segment.offset for segment in segments], char_offset) - 1
    segment = segments[max(index, 0)]
    log.warn(code, message, segment)
