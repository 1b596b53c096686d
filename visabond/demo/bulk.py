"""Rows written in bulk, table by table: by `COPY` on PostgreSQL (psycopg's copy), by batched
inserts on SQLite, with ids reserved from each table's sequence beforehand so rows can name
each other. For `visabond synth`; a row is a tuple in the model's column order (`row`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

# One table's rows: its model, and its rows as tuples in `columns(model)` order.
Rows = dict[type[models.Model], list[tuple[Any, ...]]]

_COLUMNS: dict[type[models.Model], list[str]] = {}


def columns(model: type[models.Model]) -> list[str]:
    """The table's columns (attnames) in the order rows are built."""
    if model not in _COLUMNS:
        _COLUMNS[model] = [f.attname for f in model._meta.concrete_fields]
    return _COLUMNS[model]


def row(model: type[models.Model], **values: Any) -> tuple[Any, ...]:
    """A row of `model` from every column's value (a missing one is a mistake: KeyError)."""
    return tuple(values[name] for name in columns(model))


class Ids:
    """Ids reserved for a batch: `counts` per table up front, others as they are asked for."""

    def __init__(self, counts: dict[type[models.Model], int]) -> None:
        self.counts = counts
        self.next_id: dict[type[models.Model], int] = {}
        self.last: dict[type[models.Model], int] = {}

    def next(self, model: type[models.Model]) -> int:
        if model not in self.next_id or self.next_id[model] > self.last[model]:
            size = self.counts.get(model, 1000)
            first = _reserve(model, size)
            self.next_id[model], self.last[model] = first, first + size - 1
        value = self.next_id[model]
        self.next_id[model] += 1
        return value


def _reserve(model: type[models.Model], size: int) -> int:
    """The first of `size` fresh ids of `model`'s table, reserved."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(s, nextval(s) + %s - 1) - %s + 1 "
                "FROM pg_get_serial_sequence(%s, 'id') AS s",
                [size, size, table],
            )
        else:
            # One writer at a time on SQLite (BEGIN IMMEDIATE): the largest id is ours to follow.
            # A later reservation in the same batch follows the ones already handed out.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - a model's own table
        row = cursor.fetchone()
    first = int(row[0])
    if connection.vendor != "postgresql":
        first = max(first, _SQLITE_NEXT.get(table, 0))
        _SQLITE_NEXT[table] = first + size
    return first


_SQLITE_NEXT: dict[str, int] = {}


def insert(rows: Rows, *, order: Sequence[type[models.Model]]) -> Counter[str]:
    """Write the batch's rows, table by table; on PostgreSQL the admissions' deciding
    departures are inserted with them, so their foreign key is checked at commit."""
    written: Counter[str] = Counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in order:
            table_rows = rows.get(model, [])
            if not table_rows:
                continue
            written[model._meta.db_table] += len(table_rows)
            _write(cursor, model, table_rows)
    return written


def _write(cursor: Any, model: type[models.Model], table_rows: Iterable[tuple[Any, ...]]) -> None:
    table, names_of = model._meta.db_table, columns(model)
    names = ", ".join(connection.ops.quote_name(c) for c in names_of)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in table_rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(names_of))
    cursor.executemany(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - a model's own table and columns
        [tuple(_sqlite(value) for value in row) for row in table_rows],
    )


def _sqlite(value: Any) -> Any:
    """A value as Django's SQLite backend stores it (naive UTC moments, text decimals)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
