"""One overstay report on any SQL engine: read the three tables, check them, run the method.

The checks and the method are SQL (`visabond.stats.sql`); an engine (`visabond.stats.engines`)
only knows how to register a file as a relation, run a statement and fetch its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from visabond.core.errors import InvalidInput
from visabond.stats import sql
from visabond.stats.contract import GROUP_COLUMNS, TABLES, DataError, Kind, TableFile, locate
from visabond.stats.method import FiscalYear, with_rates

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    """A progress callback that says nothing (scripts, tests)."""


@dataclass(frozen=True)
class RawColumn:
    name: str
    type_name: str  # the engine's name of the stored type, for messages
    textual: bool
    kind: Kind | None  # the contract kind it can be read as without text parsing, if any


class SqlEngine(Protocol):
    """What the method needs of an engine; DuckDB and Spark provide it."""

    dialect: sql.Dialect
    name: str

    def register_raw(self, file: TableFile, name: str) -> list[RawColumn]:
        """Make `name` the file's rows as stored, with `row_number_` (may be NULL until
        `number_rows`) and return its columns."""
        ...

    def number_rows(self, name: str) -> None:
        """Give the raw relation `name` its true 1-based data row numbers (slow path)."""
        ...

    def create_view(self, name: str, query: str, *, materialize: bool = False) -> None: ...

    def proves_unique(self, name: str, column: str) -> bool:
        """True when the engine can show cheaply that `column` of raw `name` has no repeat
        (False means: not shown, run the full check)."""
        ...

    def fetch(self, query: str) -> list[tuple[Any, ...]]: ...

    def fetch_dicts(self, query: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class OverstayQuery:
    """A report: the fiscal year, the cut-off and the breakdown (issue 15, "Command")."""

    data_dir: Path
    fiscal_year: FiscalYear
    as_of: dt.date
    by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in self.by:
            if name not in GROUP_COLUMNS:
                raise InvalidInput(
                    f"cannot break down by {name!r}; choose among {', '.join(GROUP_COLUMNS)}",
                    code="group_unknown",
                    field="--by",
                )
        if len(set(self.by)) != len(self.by):
            raise InvalidInput("a column is named twice", code="group_repeated", field="--by")


def overstay_report(
    engine: SqlEngine,
    query: OverstayQuery,
    *,
    progress: Progress = no_progress,
    exact_matching: bool = False,
) -> list[dict[str, Any]]:
    """The report's rows: the `by` columns, the five counts and the two rates, sorted by group.

    Matching runs in its fast form, and again in its exact form when the fast one says it
    cannot settle the data (`visabond.stats.sql.method_sql`); `exact_matching` runs the
    exact form alone (slower; the same counts).

    Raises DataError (an InvalidInput naming file, column and row) when a table breaks the
    contract: a missing column, an empty required value, a value that is not a date or a
    timestamp, an admit-until before the admission, an id that occurs twice.
    """
    files = locate(query.data_dir)
    # Each table's ids are shown unique last, after the matching: an engine that proves it
    # in the background (DuckDB) then overlaps the proof with the rest. A table's repeated
    # id still comes before any problem of a later table, as if each were checked in turn.
    unproven: list[Callable[[], None]] = []
    try:
        for table in TABLES:
            progress(f"checking {files[table.name].path.name}")
            unproven.append(_load(engine, files[table.name], need=_needed(table.name, query.by)))
    except DataError:
        for settle in unproven:
            settle()
        raise
    progress("matching departures to admissions")
    rows = engine.fetch_dicts(_method(engine, query, exact=exact_matching))
    for settle in unproven:
        settle()
    if not exact_matching and any(row[sql.DOUBT] for row in rows):
        progress("matching again, exactly (ids sharing a hash, or events at one instant)")
        rows = engine.fetch_dicts(_method(engine, query, exact=True))
    result = [with_rates({k: v for k, v in row.items() if k != sql.DOUBT}) for row in rows]
    result.sort(key=lambda row: tuple(_sort_key(row[name]) for name in query.by))
    return result


def _method(engine: SqlEngine, query: OverstayQuery, *, exact: bool) -> str:
    return sql.method_sql(
        fiscal_year=query.fiscal_year,
        as_of=query.as_of,
        by=query.by,
        dialect=engine.dialect,
        exact=exact,
    )


def _sort_key(value: Any) -> tuple[int, str]:
    return (1, "") if value is None else (0, str(value))


def _needed(table_name: str, by: Sequence[str]) -> set[str]:
    """Optional columns the report reads: `bonded` only when the report is broken down by it."""
    return {"bonded"} if table_name == "admissions" and "bonded" in by else set()


def _load(engine: SqlEngine, file: TableFile, *, need: set[str]) -> Callable[[], None]:
    """Check `file` row by row and register it as the contract's relation.

    Returns what settles the uniqueness of its ids (raising DataError on a repeat), to be
    called before its rows are trusted.
    """
    table = file.table
    raw_name, typed_name = f"raw_{table.name}", f"typed_{table.name}"
    raw = {c.name: c for c in engine.register_raw(file, raw_name)}
    present = []
    for column in table.columns:
        if column.name not in raw:
            if column.optional_column and column.name not in need:
                continue
            raise DataError(
                f"the column {column.name} is missing (found: {', '.join(raw) or 'none'})",
                code="column_missing",
                file=file.path,
                column=column.name,
                row=None,
            )
        stored = raw[column.name]
        if not stored.textual and column.kind is not Kind.TEXT and stored.kind is None:
            raise DataError(
                f"is stored as {stored.type_name}; expected {column.kind.value} or ISO 8601 text",
                code="type_invalid",
                file=file.path,
                column=column.name,
                row=None,
            )
        present.append(column.name)
    textual = {name for name in present if raw[name].textual}
    parsed = any(table.column(name).kind is not Kind.TEXT for name in textual)
    typed = sql.typed_select(table, present, textual, source=raw_name, dialect=engine.dialect)
    # Text is parsed once: dates and times given as text are kept parsed; anything else
    # (Parquet as stored) is read where it lies.
    engine.create_view(typed_name, typed, materialize=parsed)
    problems = sql.checks(table, present, textual)
    presence = sql.presence_sql(table, present, textual, source=raw_name)
    if presence and not any(engine.fetch(presence)[0]):
        # Nothing is missing (the engine may know it from Parquet statistics alone): only
        # the checks that need the values themselves remain.
        problems = [check for check in problems if check.code != "value_missing"]
    if problems:
        counts = engine.fetch(sql.checks_sql(table, problems, typed_source=typed_name))[0]
        first = next((i for i, _ in enumerate(problems) if counts[2 * i]), None)
        if first is not None:
            row = counts[2 * first + 1]
            if row is None:
                engine.number_rows(raw_name)
                engine.create_view(typed_name, typed, materialize=parsed)
                row = engine.fetch(sql.checks_sql(table, problems, typed_source=typed_name))[0][
                    2 * first + 1
                ]
            _raise_row_problem(engine, file, problems[first], raw_name=raw_name, row=row)
    engine.create_view(table.name, sql.contract_view_sql(table, present, typed_source=typed_name))

    def settle_uniqueness() -> None:
        if table.unique and not engine.proves_unique(raw_name, table.unique):
            duplicate = engine.fetch(sql.duplicates_sql(table, typed_source=typed_name))
            if duplicate and duplicate[0][2] is None:
                engine.number_rows(raw_name)
                engine.create_view(typed_name, typed, materialize=parsed)
                duplicate = engine.fetch(sql.duplicates_sql(table, typed_source=typed_name))
            if duplicate:
                value, times, first_row, last_row = duplicate[0]
                raise DataError(
                    f"{value!r} occurs {times} times (first at row {first_row}, again at row "
                    f"{last_row}); each {table.unique} must be unique",
                    code="duplicate_id",
                    file=file.path,
                    column=table.unique,
                    row=last_row,
                )

    return settle_uniqueness


def _raise_row_problem(
    engine: SqlEngine, file: TableFile, check: sql.Check, *, raw_name: str, row: int
) -> None:
    shown = engine.fetch(
        f"SELECT CAST({check.column} AS STRING) FROM {raw_name} WHERE {sql.ROW} = {int(row)}"
    )
    value = shown[0][0] if shown else None
    if check.code == "admit_until_before_admission":
        admitted = engine.fetch(
            f"SELECT CAST(admitted_at AS STRING) FROM {raw_name} WHERE {sql.ROW} = {int(row)}"
        )[0][0]
        message = f"{value} is before the day of admission ({admitted})"
    elif value is None or value == "":
        message = check.problem
    else:
        message = f"{value!r} {check.problem}"
    raise DataError(message, code=check.code, file=file.path, column=check.column, row=int(row))
