"""Running an overstay report on the engine asked for: the entry point the CLI and the console share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from visabond.stats.engines import check_engine
from visabond.stats.runner import OverstayQuery, Progress, SqlEngine, no_progress, overstay_report


@contextmanager
def opened_engine(name: str, *, spark_master: str | None = None) -> Iterator[SqlEngine]:
    """The engine `name` ("duckdb" or "spark"), closed afterwards.

    A Spark session already running in this process is reused and left running; one started
    here is stopped at the end.
    """
    check_engine(name)
    if name == "duckdb":
        from visabond.stats.engines.duckdb_engine import DuckDBEngine

        engine = DuckDBEngine()
        try:
            yield engine
        finally:
            engine.close()
        return
    from pyspark.sql import SparkSession

    from visabond.stats.engines.spark_engine import SparkEngine, spark_session

    running = SparkSession.getActiveSession()
    session = running or spark_session(spark_master)
    try:
        yield SparkEngine(session)
    finally:
        if running is None:
            session.stop()


def overstays_run(
    query: OverstayQuery,
    *,
    engine: str = "duckdb",
    spark_master: str | None = None,
    progress: Progress = no_progress,
) -> list[dict[str, Any]]:
    """The report's rows for `query` (see `visabond.stats.runner.overstay_report`)."""
    with opened_engine(engine, spark_master=spark_master) as opened:
        return overstay_report(opened, query, progress=progress)


def parse_by(text: str | None) -> tuple[str, ...]:
    """`nationality,visa_class` -> ("nationality", "visa_class"); empty -> ()."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())
