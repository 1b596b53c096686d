"""`visabond report overstays` as an operator runs it: JSON on stdout, exit 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.installation import VISABOND
from tests.stats.conftest import write_case


def run(*args: str, tz: str = "Pacific/Kiritimati") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"TZ": tz}
    return subprocess.run(
        [VISABOND, "report", "overstays", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _case(directory: Path) -> Path:
    # Naive times are UTC: read in UTC+14, the departure would fall on 2 December.
    return write_case(
        directory,
        admissions=[
            ("A1", "T1", "MLI", "B1/B2", "JFK", "2024-11-01 10:00:00", "2024-12-01"),
            ("A2", "T2", "GMB", "B1/B2", "IAD", "2024-11-01 10:00:00", "2024-12-01"),
        ],
        departures=[("D1", "T1", "2024-12-01 20:00:00")],
    )


def test_json_is_one_object_per_group_in_utc_whatever_the_zone(tmp_path: Path) -> None:
    data = _case(tmp_path)
    done = run(
        "--data",
        str(data),
        "--fiscal-year",
        "2025",
        "--as-of",
        "2025-06-01",
        "--by",
        "nationality",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "nationality": "GMB",
            "expected_departures": 1,
            "departed_on_time": 0,
            "out_of_country_overstays": 0,
            "suspected_in_country_overstays": 1,
            "in_status": 0,
            "total_overstay_rate": 1.0,
            "in_country_overstay_rate": 1.0,
        },
        {
            "nationality": "MLI",
            "expected_departures": 1,
            "departed_on_time": 1,
            "out_of_country_overstays": 0,
            "suspected_in_country_overstays": 0,
            "in_status": 0,
            "total_overstay_rate": 0.0,
            "in_country_overstay_rate": 0.0,
        },
    ]


def test_without_a_breakdown_one_object_for_the_whole_year(tmp_path: Path) -> None:
    done = run(
        "--data",
        str(_case(tmp_path)),
        "--fiscal-year",
        "2030",
        "--as-of",
        "2030-01-01",
        "--format",
        "json",
    )
    assert json.loads(done.stdout) == [
        {
            "expected_departures": 0,
            "departed_on_time": 0,
            "out_of_country_overstays": 0,
            "suspected_in_country_overstays": 0,
            "in_status": 0,
            "total_overstay_rate": None,
            "in_country_overstay_rate": None,
        }
    ]


def test_csv_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    done = run(
        "--data",
        str(_case(tmp_path)),
        "--fiscal-year",
        "2025",
        "--as-of",
        "2025-06-01",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    lines = target.read_text().splitlines()
    assert lines[0].startswith("expected_departures,departed_on_time,")
    assert lines[1] == "2,1,0,1,0,0.500000,0.500000"


def test_a_bad_date_exits_2_naming_file_column_and_row_and_writes_nothing(tmp_path: Path) -> None:
    data = write_case(tmp_path, admissions=[("A1", "T1", "2024-11-01T10:00:00Z", "01/12/2024")])
    target = tmp_path / "report.json"
    done = run(
        "--data",
        str(data),
        "--fiscal-year",
        "2025",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
        "--output",
        str(target),
    )
    assert done.returncode == 2
    assert "admissions.csv" in done.stderr
    assert "column admit_until" in done.stderr
    assert "row 1" in done.stderr
    assert not target.exists()


def test_an_unknown_engine_exits_2(tmp_path: Path) -> None:
    done = run(
        "--data",
        str(_case(tmp_path)),
        "--fiscal-year",
        "2025",
        "--as-of",
        "2025-06-01",
        "--engine",
        "hadoop",
    )
    assert done.returncode == 2
    assert "--engine" in done.stderr


def test_an_impossible_cut_off_exits_2(tmp_path: Path) -> None:
    done = run("--data", str(_case(tmp_path)), "--fiscal-year", "2025", "--as-of", "2025-02-30")
    assert done.returncode == 2
    assert "--as-of" in done.stderr
