"""Interchange-wide checks of the text against the declared character set, and which
segments hold a character whose reading is not established.

ISO 9735-1 §5 and Annex B: level A (UNOA) is upper case, digits, space and
`.,-()/='+:?!"%&*;<>`, level B (UNOB) adds lower case; both are 7-bit. The ISO 8859 parts
hold the graphic characters 0x20-0x7E and 0xA0-0xFF (less the codes a part leaves
undefined); ISO 10646 holds graphic characters. Control characters belong to none of them:
between segments the line ends and blanks that transport adds are tolerated, inside a
segment they are data that does not fit. Each finding is one warning, at its first place,
with the count of the others; blanks at the edges of values are found here too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from visabond.documents.paxlst.charset import LEVEL_PUNCTUATION, Decoded
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.syntax import Separators
from visabond.documents.paxlst.tokenizer import Segment

_LOWER_CASE = re.compile(r"[a-z]")
_PRINTABLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))
# Controls that are data wherever they stand (tab, CR and LF may also separate segments).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROLS = "\t\r\n"


@dataclass(frozen=True, slots=True)
class Suspects:
    """The segments (by number) holding a character whose reading is not established, with
    the defect that says why: kept as received, or recovered against the declaration."""

    segments: dict[int, Defect]

    def __bool__(self) -> bool:
        return bool(self.segments)


def check_repertoire(
    decoded: Decoded,
    segments: list[Segment],
    separators: Separators,
    *,
    body_start: int,
    end: int,
    log: WarningLog,
    line_ends_between: int = 0,
) -> Suspects:
    """Check the interchange's text from `body_start` to `end`; warn once per finding and
    return the segments whose values must not pass as clean. `line_ends_between` is how
    many line-end characters the tokenizer found between segments."""
    places = _Places(segments)
    declared = decoded.character_set
    suspects: dict[int, Defect] = {}
    if declared.kind == "unknown":
        log.warn_at(
            Defect.CHARSET_OUTSIDE_DECLARED,
            f"syntax identifier {declared.identifier!r} is not one this reader knows "
            "(UNOA-UNOL, UNOW-UNOY): read byte for byte, non-ASCII characters are uncertain",
            number=segments[0].number if segments else 1,
            char_offset=segments[0].offset if segments else 0,
        )
    if decoded.recovered:
        _report(log, places, decoded.recovered, decoded, decoded.note, recovered=True)
        places.mark(decoded.recovered, suspects, Defect.CHARSET_RECOVERED)
    if decoded.uncertain:
        _report(log, places, decoded.uncertain, decoded, decoded.note, recovered=False)
        places.mark(decoded.uncertain, suspects, Defect.CHARSET_OUTSIDE_DECLARED)
    text = decoded.text
    controls = (
        []
        if _no_controls_inside(text[body_start:end], line_ends_between)
        else _controls_inside_segments(
            text, separators, body_start=body_start, end=end, known=decoded.uncertain
        )
    )
    if controls:
        first = controls[0]
        message = (
            f"control character U+{ord(text[first]):04X} inside a segment{_more(controls)}: "
            f"no character set holds it; kept as received"
        )
        places.warn(log, Defect.CHARSET_OUTSIDE_DECLARED, message, first)
        places.mark(controls, suspects, Defect.CHARSET_OUTSIDE_DECLARED)
    if declared.kind == "level" or not declared.identifier:
        _check_level(text, declared.identifier, separators, body_start, end, log, places)
    return Suspects(suspects)


def _check_level(
    text: str,
    identifier: str,
    separators: Separators,
    body_start: int,
    end: int,
    log: WarningLog,
    places: _Places,
) -> None:
    """ASCII punctuation outside levels A and B (`@`, `#`, `_`...) is read as ASCII, with a
    warning; lower case under UNOA is kept as sent."""
    allowed = set(LEVEL_PUNCTUATION + separators.service_characters)
    outside = "".join(char for char in _PRINTABLE_ASCII if char not in allowed)
    outside = "".join(char for char in outside if not char.isalnum())
    found = re.compile(f"[{re.escape(outside)}]").search(text, body_start, end)
    level = identifier or "the assumed UNOA"
    if found:
        message = f"{found.group()!r} is outside {level} (ISO 9735 levels A and B); read as ASCII"
        places.warn(log, Defect.CHARSET_OUTSIDE_DECLARED, message, found.start())
    if identifier == "UNOA":
        found = _LOWER_CASE.search(text, body_start, end)
        if found:
            places.warn(
                log,
                Defect.LOWERCASE_UNDER_UNOA,
                "lower-case letters although UNOA (upper case only) is declared; kept as sent",
                found.start(),
            )


_PRINTABLE_BYTES = bytes(range(0x20, 0x7F))


def _no_controls_inside(body: str, line_ends_between: int) -> bool:
    """Whether ASCII text holds no control character but the line ends between segments.

    Deleting the printable bytes in C leaves the controls, far cheaper than a regular
    expression over the text; other text is searched character by character.
    """
    if not body.isascii():
        return False
    controls = body.encode("ascii").translate(None, _PRINTABLE_BYTES)
    return not controls.translate(None, b"\r\n") and len(controls) == line_ends_between


def _controls_inside_segments(
    text: str, separators: Separators, *, body_start: int, end: int, known: tuple[int, ...]
) -> list[int]:
    """Offsets of control characters that stand inside a segment, not between two; those
    the decoding already found (`known`) are not counted again. A line end after a released
    terminator (`O?'NEILL?'` then a line break) is data, inside the segment."""
    found = [match.start() for match in _CONTROLS.finditer(text, body_start, end)]
    if known:
        already = set(known)
        found = [offset for offset in found if offset not in already]
    terminator, release = re.escape(separators.terminator), separators.release
    between = re.compile(f"{terminator}([ \t\r\n]*)|([\t\r\n])")
    body = text[body_start:end]
    start = body_start + len(body) - len(body.lstrip(" \t\r\n"))
    for match in between.finditer(text, start, end):
        if match.group(2) is not None:
            if not _ends_segment(text, match.start(), end):
                found.append(match.start())
        elif release and match.group(1) and _released(text, match.start(), release):
            found.extend(
                match.start(1) + offset
                for offset, char in enumerate(match.group(1))
                if char in _LINE_CONTROLS
            )
    return sorted(found)


def _ends_segment(text: str, position: int, end: int) -> bool:
    """A run of blanks at the very end of the interchange is not inside a segment."""
    return not text[position:end].strip()


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
    is a tag defect the tokenizer reported, and blanks after UNZ are not this interchange's."""
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
        _Places(segments).warn(
            log,
            Defect.VALUE_WHITESPACE,
            f"blank at the start or end of a value{more}; stripped",
            found[0],
        )


class _Places:
    """Finding the segment that holds a text offset."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.starts = [segment.offset for segment in segments]

    def segment_at(self, char_offset: int) -> Segment | None:
        index = bisect.bisect_right(self.starts, char_offset) - 1
        return self.segments[max(index, 0)] if self.segments else None

    def warn(self, log: WarningLog, code: Defect, message: str, char_offset: int) -> None:
        segment = self.segment_at(char_offset)
        number = segment.number if segment is not None else 1
        log.warn_at(code, message, number=number, char_offset=char_offset)

    def mark(
        self, offsets: tuple[int, ...] | list[int], into: dict[int, Defect], code: Defect
    ) -> None:
        for offset in offsets:
            segment = self.segment_at(offset)
            if segment is not None and segment.number not in into:
                into[segment.number] = code


def _report(
    log: WarningLog,
    places: _Places,
    offsets: tuple[int, ...],
    decoded: Decoded,
    note: str,
    *,
    recovered: bool,
) -> None:
    first = offsets[0]
    char = decoded.text[first]
    if recovered:
        message = (
            f"{note}: read as UTF-8, recovered rather than as declared ({char!r}{_more(offsets)})"
        )
    else:
        message = (
            f"{_byte(char)} is {note}; kept as U+{ord(char):04X} and the value marked "
            f"uncertain{_more(offsets)}"
        )
    places.warn(log, Defect.CHARSET_OUTSIDE_DECLARED, message, first)


def _byte(char: str) -> str:
    """A kept byte, with how it reads in the sets carriers confuse with the declared one."""
    code = ord(char)
    if code > 0xFF:
        return repr(char)
    byte = bytes([code])
    readings = []
    for label, codec in (("Windows-1252", "cp1252"), ("Mac OS Roman", "mac_roman")):
        try:
            readings.append(f"{label} {byte.decode(codec)!r}")
        except UnicodeDecodeError:
            continue
    guess = f" ({' or '.join(readings)}?)" if readings else ""
    return f"byte 0x{code:02X}{guess}"


def _more(offsets: tuple[int, ...] | list[int]) -> str:
    return f" (and {len(offsets) - 1} more)" if len(offsets) > 1 else ""
