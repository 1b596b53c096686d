"""Writing a manifest as a PAXLST interchange, with chosen separators and proper escaping.

ISO 9735-1 §7.3: a service character inside a value is preceded by the release character.
The output follows the WCO/IATA/ICAO PAXLST guide's segment order, so the project's own
fixtures and round-trip tests exercise the parser on well-formed input. A date is written
with a two-digit year (format 101 or 201) only where a reader reads it back as the same date
(`visabond.documents.centuries`, against the preparation date), else with four (102, 203).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from visabond.documents import centuries
from visabond.documents.paxlst.charset import encoding_for, level_refuses
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.model import (
    CREW_LIST,
    CREW_TOTAL,
    PASSENGER_TOTAL,
    Flight,
    Manifest,
    Person,
    TravelDocument,
)
from visabond.documents.paxlst.syntax import DEFAULT_SEPARATORS, Separators


class _Segments:
    """Segments as they are written: escaped values joined by the chosen separators."""

    def __init__(self, separators: Separators, syntax_identifier: str) -> None:
        self.separators = separators
        self.syntax_identifier = syntax_identifier
        self.lines: list[str] = []
        self._escapes = [(c, separators.release + c) for c in separators.service_characters]
        # The release character itself must be escaped first.
        self._escapes.sort(key=lambda pair: pair[0] != separators.release)

    def add(self, tag: str, *elements: str | tuple[str, ...]) -> None:
        parts = [tag]
        for element in elements:
            components = element if isinstance(element, tuple) else (element,)
            while len(components) > 1 and not components[-1]:
                components = components[:-1]
            parts.append(self.separators.component.join(self._escape(c) for c in components))
        while len(parts) > 1 and not parts[-1].strip(self.separators.component):
            parts.pop()
        self.lines.append(self.separators.element.join(parts) + self.separators.terminator)

    def _escape(self, value: str) -> str:
        refused = level_refuses(
            "".join(c for c in value if c not in self.separators.service_characters),
            self.syntax_identifier,
        )
        if refused is not None:
            raise PaxlstError(
                f"{refused!r} cannot be written in {self.syntax_identifier} (ISO 9735-1 Annex B)",
                rule="writer-charset",
                segment_number=len(self.lines) + 2,
                byte_offset=0,
            )
        for character, escaped in self._escapes:
            if character in value:
                if not self.separators.release:
                    raise PaxlstError(
                        f"value {value!r} holds {character!r} and no release character is set",
                        rule="writer-escape",
                        segment_number=len(self.lines) + 1,
                        byte_offset=0,
                    )
                value = value.replace(character, escaped)
        return value


def write_paxlst(
    manifest: Manifest,
    *,
    separators: Separators = DEFAULT_SEPARATORS,
    syntax_identifier: str = "",
    prepared: dt.datetime | None = None,
    with_group: bool = True,
    line_breaks: bool = False,
) -> bytes:
    """The manifest as one interchange: UNA, UNB, [UNG], UNH ... UNT, [UNE], UNZ."""
    interchange = manifest.interchange
    syntax = syntax_identifier or (interchange.syntax_identifier if interchange else "UNOC")
    moment = prepared or (interchange.prepared if interchange else None) or _first_time(manifest)
    reference = (interchange.control_reference if interchange else "") or "1"
    sender = interchange.sender if interchange else "SENDER"
    recipient = interchange.recipient if interchange else "RECIPIENT"
    out = _Segments(separators, syntax)
    # Syntax version 4 dates the interchange CCYYMMDD (ISO 9735-1, S004).
    date, time = moment.strftime("%Y%m%d"), moment.strftime("%H%M")
    out.add("UNB", (syntax, "4"), sender, recipient, (date, time), reference)
    version = manifest.version or "D05B"
    if with_group:
        out.add(
            "UNG",
            "PAXLST",
            sender,
            recipient,
            (date, time),
            reference,
            "UN",
            (version[:1], version[1:]),
        )
    start = len(out.lines)
    _write_message(out, manifest, moment.date())
    out.add("UNT", str(len(out.lines) - start + 1), manifest.message_reference)
    if with_group:
        out.add("UNE", "1", reference)
    out.add("UNZ", "1", reference)
    joiner = "\n" if line_breaks else ""
    text = joiner.join([separators.una(), *out.lines]) + joiner
    return _encode(text, syntax, separators.terminator)


def _write_message(out: _Segments, manifest: Manifest, prepared: dt.date) -> None:
    version = manifest.version or "D05B"
    header: list[str | tuple[str, ...]] = [
        manifest.message_reference,
        ("PAXLST", version[:1], version[1:], "UN", "IATA"),
    ]
    if manifest.common_access_reference or manifest.sequence:
        header.append(manifest.common_access_reference)
    if manifest.sequence is not None:
        sequence = manifest.sequence
        header.append((f"{sequence.number:02d}", sequence.marker))
    out.add("UNH", *header)
    out.add("BGM", manifest.document_code or "745", manifest.change_indicator)
    if manifest.reporting_party:
        out.add("NAD", "MS", "", "", manifest.reporting_party)
    for flight in manifest.flights:
        _write_flight(out, flight, prepared)
    for person in manifest.persons:
        _write_person(out, person, prepared)
    for qualifier, value in manifest.counts or _counts(manifest):
        out.add("CNT", (qualifier, str(value)))


def _write_flight(out: _Segments, flight: Flight, prepared: dt.date) -> None:
    out.add("TDT", "20", flight.number, "", "", flight.carrier)
    for call in flight.calls:
        out.add("LOC", call.qualifier, call.airport)
        if call.time is not None:
            two = _reads_back(
                call.time.date(),
                lambda d: dt.date(centuries.moment_year(d, reference=prepared), d[1], d[2]),
            )
            text = call.time.strftime("%y%m%d%H%M" if two else "%Y%m%d%H%M")
            out.add("DTM", (call.time_qualifier, text, "201" if two else "203"))
        elif call.time_qualifier:
            out.add("DTM", (call.time_qualifier, call.time_text))


def _write_person(out: _Segments, person: Person, prepared: dt.date) -> None:
    name = (person.surname, person.given_names) if person.given_names else (person.surname,)
    out.add("NAD", person.role, "", "", name, *person.address)
    if person.sex:
        out.add("ATT", "2", "", person.sex)
    if person.birth_date is not None:
        expiry = min((d.expiry for d in person.documents if d.expiry), default=None)
        issued = min((d.issued for d in person.documents if d.issued), default=None)
        _write_day(
            out,
            "329",
            person.birth_date,
            lambda d: centuries.birth_date(d, reference=prepared, expiry=expiry, issued=issued),
        )
    elif person.birth_date_text:
        out.add("DTM", ("329", person.birth_date_text))
    places = (
        ("22", person.clearance),
        ("174", person.residence_country),
        ("178", person.embarkation),
        ("179", person.debarkation),
    )
    for qualifier, place in places:
        if place:
            out.add("LOC", qualifier, place)
    if person.birthplace:
        out.add("LOC", "180", ("", "", "", person.birthplace))
    if person.nationality:
        out.add("NAT", "2", person.nationality)
    for reference in person.references:
        out.add("RFF", (reference.qualifier, reference.value))
    for document in person.documents:
        _write_document(out, document, prepared)


def _write_document(out: _Segments, document: TravelDocument, prepared: dt.date) -> None:
    out.add("DOC", (document.kind, "110", "111"), document.number)
    if document.expiry is not None:
        read = functools.partial(centuries.expiry_date, reference=prepared)
        _write_day(out, "36", document.expiry, read)
    elif document.expiry_text:
        out.add("DTM", ("36", document.expiry_text))
    if document.issued is not None:
        read = functools.partial(centuries.issue_date, reference=prepared)
        _write_day(out, "182", document.issued, read)
    if document.issuing_country:
        out.add("LOC", "91", document.issuing_country)


def _counts(manifest: Manifest) -> tuple[tuple[str, int], ...]:
    if manifest.document_code == CREW_LIST:
        return ((CREW_TOTAL, len(manifest.crew)),)
    return ((PASSENGER_TOTAL, len(manifest.passengers)),)


def _first_time(manifest: Manifest) -> dt.datetime:
    for flight in manifest.flights:
        for call in flight.calls:
            if call.time is not None:
                return call.time
    raise PaxlstError(
        "the interchange needs a preparation date: pass `prepared` or give a flight time",
        rule="writer-prepared",
        segment_number=0,
        byte_offset=0,
    )


_Reader = Callable[[centuries.TwoDigitDate], dt.date | None]


def _write_day(out: _Segments, qualifier: str, day: dt.date, read: _Reader) -> None:
    """DTM with the day as YYMMDD (code 101 implied) when `read` reads it back as the same
    day, else as CCYYMMDD with code 102."""
    if _reads_back(day, read):
        out.add("DTM", (qualifier, day.strftime("%y%m%d")))
    else:
        out.add("DTM", (qualifier, day.strftime("%Y%m%d"), "102"))


def _reads_back(day: dt.date, read: _Reader) -> bool:
    """Whether the two-digit form of `day` reads back as `day` under the reader's rule."""
    try:
        return read((day.year % 100, day.month, day.day)) == day
    except ValueError:
        return False


def _encode(text: str, syntax_identifier: str, terminator: str) -> bytes:
    try:
        return text.encode(encoding_for(syntax_identifier))
    except UnicodeEncodeError as error:
        # Segments before the error end in a terminator (the UNA's last character included).
        segment_number = text.count(terminator, 0, error.start) + 1
        raise PaxlstError(
            f"{text[error.start : error.end]!r} cannot be written in {syntax_identifier}",
            rule="writer-charset",
            segment_number=segment_number,
            byte_offset=error.start,
        ) from error
