"""The border's own records, exported in the overstay report's contract, give the report's
counts: the border's match of each departure to its admission is the one the report uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.border_world import Bonded, admit, bonded, depart, grace, status
from tests.stats.conftest import counts, report
from visabond.border.exports import export_sources
from visabond.border.records import StatusKind
from visabond.stats.export import contract_export

pytestmark = pytest.mark.usefixtures("pilot")


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def test_a_late_departure_and_a_stay_without_one_are_counted_by_the_report(
    traveller: Bonded, tmp_path: Path
) -> None:
    admit(grace(visa=traveller.visa.number), on="2025-10-01", until="2025-10-30")
    depart(grace(), on="2025-11-05")
    other = grace(passport="MW9999999", born=dt.date(1990, 1, 1))
    admit(other, on="2025-10-02", until="2025-10-31")
    written = contract_export(tmp_path, sources=export_sources())
    assert written == {"admissions": 2, "departures": 1, "status_changes": 0}
    bonded_flags = pq.read_table(tmp_path / "admissions.parquet").column("bonded").to_pylist()
    assert sorted(bonded_flags) == [False, True]
    (row,) = report(tmp_path, "duckdb", fiscal_year=2026, as_of="2026-06-01")
    # (expected, on time, out-of-country, suspected in-country, in status)
    assert counts(row) == (2, 0, 1, 1, 0)


def test_an_extension_moves_the_expected_departure_and_asylum_removes_it(
    traveller: Bonded, tmp_path: Path
) -> None:
    admit(grace(visa=traveller.visa.number), on="2025-10-01", until="2025-10-30")
    status(grace(), StatusKind.EXTENSION, on="2025-10-20", until="2025-12-31")
    depart(grace(), on="2025-12-20")
    other = grace(passport="MW9999999", born=dt.date(1990, 1, 1))
    admit(other, on="2025-10-02", until="2025-10-31")
    status(other, StatusKind.ASYLUM, on="2025-10-20")
    written = contract_export(tmp_path, sources=export_sources())
    assert written["status_changes"] == 2
    (row,) = report(tmp_path, "duckdb", fiscal_year=2026, as_of="2026-06-01")
    # Asylum leaves no departure expected: the admission is out of the report (rule 1).
    assert counts(row) == (1, 1, 0, 0, 0)
