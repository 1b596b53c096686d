"""The input contract of the overstay report: three tables, their columns and kinds.

A directory holds `admissions`, `departures` and `status_changes`, each as CSV with a header
row or as Parquet with the same columns (issue 15, "The contract"). Timestamps are UTC
instants (ISO 8601 text, or Parquet timestamps); dates are calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from visabond.core.errors import InvalidInput


class Kind(StrEnum):
    TEXT = "text"
    TIMESTAMP = "timestamp"
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # the value may not be empty
    optional_column: bool = False  # the column itself may be absent


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    unique: str | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ADMISSIONS = Table(
    "admissions",
    (
        Column("admission_id", Kind.TEXT),
        Column("traveller_id", Kind.TEXT),
        Column("nationality", Kind.TEXT, required=False),
        Column("visa_class", Kind.TEXT, required=False),
        Column("port", Kind.TEXT, required=False),
        Column("admitted_at", Kind.TIMESTAMP),
        Column("admit_until", Kind.DATE),
        # Not in the published contract: whether the traveller posted a visa bond, so the
        # designation assistant can compare bonded and unbonded travellers of one nationality.
        Column("bonded", Kind.BOOLEAN, required=False, optional_column=True),
    ),
    unique="admission_id",
)
DEPARTURES = Table(
    "departures",
    (
        Column("departure_id", Kind.TEXT),
        Column("traveller_id", Kind.TEXT),
        Column("departed_at", Kind.TIMESTAMP),
        Column("port", Kind.TEXT, required=False),
    ),
    unique="departure_id",
)
STATUS_CHANGES = Table(
    "status_changes",
    (
        Column("admission_id", Kind.TEXT),
        Column("decided_on", Kind.DATE),
        # Empty: a change to a status with no departure expected (rule 1).
        Column("new_admit_until", Kind.DATE, required=False),
    ),
)
TABLES = (ADMISSIONS, DEPARTURES, STATUS_CHANGES)

# What a report may be broken down by: the contract's three, and the optional bond flag.
GROUP_COLUMNS = ("nationality", "visa_class", "port", "bonded")

FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class TableFile:
    table: Table
    path: Path
    format: str  # "parquet" or "csv"


def locate(data_dir: Path) -> dict[str, TableFile]:
    """The file of each table in `data_dir`: `<table>.parquet` or `<table>.csv`.

    Raises InvalidInput (field `--data`) when the directory or a table is missing, or when a
    table is there in both formats (which one is meant would be a guess).
    """
    if not data_dir.is_dir():
        raise InvalidInput(f"{data_dir} is not a directory", code="data_missing", field="--data")
    found: dict[str, TableFile] = {}
    for table in TABLES:
        present = [
            TableFile(table, data_dir / f"{table.name}.{fmt}", fmt)
            for fmt in FORMATS
            if (data_dir / f"{table.name}.{fmt}").is_file()
        ]
        if not present:
            raise InvalidInput(
                f"{data_dir}: no {table.name}.parquet or {table.name}.csv",
                code="table_missing",
                field=f"{table.name}",
            )
        if len(present) > 1:
            raise InvalidInput(
                f"{data_dir}: both {table.name}.parquet and {table.name}.csv; keep one",
                code="table_ambiguous",
                field=f"{table.name}",
            )
        found[table.name] = present[0]
    return found


class DataError(InvalidInput):
    """A value of an input table that breaks the contract, located by file, column and row.

    `row` counts data rows from 1 (the header is not a row), so a CSV file's line is row + 1.
    """

    def __init__(
        self, message: str, *, code: str, file: Path, column: str | None, row: int | None
    ) -> None:
        where = [str(file)]
        if column:
            where.append(f"column {column}")
        if row is not None:
            where.append(f"row {row}" + (f" (line {row + 1})" if file.suffix == ".csv" else ""))
        super().__init__(message, code=code, field=", ".join(where))
        self.file, self.column, self.row = file, column, row
