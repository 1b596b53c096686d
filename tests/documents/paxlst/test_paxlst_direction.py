"""Direction relative to a state, from the airports' countries (airportsdata, pycountry)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from visabond.documents.paxlst import (
    Direction,
    Manifest,
    Person,
    itinerary_direction,
    manifest_direction,
    person_direction,
)
from visabond.documents.paxlst.direction import airport_country


def test_airports_resolve_to_iso_alpha3_countries() -> None:
    assert airport_country("IAD") == "USA"
    assert airport_country("llw") == "MWI"
    assert airport_country("ZZZ") is None


@pytest.mark.parametrize(
    ("airports", "direction"),
    [
        (["ADD", "IAD"], Direction.INBOUND),
        (["JFK", "ADD"], Direction.OUTBOUND),
        (["MIA", "IAD", "JFK", "CDG"], Direction.OUTBOUND),
        (["CDG", "JFK", "YVR"], Direction.TRANSIT),
        (["BOS", "IAD"], Direction.DOMESTIC),
        (["LLW", "ADD"], Direction.UNRELATED),
        (["ZZZ", "IAD"], Direction.UNKNOWN),
        ([], Direction.UNKNOWN),
    ],
)
def test_itinerary_direction_relative_to_the_united_states(
    airports: list[str], direction: Direction
) -> None:
    assert itinerary_direction(airports, state="USA") is direction


def test_the_state_may_be_given_as_alpha2() -> None:
    assert itinerary_direction(["ADD", "IAD"], state="us") is Direction.INBOUND


def test_an_unknown_state_gives_unknown() -> None:
    assert itinerary_direction(["ADD", "IAD"], state="XX") is Direction.UNKNOWN


def test_manifest_direction_follows_all_legs(manifest_factory: Callable[..., Manifest]) -> None:
    manifest = manifest_factory()
    assert manifest_direction(manifest, state="USA") is Direction.INBOUND
    assert manifest_direction(manifest, state="ETH") is Direction.OUTBOUND


def test_a_person_boarding_and_leaving_elsewhere_is_in_transit_through_a_stop(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    manifest = manifest_factory()
    through = dataclasses.replace(traveller_factory(1), embarkation="LLW", debarkation="YYZ")
    assert person_direction(through, manifest, state="USA") is Direction.TRANSIT
    assert person_direction(through, manifest, state="ZAF") is Direction.UNRELATED


def test_a_person_direction_uses_embarkation_and_debarkation(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    manifest = manifest_factory()
    visitor = traveller_factory(1)
    assert person_direction(visitor, manifest, state="MWI") is Direction.OUTBOUND
    assert person_direction(visitor, manifest, state="USA") is Direction.INBOUND


def test_without_embarkation_a_person_takes_the_flight_direction(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    manifest = manifest_factory()
    person = dataclasses.replace(traveller_factory(1), embarkation="", debarkation="")
    assert person_direction(person, manifest, state="USA") is Direction.INBOUND
