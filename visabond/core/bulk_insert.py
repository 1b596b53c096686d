"""Many new rows of one model in one go: by `COPY` on PostgreSQL, by `bulk_create` elsewhere.

Django's `bulk_create` on PostgreSQL sends a batch as arrays that psycopg quotes value by
value on the client (the connection binds parameters client-side): for a sweep chunk's
audit entries about ten times the time of `COPY` (docs/performance.md, "Sweep"). `COPY`
fires the tables' row and constraint triggers as an INSERT does, so the ledger's deferred
balance check still runs at commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

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
            readers = _readers(model)
            for row in rows:
                copy.write_row([read(row) for read in readers])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return list(rows)


# Fields whose value, when of exactly this type, is already what `get_db_prep_save` would
# give: the conversion of every value of a batch cost a fifth of an inbox batch's time
# (docs/performance.md, "Webhook confirmations").
_PLAIN: dict[str, type] = {
    "AutoField": int,
    "BigAutoField": int,
    "BigIntegerField": int,
    "BooleanField": bool,
    "CharField": str,
    "EmailField": str,
    "IntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "SlugField": str,
    "SmallIntegerField": int,
    "TextField": str,
}


@cache
def _readers(model: type[models.Model]) -> list[Callable[[Any], Any]]:
    """For each concrete field of `model`, in order, a function giving a row's value as the
    database takes it: `get_db_prep_save(pre_save(row))`, skipped for a value whose type is
    plain (`_PLAIN`) in a field that does not set its own value on save (`auto_now`)."""
    return [_reader(field) for field in model._meta.concrete_fields]


def _reader(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    def prepared(row: Any) -> Any:
        return field.get_db_prep_save(field.pre_save(row, add=True), connection)

    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = _PLAIN.get(target.get_internal_type())
    if plain is None or type(field).pre_save is not models.Field.pre_save:
        return prepared
    attname = field.attname

    def read(row: Any) -> Any:
        value = getattr(row, attname)
        if value is None or type(value) is plain:
            return value
        return prepared(row)

    return read
