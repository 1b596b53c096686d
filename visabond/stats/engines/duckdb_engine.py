"""DuckDB, embedded: reads Parquet where it lies and CSV through Arrow, in UTC whatever the TZ."""

from __future__ import annotations

import csv
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import numpy
import pyarrow as pa
import pyarrow.csv as pacsv

from visabond.stats import sql
from visabond.stats.contract import DataError, Kind, TableFile
from visabond.stats.runner import RawColumn

_NATIVE_KINDS = {
    "DATE": Kind.DATE,
    "TIMESTAMP": Kind.TIMESTAMP,
    "TIMESTAMP WITH TIME ZONE": Kind.TIMESTAMP,
    "TIMESTAMP_S": Kind.TIMESTAMP,
    "TIMESTAMP_MS": Kind.TIMESTAMP,
    "TIMESTAMP_NS": Kind.TIMESTAMP,
    "BOOLEAN": Kind.BOOLEAN,
}


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DuckDBEngine:
    """An in-process DuckDB connection of its own, with the session time zone set to UTC.

    `threads` and `memory_limit` (e.g. "6GB") bound what a run may take; DuckDB spills
    sorts to `temp_directory` beyond the limit.

    The proof that a table's ids are unique (`proves_unique`) starts as soon as the table is
    registered, on a one-thread DuckDB database of its own: it is one sequential pass, and
    beside the checks and the matching (whose ordered pass is sequential too) it runs on
    the core they leave idle instead of adding its time to theirs.
    """

    name = "duckdb"
    dialect = sql.DUCKDB

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        # Insertion order is kept (DuckDB's default): the matching reads events in the
        # order it sorted them, and the id check reads rows in file order.
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.connection = duckdb.connect(config=config)
        self._config = config
        # Set after connecting: the time-zone extension loads with the connection, and
        # without this DuckDB reads naive text and casts instants in the machine's zone.
        self.connection.execute("SET TimeZone = 'UTC'")
        self._arrow: dict[str, pa.Table] = {}
        self._files: dict[str, TableFile] = {}
        self._proofs: dict[tuple[str, str], Future[bool]] = {}
        self._proof_connections: list[duckdb.DuckDBPyConnection] = []
        self._proving = ThreadPoolExecutor(max_workers=2, thread_name_prefix="visabond-proof")

    def close(self) -> None:
        for proof_connection in self._proof_connections:
            proof_connection.interrupt()
        self._proving.shutdown(wait=True)
        for proof_connection in self._proof_connections:
            proof_connection.close()
        self.connection.close()

    def register_raw(self, file: TableFile, name: str) -> list[RawColumn]:
        self._files[name] = file
        if file.format == "parquet":
            try:
                self.connection.execute(_parquet_view(file.path, name))
            except duckdb.Error as error:
                raise DataError(
                    f"cannot be read as Parquet: {error}",
                    code="file_unreadable",
                    file=file.path,
                    column=None,
                    row=None,
                ) from error
        else:
            table = _read_csv(file.path)
            self._arrow[name] = table
            self.connection.register(f"{name}_arrow", table)
            self.connection.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {name}_arrow")
        described = self.connection.execute(f"DESCRIBE {name}").fetchall()
        unique = file.table.unique
        if unique and any(column == unique for column, *_ in described):
            self._start_proof(name, unique)
        return [
            RawColumn(
                column,
                type_name,
                textual=type_name == "VARCHAR",
                kind=_NATIVE_KINDS.get(type_name),
            )
            for column, type_name, *_ in described
            if column not in (sql.ROW, "file_row_number")
        ]

    def proves_unique(self, name: str, column: str) -> bool:
        """True when the ids strictly increase in file order, as a border system numbers them.

        One streaming pass comparing each id with the one before it, instead of a hash table
        of every id; any other order falls back to counting in SQL. The pass also checks
        that each row's predecessor is the row numbered one less: the comparisons then
        chain through the whole file whatever order DuckDB read it in. Waits for the pass
        started when `name` was registered, if any.
        """
        started = self._proofs.get((name, column))
        if started is None:
            return _increasing(self.connection, name, column)
        return started.result()

    def _start_proof(self, name: str, column: str) -> None:
        """Run `proves_unique`'s pass in the background, on a database that shares nothing.

        A cursor of this connection would share its threads (and wait on the matching);
        a second database reads the file (or the same Arrow table) on its own thread.
        """
        config = {**self._config, "threads": 1}
        proof_connection = duckdb.connect(config=config)
        file = self._files[name]
        if file.format == "parquet":
            proof_connection.execute(_parquet_view(file.path, name))
        else:
            proof_connection.register(name, self._arrow[name])

        def prove() -> bool:
            try:
                return _increasing(proof_connection, name, column)
            except duckdb.Error:
                # Not shown (interrupted, or unreadable): the full count decides.
                return False

        self._proof_connections.append(proof_connection)
        self._proofs[(name, column)] = self._proving.submit(prove)

    def number_rows(self, name: str) -> None:
        """Rows are numbered as they are read; nothing to do."""

    def create_view(self, name: str, query: str, *, materialize: bool = False) -> None:
        kind = "TABLE" if materialize else "VIEW"
        self.connection.execute(f"DROP VIEW IF EXISTS {name}")
        self.connection.execute(f"DROP TABLE IF EXISTS {name}")
        self.connection.execute(f"CREATE {kind} {name} AS {query}")

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(query).fetchall()

    def fetch_dicts(self, query: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(query)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _parquet_view(path: Path, name: str) -> str:
    return (
        f"CREATE OR REPLACE VIEW {name} AS SELECT * EXCLUDE (file_row_number), "
        f"file_row_number + 1 AS {sql.ROW} "
        f"FROM read_parquet({_literal(path)}, file_row_number = true)"
    )


def _increasing(connection: duckdb.DuckDBPyConnection, name: str, column: str) -> bool:
    """`DuckDBEngine.proves_unique`'s pass, on `connection`."""
    row, previous_row = sql.ROW, "previous_row_"
    broken, starts = connection.execute(
        f"SELECT COUNT(CASE WHEN {previous_row} IS NOT NULL AND NOT COALESCE("
        f"{row} = {previous_row} + 1 AND {column} > previous_id_, FALSE) THEN 1 END), "
        f"COUNT(CASE WHEN {previous_row} IS NULL THEN 1 END) "
        f"FROM (SELECT {row}, {column}, LAG({row}) OVER () AS {previous_row}, "
        f"LAG({column}) OVER () AS previous_id_ FROM {name})"
    ).fetchone() or (1, 0)
    return bool(broken == 0 and starts <= 1)


def _read_csv(path: Path) -> pa.Table:
    """Every column as text (empty as NULL), and the 1-based data row of each record."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid) as error:
        raise DataError(
            f"cannot be read as CSV with a header row: {error}",
            code="file_unreadable",
            file=path,
            column=None,
            row=None,
        ) from error
    return table.append_column(
        sql.ROW, pa.array(numpy.arange(1, table.num_rows + 1, dtype=numpy.int64))
    )
