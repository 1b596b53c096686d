"""Reading one UNH..UNT message into a Manifest and checking the totals it declares.

ISO 9735-1 §8.2: UNT's first element is the number of segments from UNH to UNT inclusive
and its second repeats the UNH message reference. UNH S009 identifies the message
(PAXLST, directory D, release 02B..21A, agency UN, association code IATA); S010 is the
sequence of transfers of a multi-part message (`01:C` first ... `nn:F` final).
"""

from __future__ import annotations

import datetime as dt

from visabond.documents.paxlst.body import Body, BodyReader
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.envelope import MessageSlice
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.model import (
    CREW_LIST,
    CREW_TOTAL,
    PASSENGER_LIST,
    PASSENGER_TOTAL,
    Interchange,
    Manifest,
    ParseWarning,
    Sequence,
)
from visabond.documents.paxlst.repertoire import Suspects
from visabond.documents.paxlst.tokenizer import Segment

# Directory releases this parser reads as PAXLST: D.02B (the first IATA-approved
# release) to D.21A; later or earlier ones are read the same way, with a warning.
_OLDEST_RELEASE = (2002, "B")
_NEWEST_RELEASE = (2021, "A")


def read_message(
    message: MessageSlice,
    *,
    interchange: Interchange | None,
    reference: dt.date,
    log: WarningLog,
    inherited: list[ParseWarning],
    suspects: Suspects,
) -> Manifest | None:
    """The manifest of one message; None for a message that is not PAXLST, which `log`
    keeps unread with the warning that says so.

    `reference` is the date two-digit years are read against (`centuries`); `suspects` the
    segments whose characters are not established, whose persons carry a doubt for them.
    """
    header = message.header
    identifier = _message_identifier(header, log)
    if identifier[0] != "PAXLST":
        _not_paxlst(message, identifier[0], log)
        return None
    version = _version(identifier, header, log)
    sequence = _sequence(header, log)
    body = BodyReader(log, reference=reference, suspects=suspects).read(message.body)
    _check_trailer(message, log)
    partial = _is_part(sequence)
    _check_counts(body, header, partial=partial, log=log)
    return Manifest(
        message_reference=_text(header, 0),
        version=version,
        document_code=body.document_code,
        flights=tuple(body.flights),
        persons=tuple(body.persons),
        counts=tuple(body.counts.items()),
        change_indicator=body.change_indicator,
        reporting_party=body.reporting_party,
        common_access_reference=_text(header, 2),
        sequence=sequence,
        interchange=interchange,
        warnings=tuple(inherited + log.finish()),
        unread=tuple(log.unread),
        source=log.source,
        segment_number=header.number,
        byte_offset=log.offsets(header.offset),
    )


def _message_identifier(header: Segment, log: WarningLog) -> list[str]:
    identifier = [part.strip() for part in header.elements[1]] if len(header.elements) > 1 else []
    if not identifier or not identifier[0]:
        raise PaxlstError(
            "UNH has no message identifier (S009: type, version, release, agency)",
            rule="unh-identifier",
            segment_number=header.number,
            byte_offset=log.offsets(header.offset),
            source=log.source,
        )
    return identifier


def _not_paxlst(message: MessageSlice, message_type: str, log: WarningLog) -> None:
    log.keep(
        Defect.MESSAGE_TYPE_UNSUPPORTED,
        f"message type {message_type!r} is not PAXLST; the message is kept unread",
        message.header,
        message.last,
    )


def _version(identifier: list[str], header: Segment, log: WarningLog) -> str:
    version = identifier[1] if len(identifier) > 1 else ""
    release = identifier[2] if len(identifier) > 2 else ""
    key = _release_key(release)
    if version != "D" or key is None or not _OLDEST_RELEASE <= key <= _NEWEST_RELEASE:
        log.warn(
            Defect.VERSION_UNSUPPORTED,
            f"PAXLST {version}:{release} is outside D:02B..D:21A; read as those are",
            header,
        )
    return f"{version}{release}"


def _release_key(release: str) -> tuple[int, str] | None:
    if len(release) != 3 or not release[:2].isdigit() or not release[2].isalpha():
        return None
    two_digits = int(release[:2])
    # Directories were published from 1990 (90A) on: 90..99 are the 1990s.
    return (1900 + two_digits if two_digits >= 90 else 2000 + two_digits, release[2].upper())


MOST_PARTS = 99


def _sequence(header: Segment, log: WarningLog) -> Sequence | None:
    number_text, marker = _text(header, 3), _text(header, 3, 1).upper()
    if not number_text and not marker:
        return None
    # ISO 9735-1 S010, data element 0070: n..2, so a series has at most 99 parts; a larger
    # number would make a series whose missing parts cannot be listed or awaited.
    if (
        not (number_text.isascii() and number_text.isdigit())
        or not 1 <= int(number_text) <= MOST_PARTS
        or marker not in ("", "C", "F")
    ):
        log.warn(
            Defect.SEQUENCE_INVALID,
            f"sequence of transfers {number_text}:{marker} is not a number from 1 to "
            f"{MOST_PARTS} with C or F (ISO 9735-1 S010, 0070 n..2); read as a single message",
            header,
        )
        return None
    return Sequence(int(number_text), marker)


def _is_part(sequence: Sequence | None) -> bool:
    return sequence is not None and (sequence.marker == "C" or sequence.number > 1)


def _check_trailer(message: MessageSlice, log: WarningLog) -> None:
    trailer = message.trailer
    if trailer is None:
        return
    actual = len(message.body) + 2
    declared = _text(trailer, 0)
    if not (declared.isascii() and declared.isdigit()) or int(declared) != actual:
        log.warn(
            Defect.UNT_COUNT_MISMATCH,
            f"UNT declares {declared!r} segments, UNH..UNT has {actual}",
            trailer,
        )
    reference, expected = _text(trailer, 1), _text(message.header, 0)
    if reference != expected:
        log.warn(
            Defect.UNT_REFERENCE_MISMATCH,
            f"UNT reference {reference!r} differs from UNH reference {expected!r}",
            trailer,
        )


def _check_counts(body: Body, header: Segment, *, partial: bool, log: WarningLog) -> None:
    crew = sum(1 for person in body.persons if person.is_crew)
    totals = {PASSENGER_TOTAL: len(body.persons) - crew, CREW_TOTAL: crew}
    for qualifier, declared in body.counts.items():
        if qualifier not in totals:
            continue
        segment = body.count_segments[qualifier]
        counted = _counted(body, qualifier, totals, segment, log)
        check_total(
            declared, counted, qualifier=qualifier, partial=partial, segment=segment, log=log
        )


def _counted(
    body: Body, qualifier: str, totals: dict[str, int], segment: Segment, log: WarningLog
) -> int:
    """The persons a CNT counts; a passenger list's CNT+41 (crew) is read as CNT+42."""
    swapped = {PASSENGER_LIST: CREW_TOTAL, CREW_LIST: PASSENGER_TOTAL}.get(body.document_code)
    if qualifier != swapped or totals[qualifier] or len(body.counts) > 1:
        return totals[qualifier]
    other = PASSENGER_TOTAL if qualifier == CREW_TOTAL else CREW_TOTAL
    kind = "crew" if qualifier == CREW_TOTAL else "passenger"
    log.warn(
        Defect.CNT_QUALIFIER_MISMATCH,
        f"CNT+{qualifier} ({kind} total) in a BGM+{body.document_code} list with no {kind}; "
        f"read as CNT+{other}",
        segment,
    )
    return totals[other]


def check_total(
    declared: int,
    counted: int,
    *,
    qualifier: str,
    partial: bool,
    segment: Segment,
    log: WarningLog,
) -> None:
    """CNT in a part of a multi-part message is the series total: it cannot be smaller."""
    if partial and declared >= counted:
        return
    if declared != counted:
        scope = "this part alone carries" if partial else "the message carries"
        log.warn(
            Defect.CNT_COUNT_MISMATCH,
            f"CNT+{qualifier} says {declared}, {scope} {counted}",
            segment,
        )


def _text(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component].strip()
    except IndexError:
        return ""
