"""Reads of the audit trail: its entries as chain links, and the head row."""

from __future__ import annotations

from collections.abc import Iterator

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
