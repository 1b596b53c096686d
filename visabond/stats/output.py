"""The report's rows as a table for people, CSV, JSON or Parquet (issue 15, "Command")."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from visabond.core.errors import InvalidInput
from visabond.stats.method import COUNT_COLUMNS, RATE_COLUMNS

FORMATS = ("table", "csv", "json", "parquet")


def report_columns(by: Sequence[str]) -> list[str]:
    """The columns in the contract's order: the `by` columns, five counts, two rates."""
    return [*by, *COUNT_COLUMNS, *RATE_COLUMNS]


def _json_value(value: Any) -> Any:
    # A rate is exact to 6 places; as a float its shortest repr gives the same digits.
    return float(value) if isinstance(value, Decimal) else value


def as_json(rows: Sequence[dict[str, Any]], by: Sequence[str]) -> str:
    """A JSON array, one object per group, keys in the contract's order; rates as numbers."""
    columns = report_columns(by)
    return json.dumps([{c: _json_value(row[c]) for c in columns} for row in rows], indent=2)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_csv(rows: Sequence[dict[str, Any]], by: Sequence[str]) -> str:
    """CSV with a header row; an undefined rate is an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = report_columns(by)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row[c]) for c in columns])
    return out.getvalue()


def as_table(rows: Sequence[dict[str, Any]], by: Sequence[str]) -> str:
    """Aligned columns for a terminal, rates as percentages to 4 places."""
    columns = report_columns(by)
    header = [c.replace("_", " ") for c in columns]
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = row[c]
            if c in RATE_COLUMNS:
                cells.append("n/a" if value is None else f"{value * 100:.4f}%")
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f"{value:,}")
            else:
                cells.append(_text(value) or "-")
        body.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    for cells in body:
        lines.append(
            "  ".join(
                cell.ljust(w) if i < len(by) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    return "\n".join(lines) + "\n"


def write_parquet(rows: Sequence[dict[str, Any]], by: Sequence[str], path: Path) -> None:
    """Parquet with counts as int64 and rates as decimal(9, 6), written whole or not at all."""
    columns = report_columns(by)
    types: dict[str, pa.DataType] = {c: pa.int64() for c in COUNT_COLUMNS}
    types |= {c: pa.decimal128(9, 6) for c in RATE_COLUMNS}
    types |= {c: pa.bool_() if c == "bonded" else pa.string() for c in by}
    table = pa.table(
        {c: pa.array([row[c] for row in rows], type=types[c]) for c in columns},
    )
    _write_whole(path, lambda target: pq.write_table(table, target))


def write_text(text: str, path: Path) -> None:
    """Write `text` to `path` through a temporary file, so a failed run leaves no half file."""
    _write_whole(path, lambda target: target.write_text(text, encoding="utf-8"))


def _write_whole(path: Path, write: Any) -> None:
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory", code="output_invalid", field="--output")
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write {path}: {error.strerror or error}",
            code="output_invalid",
            field="--output",
        ) from error
