"""Fixtures of the PAXLST tests: the project's own sample files and a manifest factory."""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from visabond.documents.paxlst import (
    Call,
    Flight,
    Interchange,
    Manifest,
    Person,
    Reference,
    TravelDocument,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixture_bytes() -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


def traveller(index: int, *, surname: str = "", given: str = "CHIMWEMWE") -> Person:
    """An invented Malawian visitor with a passport and a US visa."""
    return Person(
        role="FL",
        surname=surname or f"KALUA{index}",
        given_names=given,
        sex="F" if index % 2 else "M",
        birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=97 * index),
        nationality="MWI",
        embarkation="LLW",
        debarkation="IAD",
        residence_country="MWI",
        references=(Reference("AVF", f"BK{index:04d}"),),
        documents=(
            TravelDocument("P", f"MA{index:07d}", dt.date(2031, 5, 1), issuing_country="MWI"),
            TravelDocument("V", f"V{index:08d}", dt.date(2026, 4, 30), issuing_country="USA"),
        ),
    )


def sample_manifest(count: int = 3, **changes: object) -> Manifest:
    """A manifest of `count` invented travellers on ET500 ADD-IAD; `changes` override fields."""
    flight = Flight(
        "ET500",
        "ET",
        (
            Call("125", "ADD", "189", dt.datetime(2026, 1, 5, 22, 30)),
            Call("87", "IAD", "232", dt.datetime(2026, 1, 6, 7, 45)),
        ),
    )
    fields: dict[str, object] = {
        "message_reference": "PAX1",
        "version": "D05B",
        "document_code": "745",
        "flights": (flight,),
        "persons": tuple(traveller(i) for i in range(count)),
        "reporting_party": "ET CONTROL ADD",
        "interchange": Interchange("UNOA", "ETHIOPIAN", "USCBP", dt.datetime(2026, 1, 5, 20), "42"),
    }
    fields.update(changes)
    return Manifest(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def manifest_factory() -> Callable[..., Manifest]:
    return sample_manifest


@pytest.fixture(scope="session")
def traveller_factory() -> Callable[..., Person]:
    return traveller
