"""Apache Spark (PySpark): the same SQL on a cluster, or in local mode on one machine.

The session time zone is UTC, so timestamps and their dates read alike on every executor
whatever the machines' zones. Row numbers for error messages are computed only when a
check fails (a pass with `zipWithIndex`, in file order), never on a clean run.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from visabond.stats import sql
from visabond.stats.contract import DataError, Kind, TableFile
from visabond.stats.runner import RawColumn

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

LOCAL_MASTER = "local[2]"


def spark_session(master: str | None = None) -> SparkSession:
    """A session for `master` (default `local[2]`), UTC, without the web UI, quiet logs.

    In local mode the driver binds to loopback: it needs no network and no name lookup.
    """
    from pyspark.sql import SparkSession

    master = master or LOCAL_MASTER
    builder = (
        SparkSession.builder.master(master)
        .appName("visabond-overstays")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _kind(type_name: str) -> Kind | None:
    if type_name == "date":
        return Kind.DATE
    if type_name.startswith("timestamp"):
        return Kind.TIMESTAMP
    if type_name == "boolean":
        return Kind.BOOLEAN
    return None


class SparkEngine:
    """Runs the overstay SQL through `session.sql`; the session is the caller's to stop."""

    name = "spark"
    dialect = sql.SPARK

    def __init__(self, session: SparkSession) -> None:
        self.session = session
        self._raw: dict[str, DataFrame] = {}

    def register_raw(self, file: TableFile, name: str) -> list[RawColumn]:
        from pyspark.errors import PySparkException
        from pyspark.sql import functions

        reader = self.session.read
        try:
            if file.format == "parquet":
                frame = reader.parquet(str(file.path))
            else:
                frame = reader.option("header", True).option("mode", "FAILFAST").csv(str(file.path))
            columns = frame.columns
        except PySparkException as error:
            raise DataError(
                f"cannot be read as {file.format}: {error}",
                code="file_unreadable",
                file=file.path,
                column=None,
                row=None,
            ) from error
        self._raw[name] = frame
        frame.withColumn(sql.ROW, functions.lit(None).cast("bigint")).createOrReplaceTempView(name)
        types = dict(frame.dtypes)
        return [
            RawColumn(
                column, types[column], textual=types[column] == "string", kind=_kind(types[column])
            )
            for column in columns
        ]

    def number_rows(self, name: str) -> None:
        from pyspark.sql.types import LongType, StructField, StructType

        frame = self._raw[name]
        indexed = frame.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
        schema = StructType([*frame.schema.fields, StructField(sql.ROW, LongType())])
        self.session.createDataFrame(indexed, schema).createOrReplaceTempView(name)

    def proves_unique(self, name: str, column: str) -> bool:
        """Spark always counts (a cluster's files are read in parallel, not in order)."""
        return False

    def create_view(self, name: str, query: str, *, materialize: bool = False) -> None:
        frame = self.session.sql(query)
        # Materializing would only pin a copy in memory: Spark re-reads text as cheaply.
        frame.createOrReplaceTempView(name)

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.session.sql(query).collect()]

    def fetch_dicts(self, query: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.session.sql(query).collect()]
