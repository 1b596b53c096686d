"""Splitting interchange text into segments, data elements and components, fast.

ISO 9735-1 §4 and §7: a segment ends at the segment terminator, its data elements are split
by the element separator and their components by the component separator; a release
character makes the next character plain data. Segments are split with `str.split`; only a
segment that holds a release character takes the escaped path, so one O'BRIEN does not
slow down a whole manifest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from typing import NamedTuple

from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.syntax import BLANK_CHARACTERS, LINE_END_CHARACTERS, Separators

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
# Service segments (ISO 9735-1 §8) and the segments of PAXLST D02B..D21A: the tags that
# need no checking.
KNOWN_TAGS = frozenset(
    [
        "UNA",
        "UNB",
        "UNG",
        "UNH",
        "UNT",
        "UNE",
        "UNZ",
        "BGM",
        "RFF",
        "DTM",
        "NAD",
        "CTA",
        "COM",
        "TDT",
        "LOC",
        "ATT",
        "MEA",
        "GEI",
        "FTX",
        "EMP",
        "NAT",
        "DOC",
        "CPI",
        "QTY",
        "CNT",
        "AUT",
        "TSR",
        "EQN",
        "ERC",
    ]
)


class Segment(NamedTuple):
    """A segment: its tag, its data elements (each a list of components), where it starts.

    `number` counts the segments of the input from 1, a UNA included; `offset` is the
    character offset in the decoded text (equal to the byte offset for single-byte sets).
    """

    tag: str
    elements: list[list[str]]
    number: int
    offset: int


@dataclass(slots=True)
class Tokens:
    """The segments of an input and what the tokenizer tolerated on the way."""

    segments: list[Segment]
    # (code, message, segment number, character offset)
    findings: list[tuple[Defect, str, int, int]] = field(default_factory=list)
    # The final segment had no terminator (the data ended first).
    last_unterminated: bool = False
    # The first segment whose tag is not three letters or digits (junk, binary data).
    first_invalid: Segment | None = None
    # How many line-end characters stood between segments (after a terminator, before a
    # tag): any other line end in the text stands inside a segment.
    line_ends_between: int = 0


def tokenize(
    text: str,
    separators: Separators,
    *,
    start: int,
    first_number: int,
    source: str = "",
    byte_offset: Callable[[int], int] = int,
    strip_values: bool = False,
) -> Tokens:
    """Split `text[start:]` into segments numbered from `first_number`.

    `strip_values` strips blanks from every value (for inputs known to carry them);
    `byte_offset` maps a text offset to a byte offset, for the error an input can raise.
    """
    release = separators.release
    skipped = _after_line_ends(text, start, separators) - start
    start += skipped
    body = text[start:]
    terminator = _terminator_with_line_end(body, separators.terminator)
    pieces = body.split(terminator)
    if release and release in body:
        pieces = _rejoin_released(pieces, terminator, release)
    blanks = "".join(c for c in BLANK_CHARACTERS if c not in separators.service_characters)
    tokens = _segments_from(
        pieces, separators, blanks, start, first_number, strip_values, len(terminator)
    )
    line_end = len(terminator) - len(separators.terminator)
    tokens.line_ends_between += skipped + line_end * (len(pieces) - 1)
    if pieces[-1].strip(blanks):
        tokens.last_unterminated = True
        if release and _ends_with_odd_run(pieces[-1], release):
            _refuse_unterminated_release(tokens.segments[-1], release, source, byte_offset)
    return tokens


def _after_line_ends(text: str, start: int, separators: Separators) -> int:
    """Where the first segment starts once the line end after UNA is passed over.

    Line ends before a segment are not data, nor stray blanks to warn about.
    """
    line_ends = "".join(c for c in LINE_END_CHARACTERS if c not in separators.service_characters)
    while start < len(text) and line_ends and text[start] in line_ends:
        start += 1
    return start


def _terminator_with_line_end(body: str, terminator: str) -> str:
    """The terminator plus the line end that follows every one of them, if any.

    Most files put each segment on its own line; splitting on `'\n` at once spares the
    per-segment stripping of the line end.
    """
    count = body.count(terminator)
    for line_end in ("\r\n", "\n", "\r"):
        if count and body.count(terminator + line_end) == count:
            return terminator + line_end
    return terminator


def _segments_from(
    pieces: list[str],
    separators: Separators,
    blanks: str,
    start: int,
    first_number: int,
    strip_values: bool,
    terminator_length: int,
) -> Tokens:
    """Each piece a segment: blanks before tags stripped and reported, released separators
    kept as data."""
    element, component, release = separators.element, separators.component, separators.release
    split = str.split
    components = _Components(component).__getitem__
    tokens = Tokens([])
    append = tokens.segments.append
    new_segment = tuple.__new__
    stray: list[tuple[int, int]] = []
    number = first_number
    offset = start
    for piece in pieces:
        length = len(piece)
        if piece[:1] in blanks:
            stripped = piece.lstrip(blanks)
            lead = length - len(stripped)
            tokens.line_ends_between += _count_line_ends(piece[:lead])
            if not stripped:
                offset += length + terminator_length
                continue
            if piece[:lead].strip(LINE_END_CHARACTERS):
                stray.append((number, offset + lead))
            piece_offset = offset + lead
            piece = stripped
        else:
            piece_offset = offset
        offset += length + terminator_length
        tag = piece[:3]
        released = release and release in piece
        if tag in KNOWN_TAGS and piece[3:4] == element and not released:
            # The common case: a known tag and its data elements, split past the tag, each
            # value looked up in C (no Python frame per value).
            values = list(map(components, piece[4:].split(element)))
        else:
            if released:
                elements = _split_released_segment(piece, separators)
            else:
                elements = list(map(split, piece.split(element), repeat(component)))
            tag = elements[0][0]
            if tag not in KNOWN_TAGS:
                tag = _normalised_tag(tag, number, piece_offset, tokens)
            values = elements[1:]
        if strip_values:
            values = [[part.strip() for part in value] for value in values]
        append(new_segment(Segment, (tag, values, number, piece_offset)))
        number += 1
    if stray:
        _report_stray_whitespace(stray, tokens)
    return tokens


class _Components(dict[str, list[str]]):
    """A value's components, split once per spelling: a manifest repeats qualifiers, codes,
    dates and places for every passenger. Segments spelling a value alike share one list,
    which no reader changes; fewer lists also leave the cyclic collector less to scan."""

    def __init__(self, separator: str) -> None:
        super().__init__()
        self.separator = separator

    def __missing__(self, value: str) -> list[str]:
        parts = self[value] = value.split(self.separator)
        return parts


def _count_line_ends(text: str) -> int:
    return text.count("\n") + text.count("\r")


def _report_stray_whitespace(stray: list[tuple[int, int]], tokens: Tokens) -> None:
    number, offset = stray[0]
    more = f" (and {len(stray) - 1} more segments)" if len(stray) > 1 else ""
    tokens.findings.append(
        (Defect.STRAY_WHITESPACE, f"blanks before the segment tag{more}", number, offset)
    )


def _normalised_tag(tag: str, number: int, offset: int, tokens: Tokens) -> str:
    """Tolerate `UNG *PAXLST` (a blank in the tag) and lower-case tags, with a warning.

    A tag that is still not three letters or digits is remembered: inside the interchange
    it makes the input unreadable, after UNZ it is only trailing junk.
    """
    cleaned = tag.strip(BLANK_CHARACTERS)
    if cleaned != tag:
        tokens.findings.append(
            (Defect.TAG_WHITESPACE, f"blank inside segment tag {tag!r}", number, offset)
        )
    if cleaned.upper() != cleaned and _TAG.fullmatch(cleaned.upper()):
        tokens.findings.append(
            (Defect.TAG_CASE, f"segment tag {cleaned!r} is not upper case", number, offset)
        )
        cleaned = cleaned.upper()
    if tokens.first_invalid is None and not is_valid_tag(cleaned):
        tokens.first_invalid = Segment(cleaned, [], number, offset)
    return cleaned


def is_valid_tag(tag: str) -> bool:
    return _TAG.fullmatch(tag) is not None


def _split_released_segment(segment: str, separators: Separators) -> list[list[str]]:
    release = separators.release
    unescape = re.compile(re.escape(release) + "(.)", re.DOTALL)
    elements = []
    for value in _rejoin_released(segment.split(separators.element), separators.element, release):
        components = _rejoin_released(
            value.split(separators.component), separators.component, release
        )
        elements.append(
            [unescape.sub(r"\1", part) if release in part else part for part in components]
        )
    return elements


def _rejoin_released(pieces: list[str], separator: str, release: str) -> list[str]:
    """Join back pieces whose separator was escaped by an odd run of release characters."""
    joined: list[str] = []
    carry: str | None = None
    for piece in pieces:
        if carry is not None:
            piece = carry + separator + piece
            carry = None
        if piece.endswith(release) and _ends_with_odd_run(piece, release):
            carry = piece
            continue
        joined.append(piece)
    if carry is not None:
        joined.append(carry)
    return joined


def _ends_with_odd_run(piece: str, release: str) -> bool:
    run = len(piece) - len(piece.rstrip(release))
    return run % 2 == 1


def _refuse_unterminated_release(
    segment: Segment, release: str, source: str, byte_offset: Callable[[int], int]
) -> None:
    raise PaxlstError(
        f"the data ends with the release character {release!r}, which must be followed "
        "by the character it releases (ISO 9735-1 §7.3)",
        rule="release-unterminated",
        segment_number=segment.number,
        byte_offset=byte_offset(segment.offset),
        source=source,
    )
