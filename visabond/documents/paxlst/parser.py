"""The entry point: bytes of a PAXLST interchange in, manifests and warnings out.

We read EDIFACT with our own code rather than pydifact: pydifact fails on interchanges with
UNG/UNE functional groups, which airline manifests use, and refuses the real-world
`UNG *PAXLST` (a blank in the tag); it also gives no byte positions for the warnings that
make defective manifests usable.
"""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from visabond.documents.paxlst.charset import decode
from visabond.documents.paxlst.envelope import Envelope, split_interchange
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.message import read_message
from visabond.documents.paxlst.model import Interchange, Manifest, ParseResult, ParseWarning
from visabond.documents.paxlst.repertoire import (
    check_repertoire,
    find_value_blanks,
    report_value_blanks,
)
from visabond.documents.paxlst.syntax import read_service_string_advice
from visabond.documents.paxlst.tokenizer import Segment, tokenize


def parse_paxlst(data: bytes, *, source: str = "") -> ParseResult:
    """Parse one interchange (or a bare message body); raise PaxlstError only when unreadable."""
    with _collection_paused():
        return _parse(data, source)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while one interchange is parsed.

    A manifest becomes some 20,000 lists and tuples that all live until the parse ends; the
    collector, triggered by every 700 new containers, would scan them again and again (a
    fifth of the parse time) to find no cycle. It is switched back on only if it was on,
    so a caller that turned it off keeps it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(data: bytes, source: str) -> ParseResult:
    decoded = decode(data)
    text = decoded.text
    separators, una_offset, body_start = read_service_string_advice(text, source=source)
    blanks = find_value_blanks(text, separators, body_start=body_start)
    tokens = tokenize(
        text,
        separators,
        start=body_start,
        first_number=2 if una_offset >= 0 else 1,
        source=source,
        byte_offset=decoded.offsets,
        strip_values=bool(blanks),
    )
    if not tokens.segments:
        raise PaxlstError(
            "no segments: the input is empty",
            rule="empty",
            segment_number=1,
            byte_offset=0,
            source=source,
        )
    log = WarningLog(source=source, offsets=decoded.offsets)
    envelope = split_interchange(tokens, log)
    end = envelope.end_offset if envelope.end_offset is not None else len(text)
    for code, message, number, offset in tokens.findings:
        if offset < end:  # junk after UNZ is one trailing-data warning, not many
            log.warn_at(code, message, number=number, char_offset=offset)
    check_repertoire(decoded, tokens.segments, body_start=body_start, end=end, log=log)
    report_value_blanks(blanks, tokens.segments, end=end, log=log)
    log.finish()
    interchange = _interchange(envelope.header, decoded.syntax_identifier)
    manifests = _manifests(envelope, interchange, log, source)
    warnings = _unique(log.items + [w for m in manifests for w in m.warnings])
    return ParseResult(tuple(manifests), tuple(warnings), source)


def _manifests(
    envelope: Envelope,
    interchange: Interchange | None,
    log: WarningLog,
    source: str,
) -> list[Manifest]:
    reference = _reference_date(interchange, envelope.group_header)
    manifests = []
    for message in envelope.messages:
        read = read_message(
            message,
            interchange=interchange,
            reference=reference,
            offsets=log.offsets,
            source=source,
            inherited=list(log.items),
        )
        if isinstance(read, Manifest):
            manifests.append(read)
        else:
            log.items.append(read)
    return manifests


def _interchange(header: Segment | None, syntax_identifier: str) -> Interchange | None:
    if header is None:
        return None
    return Interchange(
        syntax_identifier=_text(header, 0) or syntax_identifier,
        sender=_text(header, 1),
        recipient=_text(header, 2),
        prepared=_prepared(_text(header, 3), _text(header, 3, 1)),
        control_reference=_text(header, 4),
    )


def _reference_date(interchange: Interchange | None, group: Segment | None) -> dt.date | None:
    """The date two-digit years are read against: when the interchange was prepared."""
    if interchange is not None and interchange.prepared is not None:
        return interchange.prepared.date()
    if group is not None:
        prepared = _prepared(_text(group, 3), _text(group, 3, 1))
        return prepared.date() if prepared else None
    return None


def _prepared(day: str, time: str) -> dt.datetime | None:
    """UNB/UNG S004: date YYMMDD (syntax 3) or CCYYMMDD (syntax 4) and time HHMM."""
    text = day + (time if len(time) == 4 else "0000")
    if not (text.isascii() and text.isdigit()) or len(text) not in (10, 12):
        return None
    year = 2000 + int(text[:2]) if len(text) == 10 else int(text[:4])
    rest = text[2:] if len(text) == 10 else text[4:]
    try:
        return dt.datetime(year, int(rest[:2]), int(rest[2:4]), int(rest[4:6]), int(rest[6:8]))
    except ValueError:
        return None


def _unique(warnings: list[ParseWarning]) -> list[ParseWarning]:
    return sorted(dict.fromkeys(warnings), key=lambda w: (w.segment_number, str(w.code)))


def _text(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component].strip()
    except IndexError:
        return ""
