"""`visabond report overstays --data DIR --fiscal-year Y --as-of D [...]`: the DHS overstay report.

Reads admissions, departures and status changes from DIR (CSV or Parquet), applies the
method of `visabond.stats` on DuckDB (default) or Spark, prints or writes the counts and
rates. Exit 2 on bad input, with the file, column and row named; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.dates import parse_date
from visabond.core.errors import InvalidInput
from visabond.stats import output
from visabond.stats.engines import ENGINES, check_engine
from visabond.stats.method import FiscalYear
from visabond.stats.progress import TerminalProgress
from visabond.stats.reports import overstays_run, parse_by
from visabond.stats.runner import OverstayQuery, no_progress


class Command(VisabondCommand):
    help = "National statistics: the DHS Entry/Exit Overstay Report method."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="REPORT")
        overstays = actions.add_parser("overstays", help="expected departures and overstay rates")
        overstays.add_argument("--data", required=True, type=Path, metavar="DIR")
        overstays.add_argument("--fiscal-year", required=True, metavar="Y")
        overstays.add_argument(
            "--as-of", required=True, metavar="D", help="cut-off date, YYYY-MM-DD"
        )
        overstays.add_argument(
            "--by", default="", metavar="COLUMNS", help="nationality,visa_class,port"
        )
        overstays.add_argument("--engine", default="duckdb", metavar="|".join(ENGINES))
        overstays.add_argument("--spark-master", default=None, metavar="URL")
        overstays.add_argument("--format", default="table", metavar="|".join(output.FORMATS))
        overstays.add_argument("--output", type=Path, default=None, metavar="FILE")
        overstays.add_argument(
            "--fiscal-year-start", default="10", metavar="MONTH", help="first month (default 10)"
        )
        overstays.add_argument("--quiet", action="store_true", help="no progress on the terminal")
        snapshot = actions.add_parser(
            "snapshot", help="save the report by nationality (and bond) for the console"
        )
        snapshot.add_argument("--data", required=True, type=Path, metavar="DIR")
        snapshot.add_argument("--fiscal-year", required=True, metavar="Y")
        snapshot.add_argument("--as-of", required=True, metavar="D")
        snapshot.add_argument("--engine", default="duckdb", metavar="|".join(ENGINES))
        snapshot.add_argument("--spark-master", default=None, metavar="URL")
        snapshot.add_argument("--fiscal-year-start", default="10", metavar="MONTH")
        snapshot.add_argument(
            "--by-user", default="operator", metavar="NAME", help="recorded as its author"
        )

    def run(self, **options: Any) -> int:
        if options["action"] == "snapshot":
            return self._snapshot(options)
        query, fmt = _query(options)
        engine = check_engine(options["engine"])
        destination: Path | None = options["output"]
        if fmt == "parquet" and destination is None:
            raise InvalidInput(
                "Parquet needs a file: add --output FILE", code="output_missing", field="--output"
            )
        if options["quiet"]:
            rows = overstays_run(
                query, engine=engine, spark_master=options["spark_master"], progress=no_progress
            )
        else:
            with TerminalProgress() as progress:
                rows = overstays_run(
                    query, engine=engine, spark_master=options["spark_master"], progress=progress
                )
        if fmt == "parquet":
            assert destination is not None
            output.write_parquet(rows, query.by, destination)
            return 0
        text = {"table": output.as_table, "csv": output.as_csv, "json": output.as_json}[fmt](
            rows, query.by
        )
        if destination is None:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
        else:
            output.write_text(text if text.endswith("\n") else text + "\n", destination)
        return 0

    def _snapshot(self, options: dict[str, Any]) -> int:
        from visabond.stats.services import overstay_snapshot_take

        query, _ = _query(options | {"format": "table", "by": ""})
        with TerminalProgress() as progress:
            snapshot = overstay_snapshot_take(
                data_dir=query.data_dir,
                fiscal_year=query.fiscal_year,
                as_of=query.as_of,
                engine=check_engine(options["engine"]),
                spark_master=options["spark_master"],
                actor=options["by_user"],
                progress=progress,
            )
        self.stdout.write(
            f"snapshot {snapshot.pk}: FY{snapshot.fiscal_year} as of {snapshot.as_of}, "
            f"{len(snapshot.rows)} groups, data {snapshot.data_fingerprint[:12]}, {snapshot.seconds} s"
        )
        return 0


def _query(options: dict[str, Any]) -> tuple[OverstayQuery, str]:
    fmt = options["format"]
    if fmt not in output.FORMATS:
        raise InvalidInput(
            f"unknown format {fmt!r}; choose {', '.join(output.FORMATS)}",
            code="format_unknown",
            field="--format",
        )
    return (
        OverstayQuery(
            data_dir=options["data"],
            fiscal_year=FiscalYear(
                _integer(options["fiscal_year"], "--fiscal-year"),
                start_month=_integer(options["fiscal_year_start"], "--fiscal-year-start"),
            ),
            as_of=parse_date(options["as_of"], field="--as-of"),
            by=parse_by(options["by"]),
        ),
        fmt,
    )


def _integer(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a whole number", code="number_invalid", field=field
        ) from None
