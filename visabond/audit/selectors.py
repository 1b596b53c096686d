"""Reads of the audit trail: its entries as chain links, and the head row."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from visabond.audit.chain import ChainLink, Head
from visabond.audit.models import AuditEvent, AuditHead


def audit_links() -> Iterator[ChainLink]:
    """Every entry in the order of its sequence, streamed (a trail can be long)."""
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        yield ChainLink(event.sequence, event.content(), event.previous_hash, event.hash)


def audit_head() -> Head | None:
    """The head row (newest sequence and hash), or None when the database has none."""
    row = AuditHead.objects.filter(pk=1).first()
    return None if row is None else Head(row.last_sequence, row.last_hash)


def audit_entries_ever_numbered() -> int:
    """How many entry rows the database has ever numbered, deleted ones included: the
    counter behind the table's key, which deleting rows does not turn back (SQLite's
    AUTOINCREMENT counter, PostgreSQL's identity sequence). 0 on another database."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))", [table]
            )
        else:
            return 0
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0
