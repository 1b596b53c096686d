"""On a generated year, DuckDB, Spark and a literal reading of the rules give the same counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.stats.conftest import report
from tests.stats.reference import reference_counts
from visabond.stats.method import COUNT_COLUMNS, FiscalYear
from visabond.stats.synthetic import generate_year


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("year")
    generate_year(directory, admissions=20_000, seed=7)
    return directory


@pytest.mark.parametrize("as_of", ["2025-03-31", "2025-12-31"])
def test_both_engines_match_the_literal_reading_of_the_rules(
    year: Path, engine: str, as_of: str
) -> None:
    cut_off = dt.date.fromisoformat(as_of)
    fy = FiscalYear(2025)
    expected = reference_counts(year, first=fy.first_day, last=fy.last_day, as_of=cut_off)
    (row,) = report(year, engine, as_of=as_of)
    assert {c: row[c] for c in COUNT_COLUMNS} == {c: expected[c] for c in COUNT_COLUMNS}
    assert expected["out_of_country_overstays"] > 0
    assert expected["suspected_in_country_overstays"] > 0


def test_both_engines_agree_by_nationality_and_bond(year: Path, spark: object) -> None:
    by = ("nationality", "bonded")
    assert report(year, "duckdb", as_of="2025-12-31", by=by) == report(
        year, "spark", as_of="2025-12-31", by=by
    )
