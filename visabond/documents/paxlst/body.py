"""Reading a PAXLST message body into flights, persons and documents.

Segment groups per the WCO/IATA/ICAO PAXLST implementation guide §4: header (BGM, RFF, DTM,
NAD+MS reporting party, COM); SG2 TDT flight with SG3 LOC/DTM calls; SG4 NAD person with
ATT, DTM+329, LOC, NAT, RFF; SG5 DOC document with DTM+36/182 and LOC+91; CNT control totals.
A segment out of its group's order is applied where it can only mean one thing, and warned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from visabond.documents.paxlst.dates import read_dtm
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.model import (
    PERSON_ROLES,
    Call,
    Flight,
    Person,
    Reference,
    TravelDocument,
)
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
_HEADER, _FLIGHTS, _PERSONS, _SUMMARY = range(4)


@dataclass(slots=True)
class _DocumentDraft:
    kind: str
    number: str
    expiry_text: str = ""
    expiry: dt.date | None = None
    issued: dt.date | None = None
    issuing_country: str = ""

    def freeze(self) -> TravelDocument:
        return TravelDocument(
            self.kind,
            self.number,
            self.expiry,
            self.expiry_text,
            self.issued,
            self.issuing_country,
        )


@dataclass(slots=True)
class _PersonDraft:
    role: str
    surname: str
    given_names: str
    address: tuple[str, ...]
    segment_number: int
    places: dict[str, str] = field(default_factory=dict)
    sex: str = ""
    birth_date: dt.date | None = None
    birth_date_text: str = ""
    nationality: str = ""
    references: list[Reference] = field(default_factory=list)
    documents: list[_DocumentDraft] = field(default_factory=list)

    def freeze(self) -> Person:
        place = self.places.get
        # Positional, in Person's field order: keywords cost a quarter of the call.
        return Person(
            self.role,
            self.surname,
            self.given_names,
            self.sex,
            self.birth_date,
            self.birth_date_text,
            self.nationality,
            place("embarkation", ""),
            place("debarkation", ""),
            place("clearance", ""),
            place("residence_country", ""),
            place("birthplace", ""),
            self.address,
            tuple(self.references),
            tuple([document.freeze() for document in self.documents]),
            self.segment_number,
        )


@dataclass(slots=True)
class _FlightDraft:
    number: str
    carrier: str
    calls: list[Call] = field(default_factory=list)

    def freeze(self) -> Flight:
        return Flight(self.number, self.carrier, tuple(self.calls))


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
    """A state machine over the body segments; one instance reads one message."""

    def __init__(self, log: WarningLog, *, reference: dt.date | None) -> None:
        self.log = log
        self.reference = reference
        self.body = Body()
        self.stage = _HEADER
        self.flight: _FlightDraft | None = None
        self.person: _PersonDraft | None = None
        self.document: _DocumentDraft | None = None
        self.document_placed = False
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "BGM": self._bgm,
            "NAD": self._nad,
            "TDT": self._tdt,
            "LOC": self._loc,
            "DTM": self._dtm,
            "ATT": self._att,
            "NAT": self._nat,
            "RFF": self._rff,
            "DOC": self._doc,
            "CNT": self._cnt,
        }

    def read(self, segments: list[Segment]) -> Body:
        handlers = self.handlers
        for segment in segments:
            handler = handlers.get(segment.tag)
            if handler is not None:
                handler(segment)
            elif segment.tag not in _IGNORED_TAGS:
                self.log.warn(
                    Defect.UNKNOWN_SEGMENT, f"{segment.tag} is not a PAXLST segment", segment
                )
        self._close_person()
        self._close_flight()
        return self.body

    # Header ---------------------------------------------------------------------------

    def _bgm(self, segment: Segment) -> None:
        self.body.document_code = _text(segment, 0)
        self.body.change_indicator = _text(segment, 1)

    def _party(self, segment: Segment, role: str) -> None:
        if role == "MS":
            self.body.reporting_party = _text(segment, 3) or _text(segment, 1)

    # Flights --------------------------------------------------------------------------

    def _tdt(self, segment: Segment) -> None:
        if self.stage > _FLIGHTS:
            self._out_of_order(segment, "a TDT flight after the persons")
            self._close_person()
        self._close_flight()
        self.stage = _FLIGHTS
        self.flight = _FlightDraft(_text(segment, 1), _text(segment, 4))

    def _flight_loc(self, segment: Segment, qualifier: str, place: str) -> None:
        if self.flight is None:
            self._out_of_order(segment, "a flight LOC before any TDT; ignored")
        elif qualifier in _FLIGHT_PLACES:
            self.flight.calls.append(Call(qualifier, place))

    def _flight_dtm(self, segment: Segment, qualifier: str, text: str, code: str) -> None:
        flight = self.flight
        if qualifier not in ("189", "232"):
            return
        if flight is None or not flight.calls:
            self._out_of_order(segment, "a flight DTM before any LOC; ignored")
            return
        moment = self._moment(segment, text, code, past_only=False)
        last = flight.calls[-1]
        flight.calls[-1] = Call(last.qualifier, last.airport, qualifier, moment, text)

    def _close_flight(self) -> None:
        if self.flight is not None:
            self.body.flights.append(self.flight.freeze())
            self.flight = None

    # Persons --------------------------------------------------------------------------

    def _nad(self, segment: Segment) -> None:
        elements = segment.elements
        role = elements[0][0] if elements else ""
        if role not in PERSON_ROLES and self.stage == _HEADER:
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
        self.person = _PersonDraft(role, surname, given, address, segment.number)

    def _att(self, segment: Segment) -> None:
        person = self.person or self._person_for(segment)
        elements = segment.elements
        # ATT+2++M: attribute function 2 (sex), the value in the third element.
        if person is not None and len(elements) > 2 and elements[0][0] == "2":
            person.sex = elements[2][0]

    def _nat(self, segment: Segment) -> None:
        person = self.person or self._person_for(segment)
        elements = segment.elements
        if person is not None:
            person.nationality = elements[1][0] if len(elements) > 1 else ""

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
            moment = self._moment(segment, text, code, past_only=True)
            person.birth_date_text = text
            person.birth_date = moment.date() if moment else None

    def _person_for(self, segment: Segment) -> _PersonDraft | None:
        if self.person is None:
            self._out_of_order(segment, f"{segment.tag} before any NAD person; ignored")
        return self.person

    def _close_person(self) -> None:
        self._close_document()
        if self.person is not None:
            self.body.persons.append(self.person.freeze())
            self.person = None

    # Documents ------------------------------------------------------------------------

    def _doc(self, segment: Segment) -> None:
        person = self._person_for(segment)
        if person is None:
            return
        self._close_document()
        elements = segment.elements
        kind = elements[0][0] if elements else ""
        number = elements[1][0] if len(elements) > 1 else ""
        if not (kind and number):
            self._empty(segment, "DOC has no document type or number")
        self.document = _DocumentDraft(kind, number)
        self.document_placed = False

    def _document_dtm(self, segment: Segment, qualifier: str, text: str, code: str) -> None:
        document = self.document
        if document is None:
            self._out_of_order(segment, f"DTM+{qualifier} before any DOC; ignored")
            return
        if not text:
            self._empty(segment, f"DTM+{qualifier} has no date")
            return
        if self.document_placed:
            self._out_of_order(segment, f"DTM+{qualifier} after the document's LOC+91")
            if qualifier == "36" and document.expiry_text:
                return
        moment = self._moment(segment, text, code, past_only=False)
        day = moment.date() if moment else None
        if qualifier == "36":
            document.expiry_text, document.expiry = text, day
        else:
            document.issued = day

    def _document_loc(self, segment: Segment, place: str) -> None:
        if self.document is None:
            self._out_of_order(segment, "LOC+91 before any DOC; ignored")
            return
        self.document.issuing_country = place
        self.document_placed = True

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
        qualifier, text, code = _qualifier_date_and_format(segment)
        if self.stage == _PERSONS and self.person is not None:
            self._person_dtm(segment, qualifier, text, code)
        elif self.stage == _FLIGHTS:
            self._flight_dtm(segment, qualifier, text, code)

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

    def _moment(
        self, segment: Segment, text: str, code: str, *, past_only: bool
    ) -> dt.datetime | None:
        reading = read_dtm(text, code, reference=self.reference, past_only=past_only)
        if reading.problem is not None:
            defect, message = reading.problem
            if defect is Defect.DATE_FORMAT_MISMATCH:
                habit = f"{code}:{len(text)}"
                self.log.warn_once(defect, habit, message, segment)
            else:
                self.log.warn(defect, message, segment)
        if self.reference is None and reading.moment is not None and not past_only:
            self.reference = reading.moment.date()
        return reading.moment

    def _out_of_order(self, segment: Segment, message: str) -> None:
        self.log.warn(Defect.SEGMENT_ORDER, message, segment)

    def _empty(self, segment: Segment, message: str) -> None:
        self.log.warn(Defect.EMPTY_VALUE, message, segment)


def _text(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component]
    except IndexError:
        return ""


def _qualifier_date_and_format(segment: Segment) -> tuple[str, str, str]:
    """DTM C507: qualifier, value, format code."""
    parts = segment.elements[0] if segment.elements else [""]
    return parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""


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
