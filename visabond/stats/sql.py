"""The SQL of the overstay method, written once and run by DuckDB and by Spark SQL.

Both engines read the same text: only the few spellings the two dialects do not share (how
text becomes a UTC instant, the regular-expression function) come from a `Dialect`. The
engines register three typed relations, `admissions`, `departures` and `status_changes`
(timestamps as UTC wall-clock `TIMESTAMP`, dates as `DATE`), and run `method_sql` on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from visabond.stats.contract import Column, Kind, Table
from visabond.stats.method import FiscalYear

# ISO 8601 as both engines read it alike: a calendar date, optionally a time to the minute,
# second or microsecond, optionally `Z` or a `+hh:mm` offset. Anything else is refused before
# either engine guesses (Spark reads "2024" as a date, DuckDB reads "2024-1-5").
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


@dataclass(frozen=True)
class Dialect:
    """What DuckDB and Spark SQL spell differently; `{x}` stands for the column."""

    name: str
    regex_match: str  # a function (text, pattern) -> true when the pattern occurs
    timestamp_from_text: str  # ISO 8601 text -> UTC wall-clock TIMESTAMP, NULL when unreadable
    timestamp_from_native: str  # a stored timestamp (with or without zone) -> the same


# DuckDB's TIMESTAMPTZ honours a `+hh:mm` offset (its plain TIMESTAMP cast drops it); the
# connection's TimeZone is UTC, so the cast back gives the UTC wall clock.
DUCKDB = Dialect(
    name="duckdb",
    regex_match="regexp_matches",
    timestamp_from_text="CAST(TRY_CAST({x} AS TIMESTAMPTZ) AS TIMESTAMP)",
    # Through the epoch: a cast from TIMESTAMPTZ goes through the time-zone library per row.
    timestamp_from_native="make_timestamp(epoch_us({x}))",
)
# Spark's session time zone is UTC, so TIMESTAMP (an instant) casts to the UTC date.
SPARK = Dialect(
    name="spark",
    regex_match="regexp_like",
    timestamp_from_text="TRY_CAST({x} AS TIMESTAMP)",
    timestamp_from_native="CAST({x} AS TIMESTAMP)",
)

ROW = "row_number_"  # the 1-based data row each engine adds to a raw table


def _quote(words: Sequence[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def typed_expression(column: Column, *, textual: bool, dialect: Dialect) -> str:
    """The expression giving `column` its contract type from a raw value (NULL if unreadable).

    `textual` says the raw column is text (CSV, or Parquet text); otherwise it is stored typed.
    """
    x = f"NULLIF(CAST({column.name} AS STRING), '')" if textual else column.name
    if column.kind is Kind.TEXT:
        return f"NULLIF(CAST({column.name} AS STRING), '')"
    if column.kind is Kind.DATE:
        if not textual:
            return f"CAST({x} AS DATE)"
        return (
            f"CASE WHEN {dialect.regex_match}({x}, '{DATE_PATTERN}') THEN TRY_CAST({x} AS DATE) END"
        )
    if column.kind is Kind.TIMESTAMP:
        if not textual:
            return dialect.timestamp_from_native.format(x=x)
        return (
            f"CASE WHEN {dialect.regex_match}({x}, '{TIMESTAMP_PATTERN}') "
            f"THEN {dialect.timestamp_from_text.format(x=x)} END"
        )
    if not textual:
        return f"CAST({x} AS BOOLEAN)"
    return (
        f"CASE WHEN LOWER({x}) IN ({_quote(TRUE_WORDS)}) THEN TRUE "
        f"WHEN LOWER({x}) IN ({_quote(FALSE_WORDS)}) THEN FALSE END"
    )


@dataclass(frozen=True)
class Check:
    """One rule a table's rows must keep; `bad` is true on a row that breaks it."""

    column: str
    code: str
    bad: str
    problem: str  # says what is wrong with the value shown after it


def checks(table: Table, present: Sequence[str], textual: set[str]) -> list[Check]:
    """The row checks of `table` over a relation with raw columns and `t_<name>` typed ones."""
    found: list[Check] = []
    for column in table.columns:
        if column.name not in present:
            continue
        # A stored (typed) value is read as it is: only text can be empty or unreadable.
        is_text = column.name in textual
        raw = f"NULLIF(CAST({column.name} AS STRING), '')" if is_text else column.name
        typed = f"t_{column.name}"
        if column.required:
            found.append(Check(column.name, "value_missing", f"{raw} IS NULL", "is empty"))
        if column.kind is not Kind.TEXT and is_text:
            expected = {
                Kind.DATE: "a date (YYYY-MM-DD)",
                Kind.TIMESTAMP: "an ISO 8601 UTC timestamp (YYYY-MM-DDThh:mm:ssZ)",
                Kind.BOOLEAN: "true or false",
            }[column.kind]
            code = {Kind.DATE: "date_invalid", Kind.TIMESTAMP: "timestamp_invalid"}.get(
                column.kind, "boolean_invalid"
            )
            found.append(
                Check(
                    column.name,
                    code,
                    f"{raw} IS NOT NULL AND {typed} IS NULL",
                    f"is not {expected}",
                )
            )
    if table.name == "admissions":
        found.append(
            Check(
                "admit_until",
                "admit_until_before_admission",
                "t_admit_until < CAST(t_admitted_at AS DATE)",
                "is before the day of admission (admitted_at)",
            )
        )
    return found


def typed_select(
    table: Table, present: Sequence[str], textual: set[str], *, source: str, dialect: Dialect
) -> str:
    """SELECT of the raw relation `source` with each column typed as `t_<name>`, and the row."""
    parts = [f"{ROW}"]
    for column in table.columns:
        if column.name in present:
            parts.append(column.name)
            expression = typed_expression(column, textual=column.name in textual, dialect=dialect)
            parts.append(f"{expression} AS t_{column.name}")
    return f"SELECT {', '.join(parts)} FROM {source}"


def checks_sql(table: Table, found: Sequence[Check], *, typed_source: str) -> str:
    """One pass over a table: for each check, how many rows break it and the first such row."""
    columns = []
    for index, check in enumerate(found):
        columns.append(f"SUM(CASE WHEN {check.bad} THEN 1 ELSE 0 END) AS n{index}")
        columns.append(f"MIN(CASE WHEN {check.bad} THEN {ROW} END) AS r{index}")
    return f"SELECT {', '.join(columns)} FROM {typed_source}"


def duplicates_sql(table: Table, *, typed_source: str) -> str:
    """The first id of `table` that occurs twice, with how often and its first and last rows."""
    key = f"t_{table.unique}"
    return (
        f"SELECT {key} AS id, COUNT(*) AS n, MIN({ROW}) AS first_row, MAX({ROW}) AS last_row "
        f"FROM {typed_source} WHERE {key} IS NOT NULL GROUP BY {key} HAVING COUNT(*) > 1 "
        f"ORDER BY first_row LIMIT 1"
    )


def contract_view_sql(table: Table, present: Sequence[str], *, typed_source: str) -> str:
    """The table in the contract's names and types, as the method reads it."""
    columns = [f"t_{c.name} AS {c.name}" for c in table.columns if c.name in present]
    return f"SELECT {', '.join(columns)} FROM {typed_source}"


def _day(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def method_sql(*, fiscal_year: FiscalYear, as_of: dt.date, by: Sequence[str]) -> str:
    """The overstay counts of `fiscal_year` known on `as_of`, one row per group of `by`.

    Columns: the `by` columns, then expected_departures, departed_on_time,
    out_of_country_overstays, suspected_in_country_overstays, in_status. Rules 1-4 of
    issue 15 (the DHS Entry/Exit Overstay Report method); rates are added by
    `visabond.stats.method.with_rates`.

    Matching (rule 3) is one ordered pass per traveller over admissions and departures
    together, departures first at the same instant: an admission's departure is the event
    right after it when that is a departure (it lies before the next admission), or a
    departure at the very instant of the admission (which sorts just before it).
    """
    cut_off = _day(as_of)
    groups = list(by)
    from_stays = "".join(f", {g}" for g in groups)
    group_nulls = "".join(
        f", CAST(NULL AS {'BOOLEAN' if g == 'bonded' else 'STRING'}) AS {g}" for g in groups
    )
    order = "PARTITION BY traveller_id ORDER BY at_, kind, admission_id"
    group_by = f"GROUP BY {', '.join(groups)}" if groups else ""
    return f"""
WITH known_changes AS (
  SELECT admission_id, decided_on, new_admit_until FROM status_changes
  WHERE decided_on <= {cut_off}
),
removed AS (
  SELECT admission_id FROM known_changes WHERE new_admit_until IS NULL GROUP BY admission_id
),
extended AS (
  SELECT admission_id, new_admit_until FROM (
    SELECT admission_id, new_admit_until, ROW_NUMBER() OVER (
      PARTITION BY admission_id ORDER BY decided_on DESC, new_admit_until DESC) AS latest
    FROM known_changes WHERE new_admit_until IS NOT NULL
  ) ranked WHERE latest = 1
),
stays AS (
  SELECT a.admission_id, a.traveller_id, a.admitted_at{"".join(f", a.{g}" for g in groups)},
    COALESCE(e.new_admit_until, a.admit_until) AS admit_until,
    CASE WHEN r.admission_id IS NULL THEN 0 ELSE 1 END AS removed
  FROM admissions a
  LEFT JOIN extended e ON e.admission_id = a.admission_id
  LEFT JOIN removed r ON r.admission_id = a.admission_id
),
events AS (
  SELECT traveller_id, admitted_at AS at_, 1 AS kind, admission_id, admit_until, removed{from_stays}
  FROM stays
  UNION ALL
  SELECT traveller_id, departed_at AS at_, 0 AS kind, CAST(NULL AS STRING) AS admission_id,
    CAST(NULL AS DATE) AS admit_until, 0 AS removed{group_nulls}
  FROM departures WHERE CAST(departed_at AS DATE) <= {cut_off}
),
sequenced AS (
  SELECT kind, at_, admit_until, removed{from_stays},
    LEAD(kind) OVER ({order}) AS next_kind,
    LEAD(at_) OVER ({order}) AS next_at,
    MAX(CASE WHEN kind = 0 THEN at_ END) OVER (
      {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_departure_at
  FROM events
),
matched AS (
  SELECT admit_until{from_stays},
    CASE WHEN previous_departure_at = at_ THEN at_
         WHEN next_kind = 0 THEN next_at END AS departed_at
  FROM sequenced
  WHERE kind = 1 AND removed = 0
    AND admit_until BETWEEN {_day(fiscal_year.first_day)} AND {_day(fiscal_year.last_day)}
),
classified AS (
  SELECT {"".join(f"{g}, " for g in groups)}
    CASE WHEN departed_at IS NOT NULL AND CAST(departed_at AS DATE) <= admit_until THEN 1 ELSE 0 END AS on_time,
    CASE WHEN departed_at IS NOT NULL AND CAST(departed_at AS DATE) > admit_until THEN 1 ELSE 0 END AS out_of_country,
    CASE WHEN departed_at IS NULL AND admit_until >= {cut_off} THEN 1 ELSE 0 END AS in_status,
    CASE WHEN departed_at IS NULL AND admit_until < {cut_off} THEN 1 ELSE 0 END AS in_country
  FROM matched
)
SELECT {"".join(f"{g}, " for g in groups)}COUNT(*) AS expected_departures,
  COALESCE(SUM(on_time), 0) AS departed_on_time,
  COALESCE(SUM(out_of_country), 0) AS out_of_country_overstays,
  COALESCE(SUM(in_country), 0) AS suspected_in_country_overstays,
  COALESCE(SUM(in_status), 0) AS in_status
FROM classified
{group_by}
"""
