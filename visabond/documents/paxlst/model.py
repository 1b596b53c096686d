"""What a parsed PAXLST manifest is: frozen records for flights, persons, documents, warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from visabond.documents.paxlst.defects import Defect

# PAXLST implementation guide §4, NAD party function codes (3035) for persons on board.
PASSENGER_ROLES = frozenset({"FL", "DDU"})
CREW_ROLES = frozenset({"FM", "DDT"})
PERSON_ROLES = PASSENGER_ROLES | CREW_ROLES | frozenset({"COT"})

# Document name codes (1001) in BGM: 745 passenger list, 250 crew list (PAXLST guide §4, BGM).
PASSENGER_LIST = "745"
CREW_LIST = "250"

# Control total qualifiers (6069) in CNT: 42 passengers, 41 crew members.
PASSENGER_TOTAL = "42"
CREW_TOTAL = "41"


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """One tolerated defect, where it starts in the input and what was done about it."""

    code: Defect
    message: str
    segment_number: int
    byte_offset: int
    source: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "message": self.message,
            "segment_number": self.segment_number,
            "byte_offset": self.byte_offset,
            "source": self.source,
        }

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return (
            f"{where}segment {self.segment_number} (byte {self.byte_offset}): "
            f"[{self.code}] {self.message}"
        )


@dataclass(frozen=True, slots=True)
class Unread:
    """Input the reader kept but could not use, where it is and why: nothing is dropped.

    `text` is the input as decoded, from `byte_offset` (a segment, a whole message, or the
    data after an interchange); a caller keeps the file for reprocessing when any is left.
    """

    code: Defect
    reason: str
    segment_number: int
    byte_offset: int
    text: str
    source: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "reason": self.reason,
            "segment_number": self.segment_number,
            "byte_offset": self.byte_offset,
            "text": self.text,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Doubt:
    """Why one value of a person's record must not be taken as read: a character the
    declared set does not hold, a date no century reconciles, an unknown code."""

    field: str
    code: Defect
    message: str

    def to_json_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": str(self.code), "message": self.message}


@dataclass(frozen=True, slots=True)
class Call:
    """A place in a flight's itinerary (LOC) with its scheduled time (DTM), PAXLST SG3.

    Qualifiers: 125 departure airport, 87 arrival airport, 92 routing (departure or arrival
    by its DTM: 189 departure, 232 arrival), 130 final destination, 22 customs clearance.
    """

    qualifier: str
    airport: str
    time_qualifier: str = ""
    time: dt.datetime | None = None
    time_text: str = ""

    @property
    def is_departure(self) -> bool:
        return self.qualifier == "125" or (self.qualifier == "92" and self.time_qualifier == "189")

    @property
    def is_arrival(self) -> bool:
        return self.qualifier == "87" or (self.qualifier == "92" and self.time_qualifier == "232")


@dataclass(frozen=True, slots=True)
class Leg:
    """One flown sector: where and when it departs and arrives (local times, as reported)."""

    departure: str
    arrival: str
    departs: dt.datetime | None
    arrives: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Flight:
    """A TDT group: the flight (conveyance reference) and its calls, PAXLST SG2."""

    number: str
    carrier: str
    calls: tuple[Call, ...]

    @property
    def legs(self) -> tuple[Leg, ...]:
        return _pair_calls(self.calls)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "carrier": self.carrier,
            "calls": [
                {
                    "qualifier": call.qualifier,
                    "airport": call.airport,
                    "time_qualifier": call.time_qualifier,
                    "time": _iso(call.time),
                    "time_text": call.time_text,
                }
                for call in self.calls
            ],
            "legs": [
                {
                    "departure": leg.departure,
                    "arrival": leg.arrival,
                    "departs": _iso(leg.departs),
                    "arrives": _iso(leg.arrives),
                }
                for leg in self.legs
            ],
        }


def _pair_calls(calls: tuple[Call, ...]) -> tuple[Leg, ...]:
    """Pair each departure call with the next arrival call.

    A routing call (LOC+92) without a DTM says neither, so such calls alternate.
    """
    legs: list[Leg] = []
    pending: Call | None = None
    for call in calls:
        untimed_routing = call.qualifier == "92" and not call.time_qualifier
        if pending is not None and (call.is_arrival or untimed_routing):
            legs.append(Leg(pending.airport, call.airport, pending.time, call.time))
            pending = None
        elif call.is_departure or untimed_routing:
            pending = call
    return tuple(legs)


@dataclass(frozen=True, slots=True)
class TravelDocument:
    """DOC group (PAXLST SG5): type code (1001: P passport, V visa, I identity card, ...)."""

    kind: str
    number: str
    expiry: dt.date | None = None
    expiry_text: str = ""
    issued: dt.date | None = None
    issuing_country: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "expiry": _iso(self.expiry),
            "expiry_text": self.expiry_text,
            "issued": _iso(self.issued),
            "issuing_country": self.issuing_country,
        }


@dataclass(frozen=True, slots=True)
class Reference:
    """RFF: a qualified reference, e.g. AVF booking reference, SEA seat, ABO traveller id."""

    qualifier: str
    value: str


@dataclass(frozen=True, slots=True)
class Person:
    """A passenger or crew member (NAD group, PAXLST SG4) with their documents.

    `doubts` lists every value read that must not be trusted as it stands (a garbled or
    recovered name, a birth date no century reconciles with the documents, an unknown
    country code); `clean` is derived from it, so a record with a doubt never reads as
    clean. Matching (document number, issuing state, birth date) takes clean records only.
    """

    role: str
    surname: str
    given_names: str
    sex: str = ""
    birth_date: dt.date | None = None
    birth_date_text: str = ""
    nationality: str = ""
    embarkation: str = ""
    debarkation: str = ""
    clearance: str = ""
    residence_country: str = ""
    birthplace: str = ""
    address: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    documents: tuple[TravelDocument, ...] = ()
    doubts: tuple[Doubt, ...] = ()
    # Where the person's NAD was read: provenance, not part of what the person is.
    segment_number: int = field(default=0, compare=False)

    @property
    def is_crew(self) -> bool:
        return self.role in CREW_ROLES

    @property
    def clean(self) -> bool:
        """Whether every value was read as sent, in the declared set, and agrees."""
        return not self.doubts

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "surname": self.surname,
            "given_names": self.given_names,
            "sex": self.sex,
            "birth_date": _iso(self.birth_date),
            "birth_date_text": self.birth_date_text,
            "nationality": self.nationality,
            "embarkation": self.embarkation,
            "debarkation": self.debarkation,
            "clearance": self.clearance,
            "residence_country": self.residence_country,
            "birthplace": self.birthplace,
            "address": list(self.address),
            "references": {ref.qualifier: ref.value for ref in self.references},
            "documents": [doc.to_json_dict() for doc in self.documents],
            "clean": self.clean,
            "doubts": [doubt.to_json_dict() for doubt in self.doubts],
        }


@dataclass(frozen=True, slots=True)
class Sequence:
    """UNH S010 sequence of transfers: part number and C (first) or F (final) marker."""

    number: int
    marker: str = ""

    def __str__(self) -> str:
        return f"{self.number:02d}:{self.marker}" if self.marker else f"{self.number:02d}"


@dataclass(frozen=True, slots=True)
class Interchange:
    """The UNB interchange header the message came in (absent for a body-only message)."""

    syntax_identifier: str
    sender: str
    recipient: str
    prepared: dt.datetime | None
    control_reference: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """One PAXLST message (or several parts assembled): flights, persons, counts, warnings."""

    message_reference: str
    version: str
    document_code: str
    flights: tuple[Flight, ...]
    persons: tuple[Person, ...]
    counts: tuple[tuple[str, int], ...] = ()
    change_indicator: str = ""
    reporting_party: str = ""
    common_access_reference: str = ""
    sequence: Sequence | None = None
    parts: tuple[int, ...] = ()
    interchange: Interchange | None = None
    warnings: tuple[ParseWarning, ...] = ()
    unread: tuple[Unread, ...] = ()
    source: str = ""
    segment_number: int = 0
    byte_offset: int = 0

    @property
    def is_crew_list(self) -> bool:
        return self.document_code == CREW_LIST

    @property
    def passengers(self) -> tuple[Person, ...]:
        return tuple(person for person in self.persons if not person.is_crew)

    @property
    def crew(self) -> tuple[Person, ...]:
        return tuple(person for person in self.persons if person.is_crew)

    @property
    def is_part(self) -> bool:
        """A part of a multi-part series, not yet assembled with its siblings."""
        sequence = self.sequence
        if sequence is None or self.parts:
            return False
        return sequence.marker == "C" or sequence.number > 1

    def count(self, qualifier: str) -> int | None:
        return dict(self.counts).get(qualifier)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "message_reference": self.message_reference,
            "version": self.version,
            "document_code": self.document_code,
            "change_indicator": self.change_indicator,
            "reporting_party": self.reporting_party,
            "common_access_reference": self.common_access_reference,
            "sequence": str(self.sequence) if self.sequence else None,
            "parts": list(self.parts),
            "interchange": _interchange_json(self.interchange),
            "flights": [flight.to_json_dict() for flight in self.flights],
            "persons": [person.to_json_dict() for person in self.persons],
            "counts": dict(self.counts),
            "warnings": [warning.to_json_dict() for warning in self.warnings],
            "unread": [unread.to_json_dict() for unread in self.unread],
        }


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything read from one input: its messages (from every interchange it holds), every
    warning (each once) and every piece of input kept unread (each once).

    `complete` says whether the input could be used whole: nothing kept unread and no person
    in doubt. A caller that ingests only complete results never loses or misreads anyone.
    """

    manifests: tuple[Manifest, ...]
    warnings: tuple[ParseWarning, ...] = field(default=())
    source: str = ""
    unread: tuple[Unread, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.unread and all(
            person.clean for manifest in self.manifests for person in manifest.persons
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "complete": self.complete,
            "manifests": [manifest.to_json_dict() for manifest in self.manifests],
            "warnings": [warning.to_json_dict() for warning in self.warnings],
            "unread": [unread.to_json_dict() for unread in self.unread],
        }


def _interchange_json(interchange: Interchange | None) -> dict[str, Any] | None:
    if interchange is None:
        return None
    return {
        "syntax_identifier": interchange.syntax_identifier,
        "sender": interchange.sender,
        "recipient": interchange.recipient,
        "prepared": _iso(interchange.prepared),
        "control_reference": interchange.control_reference,
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
