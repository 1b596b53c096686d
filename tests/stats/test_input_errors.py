"""Wrong data is refused with the file, the column and the row named; nothing is computed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.stats.conftest import report, write_case, write_table
from visabond.core.errors import InvalidInput
from visabond.stats.contract import DataError

GOOD = ("A1", "T1", "2024-11-01T10:00:00Z", "2024-12-01")


def refusal(directory: Path, engine: str = "duckdb") -> DataError:
    with pytest.raises(DataError) as raised:
        report(directory, engine, as_of="2025-06-01")
    return raised.value


def test_a_missing_column_is_named_with_its_file(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD])
    write_table(tmp_path / "departures.csv", ("departure_id", "traveller_id", "port"), [])
    error = refusal(tmp_path)
    assert error.code == "column_missing"
    assert error.file.name == "departures.csv"
    assert error.column == "departed_at"


def test_a_date_that_is_not_a_date_names_file_column_and_row(tmp_path: Path, engine: str) -> None:
    write_case(
        tmp_path,
        admissions=[
            GOOD,
            ("A2", "T2", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A3", "T3", "2024-11-01T10:00:00Z", "2024-02-30"),
        ],
    )
    error = refusal(tmp_path, engine)
    assert (error.file.name, error.column, error.row, error.code) == (
        "admissions.csv",
        "admit_until",
        3,
        "date_invalid",
    )
    assert "'2024-02-30'" in str(error)
    assert "row 3 (line 4)" in str(error)


@pytest.mark.parametrize(
    "bad", ["2024-11-01T25:00:00Z", "01/11/2024 10:00", "2024", "2024-11-01T10:00:00 UTC"]
)
def test_a_timestamp_that_is_not_iso_8601_is_refused(tmp_path: Path, bad: str) -> None:
    write_case(tmp_path, admissions=[GOOD], departures=[("D1", "T1", bad)])
    error = refusal(tmp_path)
    assert (error.file.name, error.column, error.row) == ("departures.csv", "departed_at", 1)


def test_an_admit_until_before_the_admission_is_refused(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD, ("A2", "T2", "2024-11-01T10:00:00Z", "2024-10-31")])
    error = refusal(tmp_path)
    assert (error.column, error.row, error.code) == (
        "admit_until",
        2,
        "admit_until_before_admission",
    )


def test_a_duplicate_admission_id_is_refused_at_its_second_row(tmp_path: Path, engine: str) -> None:
    write_case(tmp_path, admissions=[GOOD, ("A2", "T2", *GOOD[2:]), ("A1", "T3", *GOOD[2:])])
    error = refusal(tmp_path, engine)
    assert (error.column, error.row, error.code) == ("admission_id", 3, "duplicate_id")


def test_a_duplicate_departure_id_is_refused(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD], departures=[("D1", "T1", "2024-11-02T00:00:00Z")] * 2)
    error = refusal(tmp_path)
    assert (error.file.name, error.column, error.row) == ("departures.csv", "departure_id", 2)


def test_a_repeated_admission_id_is_reported_before_a_later_tables_problem(
    tmp_path: Path, engine: str
) -> None:
    # Uniqueness is settled after the matching; the tables still answer in their order.
    write_case(
        tmp_path,
        admissions=[GOOD, ("A1", "T2", *GOOD[2:])],
        departures=[("D1", "T1", "not a time")],
    )
    error = refusal(tmp_path, engine)
    assert (error.file.name, error.column, error.code) == (
        "admissions.csv",
        "admission_id",
        "duplicate_id",
    )


def test_an_empty_required_value_is_refused(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD, ("A2", "", "2024-11-01T10:00:00Z", "2024-12-01")])
    error = refusal(tmp_path)
    assert (error.column, error.row, error.code) == ("traveller_id", 2, "value_missing")


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD])
    (tmp_path / "status_changes.csv").unlink()
    with pytest.raises(InvalidInput) as raised:
        report(tmp_path, "duckdb", as_of="2025-06-01")
    assert raised.value.field == "status_changes"


def test_a_parquet_column_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD])
    (tmp_path / "admissions.csv").unlink()
    pq.write_table(
        pa.table(
            {
                "admission_id": ["A1"],
                "traveller_id": ["T1"],
                "nationality": ["MLI"],
                "visa_class": ["B1/B2"],
                "port": ["JFK"],
                "admitted_at": [20241101],
                "admit_until": ["2024-12-01"],
            }
        ),
        tmp_path / "admissions.parquet",
    )
    error = refusal(tmp_path)
    assert (error.file.name, error.column, error.code) == (
        "admissions.parquet",
        "admitted_at",
        "type_invalid",
    )


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[GOOD])
    (tmp_path / "admissions.csv").unlink()
    pq.write_table(
        pa.table(
            {
                "admission_id": ["A1", "A2"],
                "traveller_id": ["T1", "T2"],
                "nationality": ["MLI", "MLI"],
                "visa_class": ["B1/B2", "B1/B2"],
                "port": ["JFK", "JFK"],
                "admitted_at": ["2024-11-01T10:00:00Z", "2024-11-01T10:00:00Z"],
                "admit_until": ["2024-12-01", "not a date"],
            }
        ),
        tmp_path / "admissions.parquet",
    )
    error = refusal(tmp_path)
    assert (error.column, error.row) == ("admit_until", 2)
    assert "line" not in str(error)


@pytest.mark.parametrize("missing", [None, ""], ids=["null", "empty text"])
def test_a_missing_parquet_value_is_refused_with_its_row(
    tmp_path: Path, missing: str | None
) -> None:
    """Parquet says whether a column has missing values without reading it; the row of the
    first one is still named."""
    write_case(tmp_path, admissions=[GOOD])
    (tmp_path / "departures.csv").unlink()
    pq.write_table(
        pa.table(
            {
                "departure_id": ["D1", "D2", "D3"],
                "traveller_id": ["T1", missing, "T3"],
                "departed_at": pa.array([1_730_500_000_000_000] * 3, pa.timestamp("us", tz="UTC")),
                "port": ["JFK", "JFK", "JFK"],
            }
        ),
        tmp_path / "departures.parquet",
    )
    error = refusal(tmp_path)
    assert (error.file.name, error.column, error.row, error.code) == (
        "departures.parquet",
        "traveller_id",
        2,
        "value_missing",
    )
