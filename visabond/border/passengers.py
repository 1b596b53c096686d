"""What a PAXLST manifest tells the border: for each passenger, a departure (outbound from a
program's state), an expected arrival (inbound), or nothing (transit, flying elsewhere).

Plain Python, no Django. The reader (`visabond.documents.paxlst`) tolerates the defects real
manifests have; here a manifest is accepted only when the counts that prove it whole agree
(`decisive_defects`): a wrong UNT segment count (ISO 9735-1 §8.2), a passenger total (CNT+42)
unlike the passengers carried, an interchange counting other messages than it holds, or a
multi-part series with parts missing, repeated or differing, may mean passengers were lost
on the way, and a departure not recorded would be taken for an overstay. Such a manifest is
quarantined whole; an officer who has checked it may accept a named defect on reprocessing.

A passenger's document is the first DOC that is not a visa (passport, identity card), with
its issuing state from LOC+91 or else the passenger's nationality, and the birth date from
DTM+329; the visa is DOC+V. Times in a manifest are local to their airport.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from visabond.border import records
from visabond.border.evidence import EvidenceKind
from visabond.border.records import DepartureReport, Traveller
from visabond.core.airports import airport_country, airport_time_zone
from visabond.core.errors import InvalidInput
from visabond.documents.codes import KNOWN_CODES
from visabond.documents.paxlst import (
    Direction,
    Manifest,
    ParseWarning,
    Person,
    person_direction_on,
)
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.direction import manifest_airports
from visabond.documents.paxlst.model import Leg

DECISIVE = frozenset(
    {
        Defect.UNT_COUNT_MISMATCH,
        Defect.UNT_MISSING,
        Defect.CNT_COUNT_MISMATCH,
        Defect.ENVELOPE_COUNT_MISMATCH,
        Defect.MULTIPART_MISSING,
        Defect.MULTIPART_DUPLICATE,
    }
)
VISA = "V"


@dataclass(frozen=True, slots=True)
class ExpectedArrival:
    """A passenger an inbound manifest announces: who, where, when (if the flight says)."""

    traveller: Traveller
    port: str
    state: str
    expected_at: dt.datetime | None
    flight: str


@dataclass(frozen=True, slots=True)
class PassengerRecords:
    """What one passenger gives: departures and arrivals (none for a transit passenger), or
    nothing at all when the passenger carries no document to match (`identified` False)."""

    departures: tuple[DepartureReport, ...] = ()
    arrivals: tuple[ExpectedArrival, ...] = ()
    identified: bool = True


def decisive_defects(
    manifest: Manifest, *, accepted: frozenset[str] = frozenset()
) -> list[ParseWarning]:
    """The warnings that keep `manifest` out (see the module), less those an officer accepted."""
    return [w for w in manifest.warnings if w.code in DECISIVE and w.code.value not in accepted]


def flight_label(manifest: Manifest) -> str:
    """The manifest's flights as people name them: carrier and number, e.g. "ET 508"."""
    return ", ".join(
        " ".join(part for part in (flight.carrier, flight.number) if part)
        for flight in manifest.flights
    )


def passenger_records(
    person: Person, manifest: Manifest, *, states: frozenset[str]
) -> PassengerRecords:
    """The records `person` gives for the program states `states` (alpha-3 codes).

    Raises `InvalidInput` naming the passenger's segment when a document is there but
    cannot be read, or a departure has no time: such a manifest cannot be processed.
    """
    return _Route(manifest).records(person, states=states)


def manifest_passenger_records(
    manifest: Manifest, *, states: frozenset[str]
) -> list[PassengerRecords]:
    """`passenger_records` of each of the manifest's passengers, in their order; the route
    they share (legs, airports, flight label) is read once. Raises as `passenger_records`."""
    route = _Route(manifest)
    return [route.records(person, states=states) for person in manifest.passengers]


@dataclass(slots=True)
class _Route:
    """What a manifest's passengers have in common, found once: its airports, its legs
    leaving or arriving in a state, its flight label."""

    manifest: Manifest
    airports: list[str] = field(init=False)
    _legs: dict[tuple[str, bool, str], Leg | None] = field(init=False, default_factory=dict)
    _label: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.airports = manifest_airports(self.manifest)

    def records(self, person: Person, *, states: frozenset[str]) -> PassengerRecords:
        traveller = passenger_traveller(person)
        if traveller is None:
            return PassengerRecords(identified=False)
        departures: list[DepartureReport] = []
        arrivals: list[ExpectedArrival] = []
        for state in sorted(states):
            direction = person_direction_on(person, self.airports, state=state)
            if direction is Direction.OUTBOUND:
                departures.append(self._departure(person, traveller, state))
            elif direction is Direction.INBOUND:
                arrivals.append(self._arrival(person, traveller, state))
        return PassengerRecords(departures=tuple(departures), arrivals=tuple(arrivals))

    def leg(self, state: str, *, leaving: bool, airport: str) -> Leg | None:
        key = (state, leaving, airport)
        if key not in self._legs:
            self._legs[key] = _leg(self.manifest, state, leaving=leaving, airport=airport)
        return self._legs[key]

    def label(self) -> str:
        if self._label is None:
            self._label = flight_label(self.manifest)
        return self._label

    def _departure(self, person: Person, traveller: Traveller, state: str) -> DepartureReport:
        leg = self.leg(state, leaving=True, airport=person.embarkation)
        if leg is None or leg.departs is None:
            raise InvalidInput(
                f"passenger {person.surname} (segment {person.segment_number}) leaves {state} "
                "on no flight with a departure time",
                code="paxlst.departure-time-missing",
                field=f"segment {person.segment_number}",
            )
        return records.departure_report(
            traveller=traveller,
            port=leg.departure,
            departed_at=_local(leg.departs, leg.departure),
            evidence=EvidenceKind.OUTBOUND_MANIFEST,
        )

    def _arrival(self, person: Person, traveller: Traveller, state: str) -> ExpectedArrival:
        leg = self.leg(state, leaving=False, airport=person.debarkation)
        assert leg is not None  # inbound: some leg arrives in `state`
        port = records.port_code(leg.arrival)
        return ExpectedArrival(
            traveller=traveller,
            port=port,
            state=state,
            expected_at=None if leg.arrives is None else _local(leg.arrives, port),
            flight=self.label()[:20],
        )


def passenger_traveller(person: Person) -> Traveller | None:
    """The passenger as matching knows them, or None without a document that can be matched
    (a number with the birth date) and without a visa."""
    document = next((d for d in person.documents if d.kind.upper() != VISA and d.number), None)
    visa = next((d for d in person.documents if d.kind.upper() == VISA and d.number), None)
    if person.birth_date is None:
        document = None
    if document is None and visa is None:
        return None
    try:
        return records.traveller(
            document_number=document.number if document else "",
            document_issuing_state=(
                (document.issuing_country or person.nationality) if document else ""
            ),
            birth_date=person.birth_date if document else None,
            nationality=person.nationality if person.nationality in KNOWN_CODES else "",
            visa_number=visa.number if visa else "",
        )
    except InvalidInput as error:
        raise InvalidInput(
            f"passenger {person.surname} (segment {person.segment_number}): {error.message}",
            code="paxlst.passenger-unreadable",
            field=f"segment {person.segment_number}",
        ) from None


def _leg(manifest: Manifest, state: str, *, leaving: bool, airport: str) -> Leg | None:
    """The leg leaving `state` (the first such) or arriving in it (the last such); the one
    at the passenger's own airport (LOC+178/179) when they name one of them."""
    legs = [leg for flight in manifest.flights for leg in flight.legs]
    if not leaving:
        legs.reverse()
    found = [leg for leg in legs if airport_country(_port(leg, leaving)) == state]
    own = [leg for leg in found if _port(leg, leaving) == airport]
    chosen = own or found
    return chosen[0] if chosen else None


def _port(leg: Leg, leaving: bool) -> str:
    return leg.departure if leaving else leg.arrival


def _local(moment: dt.datetime, port: str) -> dt.datetime:
    zone = airport_time_zone(port)
    if zone is None:
        raise InvalidInput(
            f"{port!r} is not an airport's IATA code", code="port_unknown", field="port"
        )
    return moment.replace(tzinfo=ZoneInfo(zone))
