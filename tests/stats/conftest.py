"""Overstay tests: hand-built tables written as files, run on DuckDB and on Spark.

Every test here runs with the process in a far time zone (UTC+14), so a timestamp read in
the machine's zone instead of UTC shows up as a wrong day.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from visabond.stats.method import FiscalYear
from visabond.stats.reports import opened_engine
from visabond.stats.runner import OverstayQuery, overstay_report

FAR_ZONE = "Pacific/Kiritimati"

ADMISSION_COLUMNS = (
    "admission_id",
    "traveller_id",
    "nationality",
    "visa_class",
    "port",
    "admitted_at",
    "admit_until",
)


@pytest.fixture(autouse=True, scope="session")
def far_time_zone() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = FAR_ZONE
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(scope="session")
def spark(far_time_zone: None) -> Iterator[Any]:
    """One local Spark session for the whole run (starting one takes many seconds)."""
    if shutil.which("java") is None:
        if os.environ.get("VISABOND_REQUIRE_SPARK"):
            pytest.fail(
                "Java is required for the Spark engine (./dev installs it) but was not found"
            )
        pytest.skip("Java is not installed: the Spark engine cannot start")
    from visabond.stats.engines.spark_engine import spark_session

    session = spark_session()
    session.conf.set("spark.sql.shuffle.partitions", "2")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "spark":
        request.getfixturevalue("spark")
    return str(request.param)


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def write_case(
    directory: Path,
    *,
    admissions: Sequence[Sequence[object]],
    departures: Sequence[Sequence[object]] = (),
    status_changes: Sequence[Sequence[object]] = (),
) -> Path:
    """Three CSV tables in `directory`. An admission row is (id, traveller, admitted_at,
    admit_until) or the full contract row; a departure row (id, traveller, departed_at)."""
    full = [
        row if len(row) == 7 else (row[0], row[1], "MLI", "B1/B2", "JFK", row[2], row[3])
        for row in admissions
    ]
    write_table(directory / "admissions.csv", ADMISSION_COLUMNS, full)
    write_table(
        directory / "departures.csv",
        ("departure_id", "traveller_id", "departed_at", "port"),
        [(*row, "JFK") if len(row) == 3 else row for row in departures],
    )
    write_table(
        directory / "status_changes.csv",
        ("admission_id", "decided_on", "new_admit_until"),
        status_changes,
    )
    return directory


def report(
    directory: Path,
    engine: str,
    *,
    fiscal_year: int = 2025,
    as_of: str,
    by: tuple[str, ...] = (),
    start_month: int = 10,
) -> list[dict[str, Any]]:
    query = OverstayQuery(
        data_dir=directory,
        fiscal_year=FiscalYear(fiscal_year, start_month=start_month),
        as_of=dt.date.fromisoformat(as_of),
        by=by,
    )
    with opened_engine(engine) as opened:
        return overstay_report(opened, query)


def counts(row: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """(expected, on time, out-of-country, suspected in-country, in status)."""
    return (
        row["expected_departures"],
        row["departed_on_time"],
        row["out_of_country_overstays"],
        row["suspected_in_country_overstays"],
        row["in_status"],
    )
