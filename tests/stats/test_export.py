"""The export writes the contract's schema, which the report then reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from tests.installation import run_visabond, seeded_installation
from tests.stats.conftest import counts, report
from visabond.stats.export import contract_export

UTC = dt.UTC


def test_exported_records_run_through_the_report(tmp_path: Path) -> None:
    written = contract_export(
        tmp_path,
        sources={
            "admissions": iter(
                [
                    {
                        "admission_id": "A1",
                        "traveller_id": "T1",
                        "nationality": "MLI",
                        "visa_class": "B1/B2",
                        "port": "JFK",
                        "admitted_at": dt.datetime(2024, 11, 1, 10, tzinfo=UTC),
                        "admit_until": dt.date(2024, 12, 1),
                        "bonded": True,
                    },
                    {
                        "admission_id": "A2",
                        "traveller_id": "T2",
                        "nationality": "MLI",
                        "visa_class": "B1/B2",
                        "port": "JFK",
                        "admitted_at": dt.datetime(2024, 11, 1, 10, tzinfo=UTC),
                        "admit_until": dt.date(2024, 12, 1),
                        "bonded": False,
                    },
                ]
            ),
            "departures": [
                {
                    "departure_id": "D1",
                    "traveller_id": "T1",
                    "departed_at": dt.datetime(2024, 11, 30, tzinfo=UTC),
                    "port": "JFK",
                }
            ],
            "status_changes": [
                {"admission_id": "A2", "decided_on": dt.date(2024, 11, 20), "new_admit_until": None}
            ],
        },
        batch_rows=1,
    )
    assert written == {"admissions": 2, "departures": 1, "status_changes": 1}
    assert pq.read_schema(tmp_path / "admissions.parquet").field("admitted_at").type.tz == "UTC"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]
    (row,) = report(tmp_path, "duckdb", as_of="2025-06-01")
    assert counts(row) == (1, 1, 0, 0, 0)


def test_export_of_an_installation_without_border_records_writes_empty_tables(
    tmp_path: Path,
) -> None:
    (tmp_path / "data").mkdir()
    env = seeded_installation(tmp_path / "data")
    done = run_visabond(env, "export", "--format", "parquet", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for name in ("admissions", "departures", "status_changes"):
        assert pq.read_table(tmp_path / "out" / f"{name}.parquet").num_rows == 0
