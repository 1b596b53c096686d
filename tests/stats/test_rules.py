"""The hand-worked cases give exact counts, one case at a time and all at once, on both engines."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.stats.cases import CASES, Case
from tests.stats.conftest import counts, report, write_case


def _write(case: Case, directory: Path) -> Path:
    return write_case(
        directory,
        admissions=case.admissions,
        departures=case.departures,
        status_changes=case.status_changes,
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"rule{c.rule}-{c.name}")
def test_each_hand_worked_case_gives_its_counts_on_duckdb(case: Case, tmp_path: Path) -> None:
    rows = report(
        _write(case, tmp_path),
        "duckdb",
        fiscal_year=case.fiscal_year,
        start_month=case.start_month,
        as_of=case.as_of,
    )
    assert len(rows) == 1
    assert counts(rows[0]) == case.expected


def test_every_hand_worked_case_gives_its_counts_when_run_together(
    engine: str, tmp_path: Path
) -> None:
    """All cases sharing a fiscal year and cut-off in one directory, one nationality code each
    (so Spark starts a handful of jobs, not one per case): each group keeps its own counts."""
    batches: dict[tuple[int, int, str], list[tuple[int, Case]]] = defaultdict(list)
    for index, case in enumerate(CASES):
        batches[(case.fiscal_year, case.start_month, case.as_of)].append((index, case))
    wrong = []
    for (year, start, as_of), members in batches.items():
        directory = tmp_path / f"{year}-{start}-{as_of}"
        directory.mkdir()
        admissions, departures, changes = [], [], []
        for index, case in members:
            tag = f"C{index:02d}"
            admissions += [
                (f"{tag}{a}", f"{tag}{t}", tag, "B1/B2", "JFK", at, until)
                for a, t, at, until in case.admissions
            ]
            departures += [(f"{tag}{d}", f"{tag}{t}", at) for d, t, at in case.departures]
            changes += [(f"{tag}{a}", on, until) for a, on, until in case.status_changes]
        write_case(directory, admissions=admissions, departures=departures, status_changes=changes)
        rows = report(
            directory, engine, fiscal_year=year, start_month=start, as_of=as_of, by=("nationality",)
        )
        found = {row["nationality"]: counts(row) for row in rows}
        for index, case in members:
            got = found.get(f"C{index:02d}", (0, 0, 0, 0, 0))
            if got != case.expected:
                wrong.append(f"{case.name}: {got} != {case.expected}")
    assert wrong == []
