"""Reading a PAXLST message body into flights, persons and documents.

Segment groups per the WCO/IATA/ICAO PAXLST implementation guide §4: header (BGM, RFF, DTM,
NAD+MS reporting party, COM); SG2 TDT flight with SG3 LOC/DTM calls; SG4 NAD person with
ATT, DTM+329, LOC, NAT, RFF; SG5 DOC document with DTM+36/182 and LOC+91; CNT control totals.
A segment out of its group's order is applied where it can only mean one thing, and warned;
one that belongs to nothing read so far (a DOC before any person) is kept unread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from visabond.documents import centuries
from visabond.documents.codes import KNOWN_CODES, unknown_code_reason
from visabond.documents.paxlst.dates import DtmValue, dtm_parts, read_dtm
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.drafts import DocumentDraft, FlightDraft, PersonDraft
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.model import PERSON_ROLES, Call, Flight, Person, Reference
from visabond.documents.paxlst.repertoire import Suspects
from visabond.documents.paxlst.tokenizer import Segment

# Segments of PAXLST D02B..D21A this reader has no use for (kept out of the warnings).
_IGNORED_TAGS = frozenset(
    {"COM", "CTA", "GEI", "FTX", "MEA", "EMP", "CPI", "QTY", "AUT", "TSR", "EQN", "ERC"}
)
# LOC qualifiers (3227) of a person (SG4): 178 embarkation, 179 debarkation, 22 clearance,
# 174 country of residence, 180 place of birth.
_PERSON_PLACES = {
    "178": "embarkation",
    "179": "debarkation",
    "22": "clearance",
    "174": "residence_country",
    "180": "birthplace",
}
_FLIGHT_PLACES = frozenset({"125", "87", "92", "130", "22"})
# What a segment of a person's group holds, to name the value a doubt is about.
_FIELD_OF_TAG = {
    "NAD": "name",
    "DOC": "document_number",
    "DTM": "date",
    "LOC": "place",
    "NAT": "nationality",
    "ATT": "sex",
    "RFF": "reference",
}
_HEADER, _FLIGHTS, _PERSONS, _SUMMARY = range(4)


@dataclass(slots=True)
class Body:
    """What the body says, before the message header and counts are checked."""

    document_code: str = ""
    change_indicator: str = ""
    reporting_party: str = ""
    flights: list[Flight] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    count_segments: dict[str, Segment] = field(default_factory=dict)


class BodyReader:
    """A state machine over the body segments; one instance reads one message.

    `reference` is the date two-digit years are read against (`centuries`); it does not
    change while the message is read. `suspects` are the segments whose characters the
    declared set does not establish: each person holding one carries a doubt.
    """

    def __init__(self, log: WarningLog, *, reference: dt.date, suspects: Suspects) -> None:
        self.log = log
        self.reference = reference
        self.suspects = suspects.segments
        self.body = Body()
        self.stage = _HEADER
        self.flight: FlightDraft | None = None
        self.person: PersonDraft | None = None
        self.document: DocumentDraft | None = None
        self.document_placed = False
        # A manifest repeats the same expiry and flight dates for hundreds of travellers.
        self._days: dict[tuple[str, str], dt.date] = {}
        self._moments: dict[str, dt.datetime] = {}

    def read(self, segments: list[Segment]) -> Body:
        # The handlers are plain functions in a module table: a table of this reader's bound
        # methods would be a reference cycle, freed only by the cyclic collector.
        handlers = _HANDLERS
        suspects = self.suspects
        for segment in segments:
            handler = handlers.get(segment.tag)
            if handler is not None:
                handler(self, segment)
            elif segment.tag not in _IGNORED_TAGS:
                self.log.keep(
                    Defect.UNKNOWN_SEGMENT,
                    f"{segment.tag} is not a PAXLST segment; kept unread",
                    segment,
                )
            if suspects and segment.number in suspects:
                self._doubt_characters(segment, suspects[segment.number])
        self._close_person()
        self._close_flight()
        return self.body

    # Header ---------------------------------------------------------------------------

    def _bgm(self, segment: Segment) -> None:
        self.body.document_code = _text(segment, 0)
        self.body.change_indicator = _text(segment, 1)

    # Flights --------------------------------------------------------------------------

    def _tdt(self, segment: Segment) -> None:
        if self.stage > _FLIGHTS:
            self._out_of_order(segment, "a TDT flight after the persons")
            self._close_person()
        self._close_flight()
        self.stage = _FLIGHTS
        self.flight = FlightDraft(_text(segment, 1), _text(segment, 4))

    def _flight_loc(self, segment: Segment, qualifier: str, place: str) -> None:
        if self.flight is None:
            self._keep(segment, "a flight LOC before any TDT")
        elif qualifier in _FLIGHT_PLACES:
            self.flight.calls.append(Call(qualifier, place))

    def _flight_dtm(self, segment: Segment, qualifier: str, text: str, code: str) -> None:
        flight = self.flight
        if qualifier not in ("189", "232"):
            return
        if flight is None or not flight.calls:
            self._keep(segment, "a flight DTM before any LOC")
            return
        value = self._dtm_value(segment, text, code)
        moment = None if value is None else self._moment(segment, value, text)
        last = flight.calls[-1]
        flight.calls[-1] = Call(
            qualifier=last.qualifier,
            airport=last.airport,
            time_qualifier=qualifier,
            time=moment,
            time_text=text,
        )

    def _close_flight(self) -> None:
        if self.flight is not None:
            self.body.flights.append(self.flight.freeze())
            self.flight = None

    # Persons --------------------------------------------------------------------------

    def _nad(self, segment: Segment) -> None:
        elements = segment.elements
        role = elements[0][0] if elements else ""
        if role.upper() not in PERSON_ROLES and self.stage == _HEADER:
            self._party(segment, role)
            return
        if self.stage == _HEADER:
            self._out_of_order(segment, f"NAD+{role} person before any TDT flight")
        self._close_person()
        self._close_flight()
        self.stage = _PERSONS
        name = elements[3] if len(elements) > 3 else [""]
        surname = name[0]
        if not surname:
            self._empty(segment, f"NAD+{role} has no surname")
        given = " ".join(filter(None, name[1:]))
        address = _address(elements[4:]) if len(elements) > 4 else ()
        self.person = PersonDraft(
            role=role,
            surname=surname,
            given_names=given,
            address=address,
            segment_number=segment.number,
        )

    def _party(self, segment: Segment, role: str) -> None:
        """NAD+MS names the reporting party; other header parties (an agent, NAD+AG) are of
        no use here. One written as a person, surname and given names (`NAD+XX+++DOE:JOHN`),
        under a role that is no person's is kept unread rather than read as a party."""
        if role == "MS":
            self.body.reporting_party = _text(segment, 3) or _text(segment, 1)
        elif len(segment.elements) > 3 and len([c for c in segment.elements[3] if c]) > 1:
            self.log.keep(
                Defect.PARTY_UNKNOWN,
                f"NAD+{role} names a person but {role!r} is no person's role "
                f"({', '.join(sorted(PERSON_ROLES))}); kept unread",
                segment,
            )

    def _att(self, segment: Segment) -> None:
        person = self.person or self._person_for(segment)
        elements = segment.elements
        if person is None or not elements or elements[0][0] != "2":
            return
        # ATT+2++M: attribute function 2 (sex), the value in the third element.
        if len(elements) > 2:
            person.sex = elements[2][0]
        elif len(elements) == 2 and elements[1][0]:
            person.sex = elements[1][0]
            self._misplaced(segment, f"ATT+2+{person.sex}", f"ATT+2++{person.sex}")

    def _nat(self, segment: Segment) -> None:
        person = self.person or self._person_for(segment)
        elements = segment.elements
        if person is None:
            return
        if len(elements) > 1:
            person.nationality = elements[1][0]
        elif elements and elements[0][0].isalpha() and len(elements[0][0]) in (2, 3):
            person.nationality = elements[0][0]
            self._misplaced(segment, f"NAT+{person.nationality}", f"NAT+2+{person.nationality}")
        if person.nationality not in KNOWN_CODES:
            self._unknown_code(segment, person, person.nationality, "nationality")

    def _rff(self, segment: Segment) -> None:
        if self.person is not None:
            reference = segment.elements[0] if segment.elements else [""]
            value = reference[1] if len(reference) > 1 else ""
            self.person.references.append(Reference(reference[0], value))

    def _person_loc(self, segment: Segment, qualifier: str, place: str) -> None:
        person = self.person
        assert person is not None
        if qualifier == "91":
            self._document_loc(segment, place)
            return
        attribute = _PERSON_PLACES.get(qualifier)
        if attribute is None:
            return
        if self.document is not None:
            self._out_of_order(segment, f"LOC+{qualifier} of the person after its DOC")
        person.places[attribute] = place

    def _person_dtm(self, segment: Segment, qualifier: str, text: str, code: str) -> None:
        person = self.person
        assert person is not None
        if qualifier in ("36", "182"):
            self._document_dtm(segment, qualifier, text, code)
        elif qualifier == "329":
            if not text:
                self._empty(segment, "DTM+329 has no birth date")
                return
            person.birth_date_text = text
            person.birth_value = self._dtm_value(segment, text, code)
            person.birth_segment = segment
            if person.birth_value is None:
                message = f"DTM+329 {text!r} is not a date"
                person.doubt("birth_date", Defect.DATE_INVALID, message)

    def _person_for(self, segment: Segment) -> PersonDraft | None:
        if self.person is None:
            self._keep(segment, f"{segment.tag} before any NAD person")
        return self.person

    def _close_person(self) -> None:
        self._close_document()
        person = self.person
        if person is not None:
            birth = person.settle_birth_date(reference=self.reference)
            if person.doubts and person.birth_segment is not None:
                self._warn_inconsistent(person, person.birth_segment)
            self.body.persons.append(person.freeze(birth))
            self.person = None

    def _warn_inconsistent(self, person: PersonDraft, segment: Segment) -> None:
        for doubt in person.doubts:
            if doubt.code is Defect.DATE_INCONSISTENT:
                self.log.warn_once(Defect.DATE_INCONSISTENT, "birth", doubt.message, segment)
                return

    def _doubt_characters(self, segment: Segment, code: Defect) -> None:
        person = self.person
        if person is None or self.stage != _PERSONS:
            return
        how = (
            "were read as UTF-8 against the declared character set"
            if code is Defect.CHARSET_RECOVERED
            else "are outside the declared character set, kept as received"
        )
        field_name = _FIELD_OF_TAG.get(segment.tag, segment.tag.lower())
        person.doubt(
            field_name, code, f"characters of {segment.tag} (segment {segment.number}) {how}"
        )

    def _unknown_code(
        self, segment: Segment, person: PersonDraft, code: str, field_name: str
    ) -> None:
        """NAT and LOC+91 carry the document's codes (ISO 3166-1 alpha-3 or ICAO's own)."""
        reason = unknown_code_reason(code, field=field_name) if code else None
        if reason is not None:
            person.doubt(field_name, Defect.CODE_UNKNOWN, reason)
            self.log.warn_once(Defect.CODE_UNKNOWN, field_name, reason, segment)

    # Documents ------------------------------------------------------------------------

    def _doc(self, segment: Segment) -> None:
        person = self.person or self._person_for(segment)
        if person is None:
            return
        self._close_document()
        elements = segment.elements
        kind = elements[0][0] if elements else ""
        number = elements[1][0] if len(elements) > 1 else ""
        if not (kind and number):
            self._empty(segment, "DOC has no document type or number")
        self.document = DocumentDraft(kind, number)
        self.document_placed = False

    def _document_dtm(self, segment: Segment, qualifier: str, text: str, code: str) -> None:
        document = self.document
        if document is None:
            self._keep(segment, f"DTM+{qualifier} before any DOC")
            return
        if not text:
            self._empty(segment, f"DTM+{qualifier} has no date")
            return
        if self.document_placed:
            self._out_of_order(segment, f"DTM+{qualifier} after the document's LOC+91")
            if qualifier == "36" and document.expiry_text:
                self._keep(segment, "a second DTM+36 expiry for one document", warn=False)
                return
        value = self._dtm_value(segment, text, code)
        day = None if value is None else self._document_date(segment, value, text, qualifier)
        if qualifier == "36":
            document.expiry_text, document.expiry = text, day
        else:
            document.issued = day
        if day is None and self.person is not None:
            what = "expiry" if qualifier == "36" else "issue"
            message = f"DTM+{qualifier} {text!r} of document {document.number!r} is not a date"
            self.person.doubt(f"document_{what}", Defect.DATE_INVALID, message)

    def _document_loc(self, segment: Segment, place: str) -> None:
        if self.document is None or self.person is None:
            self._keep(segment, "LOC+91 before any DOC")
            return
        self.document.issuing_country = place
        self.document_placed = True
        if place not in KNOWN_CODES:
            self._unknown_code(segment, self.person, place, "issuing_country")

    def _close_document(self) -> None:
        if self.document is not None and self.person is not None:
            self.person.documents.append(self.document)
        self.document = None

    # Shared ---------------------------------------------------------------------------

    def _loc(self, segment: Segment) -> None:
        elements = segment.elements
        qualifier = elements[0][0] if elements else ""
        components = elements[1] if len(elements) > 1 else []
        place = components[0] if components and components[0] else _first_filled(components)
        if not place:
            self._empty(segment, f"LOC+{qualifier} has no place")
        if self.stage == _PERSONS and self.person is not None:
            self._person_loc(segment, qualifier, place)
        elif self.stage <= _FLIGHTS:
            self._flight_loc(segment, qualifier, place)

    def _dtm(self, segment: Segment) -> None:
        elements = segment.elements
        parts = elements[0] if elements else [""]
        if len(parts) == 3 or (len(parts) == 2 and len(elements) == 1):
            qualifier, text, code = parts[0], parts[1], parts[2] if len(parts) == 3 else ""
        else:
            qualifier, text, code = self._dtm_parts(segment)
        if self.stage == _PERSONS and self.person is not None:
            self._person_dtm(segment, qualifier, text, code)
        elif self.stage == _FLIGHTS:
            self._flight_dtm(segment, qualifier, text, code)

    def _dtm_parts(self, segment: Segment) -> tuple[str, str, str]:
        """DTM C507 as `dtm_parts` reads it, its sender's habit warned once per message."""
        qualifier, text, code, habit = dtm_parts(segment.elements)
        if habit is not None:
            kind, message = habit
            self.log.warn_once(Defect.DTM_MALFORMED, f"{qualifier}:{kind}", message, segment)
        return qualifier, text, code

    def _dtm_value(self, segment: Segment, text: str, code: str) -> DtmValue | None:
        reading = read_dtm(text, code)
        if reading.problem is not None:
            defect, message = reading.problem
            if defect is Defect.DATE_FORMAT_MISMATCH:
                habit = f"{code}:{len(text)}"
                self.log.warn_once(defect, habit, message, segment)
            else:
                self.log.warn(defect, message, segment)
        return reading.value

    def _moment(self, segment: Segment, value: DtmValue, text: str) -> dt.datetime | None:
        """A flight time: a two-digit year is the one within 50 years of the message date."""
        known = self._moments.get(text)
        if known is not None:
            return known
        try:
            year = (
                centuries.moment_year(value.digits, reference=self.reference)
                if value.two_digit_year
                else value.year
            )
            moment = self._moments[text] = value.on(year)
            return moment
        except ValueError:
            self.log.warn(Defect.DATE_INVALID, f"{text!r} is not a valid calendar date", segment)
            return None

    def _document_date(
        self, segment: Segment, value: DtmValue, text: str, qualifier: str
    ) -> dt.date | None:
        """An expiry (DTM+36) or issue (DTM+182) date, its century by `centuries`."""
        known = self._days.get((qualifier, text))
        if known is not None:
            return known
        try:
            if not value.two_digit_year:
                day = value.on(value.year).date()
            elif qualifier == "36":
                day = centuries.expiry_date(value.digits, reference=self.reference)
            else:
                day = centuries.issue_date(value.digits, reference=self.reference)
        except ValueError:
            self.log.warn(Defect.DATE_INVALID, f"{text!r} is not a valid calendar date", segment)
            return None
        self._days[(qualifier, text)] = day
        return day

    def _cnt(self, segment: Segment) -> None:
        self._close_person()
        self.stage = _SUMMARY
        qualifier, value = _text(segment, 0), _text(segment, 0, 1)
        if not value and len(segment.elements) > 1:
            value = _text(segment, 1)
            self.log.warn(
                Defect.CNT_MALFORMED,
                f"CNT+{qualifier}+{value}: the count must be a component "
                f"(CNT+{qualifier}:{value}); read as such",
                segment,
            )
        if not (value.isascii() and value.isdigit()):
            self.log.warn(Defect.CNT_MALFORMED, f"CNT+{qualifier} count {value!r}", segment)
            return
        self.body.counts[qualifier] = int(value)
        self.body.count_segments[qualifier] = segment

    def _misplaced(self, segment: Segment, sent: str, standard: str) -> None:
        self.log.warn_once(
            Defect.VALUE_MISPLACED,
            segment.tag,
            f"{sent}: the value belongs in its own element ({standard}); read as such",
            segment,
        )

    def _keep(self, segment: Segment, what: str, *, warn: bool = True) -> None:
        """A segment that belongs to nothing read so far: kept unread, with a warning."""
        self.log.keep(Defect.SEGMENT_ORDER, f"{what}; kept unread", segment, warn=warn)

    def _out_of_order(self, segment: Segment, message: str) -> None:
        self.log.warn(Defect.SEGMENT_ORDER, message, segment)

    def _empty(self, segment: Segment, message: str) -> None:
        self.log.warn(Defect.EMPTY_VALUE, message, segment)


_HANDLERS: dict[str, Callable[[BodyReader, Segment], None]] = {
    "BGM": BodyReader._bgm,
    "NAD": BodyReader._nad,
    "TDT": BodyReader._tdt,
    "LOC": BodyReader._loc,
    "DTM": BodyReader._dtm,
    "ATT": BodyReader._att,
    "NAT": BodyReader._nat,
    "RFF": BodyReader._rff,
    "DOC": BodyReader._doc,
    "CNT": BodyReader._cnt,
}


def _text(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component]
    except IndexError:
        return ""


def _address(elements: list[list[str]]) -> tuple[str, ...]:
    """NAD street, city, subdivision, postcode, country (each possibly in components)."""
    lines = (" ".join(part for part in element if part) for element in elements[:5])
    return tuple(line for line in lines if line)


def _first_filled(components: list[str]) -> str:
    """The first non-empty component: `LOC+180+:::Hartford USA` names the place in text."""
    for component in components:
        if component:
            return component
    return ""
