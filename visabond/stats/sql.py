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
    micros: str  # a TIMESTAMP -> microseconds since 1970-01-01 00:00 (BIGINT)
    day_number: str  # a DATE -> days since 1970-01-01 (integer)
    key_hash: str  # text -> a 64-bit hash, the traveller's sort key
    check_hash: str  # text -> a second 64-bit hash, independent of `key_hash`
    # The fast matching reads each event with the one before it in `sequence_source`,
    # over `OVER (sequence_window)`: each traveller's events, latest first.
    sequence_source: str
    sequence_window: str


# DuckDB's TIMESTAMPTZ honours a `+hh:mm` offset (its plain TIMESTAMP cast drops it); the
# connection's TimeZone is UTC, so the cast back gives the UTC wall clock.
DUCKDB = Dialect(
    name="duckdb",
    regex_match="regexp_matches",
    timestamp_from_text="CAST(TRY_CAST({x} AS TIMESTAMPTZ) AS TIMESTAMP)",
    # Through the epoch: a cast from TIMESTAMPTZ goes through the time-zone library per row.
    timestamp_from_native="make_timestamp(epoch_us({x}))",
    micros="epoch_us({x})",
    day_number="({x} - DATE '1970-01-01')",
    key_hash="hash({x})",
    # hash(a, b) combines hash(a) with hash(b), so it would collide wherever hash(a) does:
    # the second hash reads other bytes instead.
    check_hash="hash({x} || '~')",
    # One sort of all events (in parallel, spilling to disk if need be), then one pass in
    # that order: less memory than a window over as many partitions as travellers. The
    # pass is sequential (DuckDB's streaming window keeps the order it is given); the
    # method checks the order it saw anyway.
    sequence_source="(SELECT * FROM events ORDER BY key_ DESC, at2_ DESC) AS ordered_events",
    sequence_window="",
)
# Spark's session time zone is UTC, so TIMESTAMP (an instant) casts to the UTC date.
SPARK = Dialect(
    name="spark",
    regex_match="regexp_like",
    timestamp_from_text="TRY_CAST({x} AS TIMESTAMP)",
    timestamp_from_native="CAST({x} AS TIMESTAMP)",
    micros="unix_micros({x})",
    day_number="unix_date({x})",
    key_hash="xxhash64({x})",
    # xxhash64(a, b) hashes b seeded with the hash of a: another seed, another hash.
    check_hash="xxhash64('~', {x})",
    # Partitions keep each traveller on one executor.
    sequence_source="events",
    sequence_window="PARTITION BY key_ ORDER BY at2_ DESC",
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


def presence_sql(table: Table, present: Sequence[str], textual: set[str], *, source: str) -> str:
    """One row: for each required column of `table`, 1 when a value is missing, else 0.

    Written as counts and minimums of the stored column, so DuckDB answers it for Parquet
    from the files' statistics without reading the rows; "" when nothing is required.
    """
    flags = []
    for column in table.columns:
        if column.name not in present or not column.required:
            continue
        missing = f"COUNT(*) > COUNT({column.name})"
        if column.name in textual:
            missing += f" OR MIN({column.name}) = ''"
        flags.append(f"CASE WHEN {missing} THEN 1 ELSE 0 END")
    return f"SELECT {', '.join(flags)} FROM {source}" if flags else ""


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


# A traveller's events are sequenced by one integer: 2 * microseconds - 1 for an admission,
# 2 * microseconds for a departure, so an admission comes just before a departure at the
# same instant, and both before anything later.
_HALF_US_PER_DAY = 2 * 86_400_000_000
# The column the method adds to its counts: 1 when the fast matching met what it cannot
# settle alone and the exact matching must run instead.
DOUBT = "needs_exact_matching"


def method_sql(
    *,
    fiscal_year: FiscalYear,
    as_of: dt.date,
    by: Sequence[str],
    dialect: Dialect,
    exact: bool = False,
) -> str:
    """The overstay counts of `fiscal_year` known on `as_of`, one row per group of `by`.

    Columns: the `by` columns, then expected_departures, departed_on_time,
    out_of_country_overstays, suspected_in_country_overstays, in_status, and `DOUBT`. Rules
    1-4 of issue 15 (the DHS Entry/Exit Overstay Report method); rates are added by
    `visabond.stats.method.with_rates`.

    Matching (rule 3) is one ordered pass over admissions and departures together, each
    traveller's events by time. The exact form (`exact=True`) reads the rule literally: the
    first departure following the admission, kept when it is not after the next admission
    (so a departure at the very instant of the next admission is the departure of both);
    traveller ids are the text, admissions at one instant are ordered by `admission_id`.

    The fast form orders by a 64-bit hash of the traveller id and the instant, integers
    only, and looks at one neighbour: an admission's departure is the event just after it
    when that is a departure of the same traveller. That is the rule whenever no two
    traveller ids share the hash, no traveller has two admissions at one instant and no
    departure is at the instant of an admission of its traveller. It sees each of these
    (a second, independent hash of the id differs within one traveller's run; two
    admissions, or an admission and a departure, meet at one instant) and says so in
    `DOUBT`; the caller then runs the exact form. Both forms share every other line.

    Events that cannot change a count are left out: departures after the cut-off (not
    known yet) and admissions after it that are not expected in the year (a departure
    known by the cut-off comes before them, so they never end a stay that matters).
    """
    cut_off = _day(as_of)
    after_cut_off = f"TIMESTAMP '{(as_of + dt.timedelta(days=1)).isoformat()} 00:00:00'"
    cut_off_day = (as_of - dt.date(1970, 1, 1)).days
    groups = list(by)
    group_cols = "".join(f", {g}" for g in groups)
    group_nulls = "".join(
        f", CAST(NULL AS {'BOOLEAN' if g == 'bonded' else 'STRING'}) AS {g}" for g in groups
    )
    group_by = f"GROUP BY {', '.join(groups)}" if groups else ""
    in_year = f"admit_until BETWEEN {_day(fiscal_year.first_day)} AND {_day(fiscal_year.last_day)}"
    micros = dialect.micros
    if exact:
        key, check = "traveller_id", "0"
        tie, tie_null = ", admission_id AS tie_", ", CAST(NULL AS STRING) AS tie_"
        source, window = "events", "PARTITION BY key_ ORDER BY at2_, tie_"
        following = f"OVER ({window} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"
        first_departure = f"MIN(CASE WHEN at2_ % 2 = 0 THEN at2_ END) {following}"
        next_admission = f"MIN(CASE WHEN at2_ % 2 <> 0 THEN at2_ END) {following}"
        departed = (
            f"CASE WHEN {next_admission} IS NULL OR {first_departure} <= {next_admission} + 1 "
            f"THEN {first_departure} END"
        )
        doubt = "0"
    else:
        key = dialect.key_hash.format(x="traveller_id")
        check = dialect.check_hash.format(x="traveller_id")
        tie = tie_null = ""
        source, window = dialect.sequence_source, dialect.sequence_window
        # Latest first: the event before a row is the traveller's next one in time.
        after_key, after_at2 = "LAG(key_) OVER w", "LAG(at2_) OVER w"
        departed = f"CASE WHEN {after_key} = key_ AND {after_at2} % 2 = 0 THEN {after_at2} END"
        doubt = (
            f"CASE WHEN {after_key} = key_ AND (LAG(check_) OVER w <> check_ "
            f"OR (at2_ % 2 <> 0 AND {after_at2} IN (at2_, at2_ + 1))) THEN 1 "
            # Out of order: the sequence is not what the matching assumes.
            f"WHEN {after_key} < key_ OR ({after_key} = key_ AND {after_at2} < at2_) THEN 1 "
            "ELSE 0 END"
        )
    return f"""
WITH ranked_changes AS (
  SELECT admission_id, new_admit_until, ROW_NUMBER() OVER (
    PARTITION BY admission_id
    ORDER BY CASE WHEN new_admit_until IS NULL THEN 0 ELSE 1 END, decided_on DESC,
      new_admit_until DESC) AS rank_
  FROM status_changes WHERE decided_on <= {cut_off}
),
changes AS (
  SELECT admission_id, new_admit_until FROM ranked_changes WHERE rank_ = 1
),
stays AS (
  SELECT a.traveller_id, a.admission_id, a.admitted_at{"".join(f", a.{g}" for g in groups)},
    CASE WHEN c.admission_id IS NULL THEN a.admit_until ELSE c.new_admit_until END AS admit_until
  FROM admissions a LEFT JOIN changes c ON c.admission_id = a.admission_id
),
events AS (
  SELECT {key} AS key_, {check} AS check_, {micros.format(x="admitted_at")} * 2 - 1 AS at2_{tie},
    CASE WHEN {in_year} THEN {dialect.day_number.format(x="admit_until")} END AS until_day{group_cols}
  FROM stays WHERE admitted_at < {after_cut_off} OR {in_year}
  UNION ALL
  SELECT {key}, {check}, {micros.format(x="departed_at")} * 2{tie_null},
    CAST(NULL AS BIGINT){group_nulls}
  FROM departures WHERE departed_at < {after_cut_off}
),
sequenced AS (
  SELECT until_day{group_cols}, {departed} AS departed2, {doubt} AS doubt_
  FROM {source}
  WINDOW w AS ({window})
),
matched AS (
  SELECT until_day{group_cols}, departed2, doubt_,
    (until_day + 1) * {_HALF_US_PER_DAY} AS over2
  FROM sequenced WHERE until_day IS NOT NULL OR doubt_ = 1
)
SELECT {"".join(f"{g}, " for g in groups)}COUNT(until_day) AS expected_departures,
  COUNT(CASE WHEN departed2 < over2 THEN 1 END) AS departed_on_time,
  COUNT(CASE WHEN departed2 >= over2 THEN 1 END) AS out_of_country_overstays,
  COUNT(CASE WHEN departed2 IS NULL AND until_day < {cut_off_day} THEN 1 END)
    AS suspected_in_country_overstays,
  COUNT(CASE WHEN departed2 IS NULL AND until_day >= {cut_off_day} THEN 1 END) AS in_status,
  COALESCE(MAX(doubt_), 0) AS {DOUBT}
FROM matched
{group_by}
"""
