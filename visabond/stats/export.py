"""Writing the system's own records in the report's input contract, as Parquet.

The border records (admissions, departures, status changes) come from whichever module
provides them: `contract_export` takes plain iterables of dicts with the contract's column
names, so the border app plugs in by handing over its querysets' `.values(...)`.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from visabond.core.errors import InvalidInput
from visabond.stats.contract import ADMISSIONS, DEPARTURES, STATUS_CHANGES, Kind, Table

# The module that will hold the border records; it provides `export_sources()` returning
# {"admissions": iterable, "departures": iterable, "status_changes": iterable}.
BORDER_SOURCES = "visabond.border.exports"

_TYPES = {
    Kind.TEXT: pa.string(),
    Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    Kind.DATE: pa.date32(),
    Kind.BOOLEAN: pa.bool_(),
}


def _schema(table: Table) -> pa.Schema:
    return pa.schema([(c.name, _TYPES[c.kind]) for c in table.columns])


def contract_export(
    directory: Path,
    *,
    sources: Mapping[str, Iterable[Mapping[str, Any]]],
    batch_rows: int = 500_000,
) -> dict[str, int]:
    """Write admissions, departures and status_changes as Parquet in `directory`.

    Each source yields mappings with the contract's column names (moments aware UTC
    datetimes, days dates). The files appear together or not at all: they are written in a
    temporary directory beside `directory` and moved in at the end. Returns rows per table.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=directory))
    written: dict[str, int] = {}
    try:
        for table in (ADMISSIONS, DEPARTURES, STATUS_CHANGES):
            schema = _schema(table)
            count = 0
            with pq.ParquetWriter(staging / f"{table.name}.parquet", schema) as writer:
                batch: list[Mapping[str, Any]] = []
                for record in sources[table.name]:
                    batch.append(record)
                    if len(batch) >= batch_rows:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        count += len(batch)
                        batch = []
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
            written[table.name] = count
        for name in written:
            (staging / f"{name}.parquet").replace(directory / f"{name}.parquet")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def border_sources() -> Mapping[str, Iterable[Mapping[str, Any]]]:
    """The installation's border records, or InvalidInput when it keeps none yet."""
    try:
        module = importlib.import_module(BORDER_SOURCES)
    except ModuleNotFoundError:
        raise InvalidInput(
            "this installation keeps no border records yet (admissions, departures and status "
            "changes arrive with the border module); run the report on files instead",
            code="no_border_records",
            field="export",
        ) from None
    sources: Mapping[str, Iterable[Mapping[str, Any]]] = module.export_sources()
    return sources
