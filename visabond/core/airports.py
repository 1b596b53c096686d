"""Airports by IATA code, with the ISO alpha-3 code of their country."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

import airportsdata

from visabond.core.countries import country_by_alpha_2


@cache
def _airports() -> Mapping[str, Mapping[str, object]]:
    return airportsdata.load("IATA")


@cache
# Manifests name the same few airports for every passenger.
@lru_cache(maxsize=4096)
def airport_country(iata: str) -> str | None:
    """Alpha-3 code of the country of airport `iata`, or None for an unknown code."""
    record = _airports().get(iata.strip().upper())
    if record is None:
        return None
    found = country_by_alpha_2(str(record["country"]))
    return None if found is None else found.alpha_3


def airport_name(iata: str) -> str:
    record = _airports().get(iata.strip().upper())
    return str(record["name"]) if record else iata


@cache
def airport_time_zone(iata: str) -> str | None:
    """The IANA time zone of airport `iata` (airportsdata's `tz`), or None when unknown."""
    record = _airports().get(iata.strip().upper())
    return str(record["tz"]) if record and record.get("tz") else None
