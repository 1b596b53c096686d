"""Whether a flight or a person travels into, out of or through a given state.

Airports are IATA codes; their countries come from the `airportsdata` package (ISO 3166
alpha-2) and are turned into alpha-3 with pycountry, the codes PAXLST uses for countries.
The US records departures mostly from outbound manifests, so OUTBOUND is what closes a stay.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from enum import StrEnum

import pycountry

from visabond.core.airports import airport_country
from visabond.documents.paxlst.model import Manifest, Person


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    TRANSIT = "transit"
    DOMESTIC = "domestic"
    UNRELATED = "unrelated"
    UNKNOWN = "unknown"


@functools.cache
def _alpha3(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None and len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    return str(country.alpha_3) if country is not None else None


def itinerary_direction(airports: Sequence[str], *, state: str) -> Direction:
    """Inbound when it ends in `state`, outbound when it starts there, transit when it only
    stops there; an unknown airport makes the answer UNKNOWN rather than a guess."""
    return _itinerary_direction(tuple(airports), state)


# A manifest asks the same question for each of its hundreds of passengers.
@functools.lru_cache(maxsize=4096)
def _itinerary_direction(airports: tuple[str, ...], state: str) -> Direction:
    home = _alpha3(state.strip().upper())
    countries = [airport_country(code) for code in airports]
    if home is None or not countries or None in countries:
        return Direction.UNKNOWN
    origin, destination = countries[0], countries[-1]
    if origin == home and destination == home:
        return Direction.DOMESTIC
    if destination == home:
        return Direction.INBOUND
    if origin == home:
        return Direction.OUTBOUND
    return Direction.TRANSIT if home in countries[1:-1] else Direction.UNRELATED


def manifest_airports(manifest: Manifest) -> list[str]:
    """The airports of the manifest's legs in flying order."""
    legs = [leg for flight in manifest.flights for leg in flight.legs]
    if not legs:
        return []
    return [legs[0].departure, *(leg.arrival for leg in legs)]


def manifest_direction(manifest: Manifest, *, state: str) -> Direction:
    return itinerary_direction(manifest_airports(manifest), state=state)


def person_direction(person: Person, manifest: Manifest, *, state: str) -> Direction:
    """A person's own journey (LOC+178 embarkation, LOC+179 debarkation) when reported.

    Someone who boards and leaves outside `state` while the flight stops there is in
    transit; without those places the flight's direction applies.
    """
    return person_direction_on(person, manifest_airports(manifest), state=state)


def person_direction_on(person: Person, airports: Sequence[str], *, state: str) -> Direction:
    """`person_direction` given the manifest's airports (`manifest_airports`), which a
    caller reading every passenger of a manifest finds once."""
    if not (person.embarkation and person.debarkation):
        return itinerary_direction(airports, state=state)
    own = itinerary_direction([person.embarkation, person.debarkation], state=state)
    if own is not Direction.UNRELATED:
        return own
    home = _alpha3(state.strip().upper())
    flown = {airport_country(code) for code in airports}
    return Direction.TRANSIT if home in flown else Direction.UNRELATED
