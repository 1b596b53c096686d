"""Splitting interchange text into segments, data elements and components, fast.

ISO 9735-1 §4 and §7: a segment ends at the segment terminator, its data elements are split
by the element separator and their components by the component separator; a release
character makes the next character plain data. The common case (no release character in the
data) is split with `str.split` alone; a segment that holds a release character takes the
slower escaped path, so one O'BRIEN does not slow down a whole manifest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, count, repeat
from operator import itemgetter
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
    # Whether a control character stands inside a segment: False when the plain path saw
    # none, None when not looked at (the character-set check then searches the text).
    controls_found: bool | None = None


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
    start = _after_line_ends(text, start, separators)
    body = text[start:]
    terminator = _terminator_with_line_end(body, separators.terminator)
    pieces = body.split(terminator)
    released = bool(release) and release in body
    if released:
        pieces = _rejoin_released(pieces, terminator, release)
    blanks = "".join(c for c in BLANK_CHARACTERS if c not in separators.service_characters)
    split = _segments_from if released or _needs_care(pieces, blanks) else _plain_segments_from
    tokens = split(pieces, separators, blanks, start, first_number, strip_values, len(terminator))
    if pieces[-1].strip(blanks):
        tokens.last_unterminated = True
        if release and _ends_with_odd_run(pieces[-1], release):
            _refuse_unterminated_release(tokens.segments[-1], release, source, byte_offset)
    return tokens


def _after_line_ends(text: str, start: int, separators: Separators) -> int:
    """Where the first segment starts once the line end after UNA is passed over.

    Line ends before a segment are not data (nor stray blanks): skipping them here lets
    the first piece take the plain path.
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


_first_character = itemgetter(slice(0, 1))


def _needs_care(pieces: list[str], blanks: str) -> bool:
    """Whether a piece before the final empty one is empty or starts with a blank.

    Such pieces (blank lines, indented segments) are stripped and reported one by one;
    `"" in blanks` holds, so an empty piece counts as one.
    """
    body = pieces[:-1] if pieces[-1] == "" else pieces
    return any(map(blanks.__contains__, map(_first_character, body)))


def _plain_segments_from(
    pieces: list[str],
    separators: Separators,
    blanks: str,
    start: int,
    first_number: int,
    strip_values: bool,
    terminator_length: int,
) -> Tokens:
    """Every segment at once, when no release character and no stray blank needs care.

    The values of all segments are split in one pass (the pieces joined by the element
    separator) and sliced back per segment by counting separators: no per-segment loop
    in Python but the one that builds the segments.
    """
    del blanks  # the pieces carry none at their start
    if pieces[-1] == "":
        pieces = pieces[:-1]
    if not pieces:
        return Tokens([])
    element, component = separators.element, separators.component
    offsets = list(accumulate([len(piece) + terminator_length for piece in pieces], initial=start))
    joined = element.join(pieces)
    values = list(map(str.split, joined.split(element), repeat(component)))
    ends = list(accumulate([piece.count(element) + 1 for piece in pieces]))
    starts = [0, *ends[:-1]]
    tokens = Tokens([], controls_found=_has_controls(joined))
    tags = [values[index][0] for index in starts]
    if not KNOWN_TAGS.issuperset(tags):
        _normalise_tags(tags, first_number, offsets, tokens)
    if strip_values:
        values = [[part.strip() for part in value] for value in values]
    new_segment = tuple.__new__
    tokens.segments = [
        new_segment(Segment, (tag, values[first + 1 : end], number, offset))
        for tag, first, end, number, offset in zip(tags, starts, ends, count(first_number), offsets)
    ]
    return tokens


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _has_controls(data: str) -> bool | None:
    """Whether ASCII segment data holds a character outside 0x20-0x7E; None for other text.

    Deleting the printable bytes in C is far cheaper than a regular expression over the text.
    """
    if not data.isascii():
        return None
    return bool(data.encode("ascii").translate(None, _PRINTABLE_ASCII))


def _normalise_tags(tags: list[str], first_number: int, offsets: list[int], tokens: Tokens) -> None:
    for index, tag in enumerate(tags):
        if tag not in KNOWN_TAGS:
            tags[index] = _normalised_tag(tag, first_number + index, offsets[index], tokens)


def _segments_from(
    pieces: list[str],
    separators: Separators,
    blanks: str,
    start: int,
    first_number: int,
    strip_values: bool,
    terminator_length: int,
) -> Tokens:
    """The careful loop: strips and reports blanks before tags, honours the release character."""
    element, component, release = separators.element, separators.component, separators.release
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
            if not stripped:
                offset += length + terminator_length
                continue
            lead = length - len(stripped)
            if piece[:lead].strip(LINE_END_CHARACTERS):
                stray.append((number, offset + lead))
            piece_offset = offset + lead
            piece = stripped
        else:
            piece_offset = offset
        offset += length + terminator_length
        if release and release in piece:
            elements = _split_released_segment(piece, separators)
        else:
            elements = [value.split(component) for value in piece.split(element)]
        tag = elements[0][0]
        if tag not in KNOWN_TAGS:
            tag = _normalised_tag(tag, number, piece_offset, tokens)
        if strip_values:
            elements = [[part.strip() for part in value] for value in elements]
        append(new_segment(Segment, (tag, elements[1:], number, piece_offset)))
        number += 1
    if stray:
        _report_stray_whitespace(stray, tokens)
    return tokens


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
