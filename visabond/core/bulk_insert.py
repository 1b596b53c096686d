"""Many new rows of one model in one go: by `COPY` on PostgreSQL, by `bulk_create` elsewhere.

Django's `bulk_create` on PostgreSQL sends a batch as arrays that psycopg quotes value by
value on the client (the connection binds parameters client-side): for a sweep chunk's
audit entries about ten times the time of `COPY` (docs/performance.md, "Sweep"). `COPY`
fires the tables' row and constraint triggers as an INSERT does, so the ledger's deferred
balance check still runs at commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def rows_insert(rows: Sequence[M]) -> list[M]:
    """Insert `rows`, new instances of one model, and give each its primary key.

    A step's helper: runs inside the caller's transaction (a `COPY` is one statement). On
    PostgreSQL the ids are drawn from the table's sequence first (`nextval`, safe beside
    other writers) so rows inserted after may name these; elsewhere `bulk_create` sets them.
    Returns the rows, saved.
    """
    if not rows:
        return []
    model = type(rows[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(rows)
    meta = model._meta
    fields = meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        with cursor.cursor.copy(f"COPY {meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
                )
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return list(rows)
