"""Rule 5 (rates), the breakdowns, and the report's outputs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.stats.conftest import report, write_case
from visabond.core.errors import InvalidInput
from visabond.stats import output
from visabond.stats.method import FiscalYear, rate
from visabond.stats.runner import OverstayQuery


def test_rates_are_rounded_half_up_to_six_places() -> None:
    assert rate(1, 3) == Decimal("0.333333")
    assert rate(2, 3) == Decimal("0.666667")
    assert rate(1, 2_000_000) == Decimal("0.000001")
    assert rate(0, 5) == Decimal("0.000000")
    assert rate(0, 0) is None


def test_fiscal_year_runs_from_its_start_month_a_year_before() -> None:
    assert (FiscalYear(2025).first_day, FiscalYear(2025).last_day) == (
        dt.date(2024, 10, 1),
        dt.date(2025, 9, 30),
    )
    leap = FiscalYear(2024, start_month=3)
    assert (leap.first_day, leap.last_day) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))
    with pytest.raises(InvalidInput):
        FiscalYear(2025, start_month=13)


def test_an_unknown_breakdown_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        OverstayQuery(Path("."), FiscalYear(2025), dt.date(2025, 1, 1), by=("gender",))
    assert refused.value.field == "--by"


@pytest.fixture
def three_nationalities(tmp_path: Path) -> Path:
    """Mali: 3 expected, 1 late, 1 never; Gambia: 1 on time; Chad: nothing in the year."""
    return write_case(
        tmp_path,
        admissions=[
            ("A1", "T1", "MLI", "B1/B2", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A2", "T2", "MLI", "B1/B2", "IAD", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A3", "T3", "MLI", "F1", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A4", "T4", "GMB", "B1/B2", "BOS", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A5", "T5", "TCD", "B1/B2", "BOS", "2023-11-01T10:00:00Z", "2023-12-01"),
        ],
        departures=[
            ("D1", "T1", "2024-11-20T10:00:00Z"),
            ("D2", "T2", "2024-12-20T10:00:00Z"),
            ("D4", "T4", "2024-11-21T10:00:00Z"),
        ],
    )


def test_rates_count_both_overstays_over_expected_departures(
    three_nationalities: Path, engine: str
) -> None:
    rows = report(three_nationalities, engine, as_of="2025-06-01", by=("nationality",))
    assert [(r["nationality"], r["expected_departures"]) for r in rows] == [("GMB", 1), ("MLI", 3)]
    mali = rows[1]
    assert mali["total_overstay_rate"] == Decimal("0.666667")
    assert mali["in_country_overstay_rate"] == Decimal("0.333333")
    assert rows[0]["total_overstay_rate"] == Decimal("0.000000")


def test_a_group_with_nothing_expected_has_no_rate(three_nationalities: Path) -> None:
    (whole,) = report(three_nationalities, "duckdb", fiscal_year=2030, as_of="2030-01-01")
    assert whole["expected_departures"] == 0
    assert whole["total_overstay_rate"] is None
    assert whole["in_country_overstay_rate"] is None


def test_breakdown_by_three_columns_is_sorted_by_them(three_nationalities: Path) -> None:
    rows = report(
        three_nationalities, "duckdb", as_of="2025-06-01", by=("nationality", "visa_class", "port")
    )
    assert [(r["nationality"], r["visa_class"], r["port"]) for r in rows] == [
        ("GMB", "B1/B2", "BOS"),
        ("MLI", "B1/B2", "IAD"),
        ("MLI", "B1/B2", "JFK"),
        ("MLI", "F1", "JFK"),
    ]


def test_json_has_the_contract_keys_in_order(three_nationalities: Path) -> None:
    rows = report(three_nationalities, "duckdb", as_of="2025-06-01", by=("nationality",))
    decoded = json.loads(output.as_json(rows, ("nationality",)))
    assert list(decoded[1]) == [
        "nationality",
        "expected_departures",
        "departed_on_time",
        "out_of_country_overstays",
        "suspected_in_country_overstays",
        "in_status",
        "total_overstay_rate",
        "in_country_overstay_rate",
    ]
    assert decoded[1]["total_overstay_rate"] == 0.666667
    assert decoded[1]["out_of_country_overstays"] == 1


def test_parquet_output_keeps_exact_rates(three_nationalities: Path, tmp_path: Path) -> None:
    rows = report(three_nationalities, "duckdb", as_of="2025-06-01", by=("nationality",))
    target = tmp_path / "out.parquet"
    output.write_parquet(rows, ("nationality",), target)
    table = pq.read_table(target).to_pylist()
    assert table[1]["total_overstay_rate"] == Decimal("0.666667")
    assert table[1]["expected_departures"] == 3
    assert not list(tmp_path.glob(".*.partial"))
