"""The entry point: bytes of PAXLST interchanges in, manifests, warnings and kept input out.

We read EDIFACT with our own code rather than pydifact: pydifact fails on interchanges with
UNG/UNE functional groups, which airline manifests use, and refuses the real-world
`UNG *PAXLST` (a blank in the tag); it also gives no byte positions for the warnings that
make defective manifests usable.

A file may hold several interchanges back to back (ISO 9735-1 §8: a UNB after UNZ starts
another), each with or without its own UNA and in its own character set: each is read in
turn. Data between or after them that starts no interchange is kept unread, never dropped.
"""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from visabond.core import clock
from visabond.documents import centuries
from visabond.documents.paxlst.charset import BYTE_ORDER_MARK, Decoded, character_set, decode
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.envelope import Envelope, split_interchange
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.findings import SegmentLayout, WarningLog
from visabond.documents.paxlst.message import read_message
from visabond.documents.paxlst.model import (
    Interchange,
    Manifest,
    ParseResult,
    ParseWarning,
    Unread,
)
from visabond.documents.paxlst.repertoire import (
    Suspects,
    check_repertoire,
    find_value_blanks,
    report_value_blanks,
)
from visabond.documents.paxlst.syntax import (
    BLANK_CHARACTERS,
    Separators,
    interchange_end,
    read_service_string_advice,
)
from visabond.documents.paxlst.tokenizer import Segment, Tokens, tokenize

_BLANK_BYTES = BLANK_CHARACTERS.encode("ascii")
_INTERCHANGE_TAG = re.compile(rb"(?i)UN[ABGH]")
_OPENING = re.compile(rb"(?<![A-Za-z0-9])UN[AB](?![A-Za-z0-9])")


def parse_paxlst(data: bytes, *, source: str = "", today: dt.date | None = None) -> ParseResult:
    """Parse every interchange in `data` (or a bare message body); raise PaxlstError only when
    some of it is unreadable, naming the segment number and byte offset.

    Two-digit years are read against the day each interchange was prepared (UNB, else UNG),
    never after `today` (default: the clock's today), which stands in when no header dates
    the message (see `visabond.documents.centuries`).
    """
    reading_day = clock.today() if today is None else today
    _refuse_utf16(data, source)
    result = _FileResult()
    position, number = _skip_blanks(data, 0), 1
    if position >= len(data):
        raise PaxlstError(
            "no segments: the input is empty",
            rule="empty",
            segment_number=1,
            byte_offset=0,
            source=source,
        )
    while position < len(data):
        if number > 1 and not _opens_interchange(data, position):
            # Junk after UNZ is kept; an interchange that follows it is still read.
            following = _next_opening(data, position)
            result.keep_trailing(data[:following], position, number, source)
            if following == len(data):
                break
            position, number = following, number + 1
        read = _read_interchange(
            data, start=position, first_number=number, source=source, today=reading_day
        )
        result.add(read)
        position, number = _skip_blanks(data, read.end), read.next_number
    return result.freeze(source)


def _refuse_utf16(data: bytes, source: str) -> None:
    """ISO 9735 interchanges are sequences of octets in the declared set; UTF-16 is not one."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PaxlstError(
            f"the file is UTF-32 text (byte-order mark {data[:4].hex(' ').upper()}); an "
            "interchange is 8-bit: save it as UTF-8 (UNOW/UNOY) or in the declared set",
            rule="utf32",
            segment_number=1,
            byte_offset=0,
            source=source,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PaxlstError(
            f"the file is UTF-16 text (byte-order mark {data[:2].hex(' ').upper()}); an "
            "interchange is 8-bit: save it as UTF-8 (UNOW/UNOY) or in the declared set",
            rule="utf16",
            segment_number=1,
            byte_offset=0,
            source=source,
        )


@dataclass(slots=True)
class _InterchangeRead:
    manifests: list[Manifest]
    warnings: list[ParseWarning]
    unread: list[Unread]
    end: int
    next_number: int


@dataclass(slots=True)
class _FileResult:
    manifests: list[Manifest] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def add(self, read: _InterchangeRead) -> None:
        self.manifests += read.manifests
        self.warnings += read.warnings
        self.unread += read.unread

    def keep_trailing(self, data: bytes, position: int, number: int, source: str) -> None:
        """Data after an interchange that starts none, up to the next one: kept, warned."""
        message = "data after UNZ that starts no interchange (no UNA, UNB, UNG or UNH); kept unread"
        self.warnings.append(ParseWarning(Defect.TRAILING_DATA, message, number, position, source))
        self.unread.append(
            Unread(
                code=Defect.TRAILING_DATA,
                reason=message,
                segment_number=number,
                byte_offset=position,
                text=data[position:].decode("latin-1"),
                source=source,
            )
        )

    def freeze(self, source: str) -> ParseResult:
        return ParseResult(
            manifests=tuple(self.manifests),
            warnings=tuple(_unique(self.warnings)),
            source=source,
            unread=tuple(dict.fromkeys(self.unread)),
        )


def _read_interchange(
    data: bytes, *, start: int, first_number: int, source: str, today: dt.date
) -> _InterchangeRead:
    """Read the interchange (or bare body) that starts at byte `start`, up to its UNZ."""
    marked = data.startswith(BYTE_ORDER_MARK, start)
    begin = start + len(BYTE_ORDER_MARK) if marked else start
    split = _split(data, begin, len(data), first_number=first_number, source=source, marked=marked)
    if split.after_unz is not None:
        # Something follows UNZ: this interchange is read again alone, in its own character
        # set, and the rest is left for the next one (or kept unread).
        end = split.decoded.offsets(split.after_unz)
        split = _split(data, begin, end, first_number=first_number, source=source, marked=marked)
    decoded, tokens, log, envelope = split.decoded, split.tokens, split.log, split.envelope
    for code, message, number, offset in tokens.findings:
        log.warn_at(code, message, number=number, char_offset=offset)
    suspects = check_repertoire(
        decoded,
        tokens.segments,
        split.separators,
        body_start=split.body_start,
        end=len(decoded.text),
        log=log,
        line_ends_between=tokens.line_ends_between,
    )
    report_value_blanks(split.blanks, tokens.segments, end=len(decoded.text), log=log)
    interchange = _interchange(envelope.header, decoded.syntax_identifier, today=today)
    declared = interchange.syntax_identifier if interchange else ""
    if envelope.header is not None and character_set(declared).kind == "unknown":
        log.warn(
            Defect.SYNTAX_IDENTIFIER_UNKNOWN,
            f"the syntax identifier {declared[:10]!r} is none of ISO 9735's (UNOA to UNOY): "
            f"the interchange was read as {decoded.encoding}, byte for byte",
            envelope.header,
        )
    log.finish()
    reference = _reference_date(interchange, envelope.group_header, today=today)
    manifests = _manifests(envelope, interchange, log, suspects, reference)
    return _InterchangeRead(
        manifests,
        log.items + [w for m in manifests for w in m.warnings],
        log.unread + [kept for m in manifests for kept in m.unread],
        split.end,
        tokens.segments[-1].number + 1,
    )


@dataclass(slots=True)
class _Split:
    """An interchange's bytes decoded, tokenized and split into messages."""

    decoded: Decoded
    separators: Separators
    body_start: int
    blanks: list[int]
    tokens: Tokens
    log: WarningLog
    envelope: Envelope
    end: int
    # The text offset of the first segment after UNZ, when anything follows it.
    after_unz: int | None


def _split(
    data: bytes, begin: int, end: int, *, first_number: int, source: str, marked: bool
) -> _Split:
    """Decode `data[begin:end]` and split it into segments and messages.

    The whole rest of the input is tried first: a file holds one interchange as a rule, and
    it is then read once. Data that cannot even be split into segments after a UNZ (a
    release character ending the file) is cut off at the UNZ found in the bytes.
    """
    try:
        return _split_span(
            data, begin, end, first_number=first_number, source=source, marked=marked
        )
    except PaxlstError:
        closing = interchange_end(data, begin)
        if closing >= end:
            raise
    return _split_span(
        data, begin, closing, first_number=first_number, source=source, marked=marked
    )


def _split_span(
    data: bytes, begin: int, end: int, *, first_number: int, source: str, marked: bool
) -> _Split:
    decoded = decode(data[begin:end], base=begin, marked=marked)
    text = decoded.text
    separators, una_offset, body_start = read_service_string_advice(
        text, source=source, byte_offset=decoded.offsets, first_number=first_number
    )
    blanks = find_value_blanks(text, separators, body_start=body_start)
    tokens = tokenize(
        text,
        separators,
        start=body_start,
        first_number=first_number + 1 if una_offset >= 0 else first_number,
        source=source,
        byte_offset=decoded.offsets,
        strip_values=bool(blanks),
    )
    if not tokens.segments:
        raise PaxlstError(
            "no segments after the service string advice",
            rule="empty",
            segment_number=first_number,
            byte_offset=decoded.offsets(0),
            source=source,
        )
    layout = SegmentLayout(text, tokens.segments, len(text))
    log = WarningLog(source=source, offsets=decoded.offsets, layout=layout)
    if marked:
        log.warn_at(
            Defect.BYTE_ORDER_MARK,
            "a UTF-8 byte-order mark opens the interchange; skipped",
            number=first_number,
            char_offset=-len(BYTE_ORDER_MARK),
        )
    envelope = split_interchange(tokens, log)
    return _Split(
        decoded, separators, body_start, blanks, tokens, log, envelope, end, envelope.end_offset
    )


def _manifests(
    envelope: Envelope,
    interchange: Interchange | None,
    log: WarningLog,
    suspects: Suspects,
    reference: dt.date,
) -> list[Manifest]:
    manifests = []
    for message in envelope.messages:
        message_log = log.child()
        read = read_message(
            message,
            interchange=interchange,
            reference=reference,
            log=message_log,
            inherited=list(log.items),
            suspects=suspects,
        )
        if read is None:  # not PAXLST: its warning and kept text belong to the interchange
            log.items += message_log.finish()
            log.unread += message_log.unread
        else:
            manifests.append(read)
    return manifests


def _interchange(
    header: Segment | None, syntax_identifier: str, *, today: dt.date
) -> Interchange | None:
    if header is None:
        return None
    return Interchange(
        syntax_identifier=_text(header, 0) or syntax_identifier,
        sender=_text(header, 1),
        recipient=_text(header, 2),
        prepared=_prepared(_text(header, 3), _text(header, 3, 1), today=today),
        control_reference=_text(header, 4),
    )


def _reference_date(
    interchange: Interchange | None, group: Segment | None, *, today: dt.date
) -> dt.date:
    """The date two-digit years are read against: when the interchange was prepared (UNB,
    else UNG), never after today; today when no header dates it. It stays the same for the
    whole interchange, whatever dates its messages hold."""
    prepared = interchange.prepared if interchange is not None else None
    if prepared is None and group is not None:
        prepared = _prepared(_text(group, 3), _text(group, 3, 1), today=today)
    return today if prepared is None else min(prepared.date(), today)


def _prepared(day: str, time: str, *, today: dt.date) -> dt.datetime | None:
    """UNB/UNG S004: date YYMMDD (syntax 3) or CCYYMMDD (syntax 4) and time HHMM.

    A two-digit year is the one within fifty years of today (`centuries.moment_year`).
    """
    text = day + (time if len(time) == 4 else "0000")
    if not (text.isascii() and text.isdigit()) or len(text) not in (10, 12):
        return None
    rest = text[2:] if len(text) == 10 else text[4:]
    month, day_of_month, hour, minute = (
        int(rest[:2]),
        int(rest[2:4]),
        int(rest[4:6]),
        int(rest[6:8]),
    )
    try:
        if len(text) == 10:
            year = centuries.moment_year((int(text[:2]), month, day_of_month), reference=today)
        else:
            year = int(text[:4])
        return dt.datetime(year, month, day_of_month, hour, minute)
    except ValueError:
        return None


def _opens_interchange(data: bytes, position: int) -> bool:
    """Whether the data at `position` (a byte-order mark and blanks aside) starts with UNA,
    UNB, UNG or UNH: another interchange, or another message body."""
    if data.startswith(BYTE_ORDER_MARK, position):
        position = _skip_blanks(data, position + len(BYTE_ORDER_MARK))
    return _INTERCHANGE_TAG.match(data, position) is not None


def _next_opening(data: bytes, position: int) -> int:
    """Where the next UNA or UNB stands as a word of its own after `position`, else the end."""
    found = _OPENING.search(data, position)
    return found.start() if found else len(data)


def _skip_blanks(data: bytes, position: int) -> int:
    length = len(data)
    while position < length and data[position] in _BLANK_BYTES:
        position += 1
    return position


def _unique(warnings: list[ParseWarning]) -> list[ParseWarning]:
    return sorted(dict.fromkeys(warnings), key=lambda w: (w.segment_number, str(w.code)))


def _text(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component].strip()
    except IndexError:
        return ""
