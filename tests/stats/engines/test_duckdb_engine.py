"""DuckDB proves ids unique by their order in the file when it can, and only then."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from visabond.stats.contract import DEPARTURES, TableFile
from visabond.stats.engines.duckdb_engine import DuckDBEngine


def _proves_unique(tmp_path: Path, ids: list[str], *, row_group_size: int = 1024) -> bool:
    path = tmp_path / "departures.parquet"
    pq.write_table(pa.table({"departure_id": ids}), path, row_group_size=row_group_size)
    engine = DuckDBEngine()
    try:
        engine.register_raw(TableFile(DEPARTURES, path, "parquet"), "raw_departures")
        return engine.proves_unique("raw_departures", "departure_id")
    finally:
        engine.close()


def test_ids_increasing_through_many_row_groups_are_proven_unique(tmp_path: Path) -> None:
    ids = [f"D{n:08d}" for n in range(300_000)]
    assert _proves_unique(tmp_path, ids, row_group_size=7_000)


@pytest.mark.parametrize(
    "ids",
    [["D1", "D3", "D2"], ["D1", "D1", "D2"], ["D2", "D1"]],
    ids=["one out of order", "repeated neighbour", "decreasing"],
)
def test_ids_not_strictly_increasing_are_left_to_the_count(tmp_path: Path, ids: list[str]) -> None:
    assert not _proves_unique(tmp_path, ids)


def test_one_late_repeat_among_many_row_groups_is_not_proven_unique(tmp_path: Path) -> None:
    ids = [f"D{n:08d}" for n in range(300_000)]
    ids[-1] = ids[150_000]
    assert not _proves_unique(tmp_path, ids, row_group_size=7_000)
