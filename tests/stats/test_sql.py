"""The fast matching defers to the exact one whenever it cannot settle the data alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.stats.cases import CASES, Case
from tests.stats.conftest import counts, write_case
from visabond.stats.method import FiscalYear
from visabond.stats.reports import opened_engine
from visabond.stats.runner import OverstayQuery, overstay_report

REMATCH = "matching again"


def _query(
    directory: Path, as_of: str, *, fiscal_year: int = 2025, start: int = 10
) -> OverstayQuery:
    return OverstayQuery(
        directory, FiscalYear(fiscal_year, start_month=start), dt.date.fromisoformat(as_of)
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"rule{c.rule}-{c.name}")
def test_each_hand_worked_case_gives_its_counts_with_the_exact_matching_alone(
    case: Case, tmp_path: Path
) -> None:
    write_case(
        tmp_path,
        admissions=case.admissions,
        departures=case.departures,
        status_changes=case.status_changes,
    )
    with opened_engine("duckdb") as engine:
        (row,) = overstay_report(
            engine,
            _query(tmp_path, case.as_of, fiscal_year=case.fiscal_year, start=case.start_month),
            exact_matching=True,
        )
    assert counts(row) == case.expected


def test_simultaneous_admissions_of_one_traveller_are_matched_again_exactly(
    tmp_path: Path, engine: str
) -> None:
    write_case(
        tmp_path,
        admissions=[
            ("A2", "T", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A1", "T", "2024-11-01T10:00:00Z", "2024-11-03"),
        ],
        departures=[("D", "T", "2024-11-10T10:00:00Z")],
    )
    stages: list[str] = []
    with opened_engine(engine) as opened:
        (row,) = overstay_report(opened, _query(tmp_path, "2025-09-01"), progress=stages.append)
    assert any(stage.startswith(REMATCH) for stage in stages)
    assert counts(row) == (2, 1, 0, 1, 0)


def test_travellers_sharing_a_hash_are_matched_again_by_their_ids(
    tmp_path: Path, engine: str
) -> None:
    """T1 and U1 get one sort key here (the length of the id): sorted together, U1's
    admission would sit between T1's admission and departure and take the departure."""
    write_case(
        tmp_path,
        admissions=[
            ("A", "T1", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("B", "U1", "2024-11-05T10:00:00Z", "2024-11-07"),
        ],
        departures=[("D", "T1", "2024-11-10T10:00:00Z")],
    )
    stages: list[str] = []
    with opened_engine(engine) as opened:
        opened.dialect = dataclasses.replace(opened.dialect, key_hash="length({x})")
        (row,) = overstay_report(opened, _query(tmp_path, "2025-09-01"), progress=stages.append)
    assert any(stage.startswith(REMATCH) for stage in stages)
    assert counts(row) == (2, 1, 0, 1, 0)


def test_a_departure_at_the_instant_of_an_admission_is_matched_again_exactly(
    tmp_path: Path, engine: str
) -> None:
    """D is at B's very instant: it ends A's stay (not after B) and B's (at B)."""
    write_case(
        tmp_path,
        admissions=[
            ("A", "T", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("B", "T", "2024-11-10T10:00:00Z", "2024-12-10"),
        ],
        departures=[("D", "T", "2024-11-10T10:00:00Z")],
    )
    stages: list[str] = []
    with opened_engine(engine) as opened:
        (row,) = overstay_report(opened, _query(tmp_path, "2025-09-01"), progress=stages.append)
    assert any(stage.startswith(REMATCH) for stage in stages)
    assert counts(row) == (2, 2, 0, 0, 0)


def test_ordinary_histories_need_no_second_matching(tmp_path: Path) -> None:
    write_case(
        tmp_path,
        admissions=[
            ("A", "T1", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("B", "U1", "2024-11-05T10:00:00Z", "2024-11-07"),
            ("C", "T1", "2024-11-10T10:00:00Z", "2024-12-10"),
        ],
        departures=[("D", "T1", "2024-11-09T10:00:00Z"), ("E", "U1", "2024-11-05T11:00:00Z")],
    )
    stages: list[str] = []
    with opened_engine("duckdb") as opened:
        (row,) = overstay_report(opened, _query(tmp_path, "2025-09-01"), progress=stages.append)
    assert not any(stage.startswith(REMATCH) for stage in stages)
    assert counts(row) == (3, 2, 0, 1, 0)


def test_events_not_in_the_expected_order_are_matched_again_exactly(tmp_path: Path) -> None:
    """Were the engine to hand the events over in another order than asked (here: oldest
    first instead of latest first), the fast matching would notice it and defer."""
    write_case(
        tmp_path,
        admissions=[
            ("A", "T1", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("C", "T1", "2024-11-10T10:00:00Z", "2024-12-10"),
        ],
        departures=[("D", "T1", "2024-11-09T10:00:00Z")],
    )
    stages: list[str] = []
    with opened_engine("duckdb") as opened:
        opened.dialect = dataclasses.replace(
            opened.dialect,
            sequence_source="(SELECT * FROM events ORDER BY key_, at2_) AS oldest_first",
        )
        (row,) = overstay_report(opened, _query(tmp_path, "2025-09-01"), progress=stages.append)
    assert any(stage.startswith(REMATCH) for stage in stages)
    assert counts(row) == (2, 1, 0, 1, 0)
