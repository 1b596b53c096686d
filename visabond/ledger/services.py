"""Posting to the ledger: the one step through which money moves, once per idempotency key."""

from __future__ import annotations

from typing import Any

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.core.errors import Conflict
from visabond.core.writes import within_caller_transaction
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import Transaction


def ledger_post(
    transaction: Transaction,
    *,
    actor: Actor,
    bond_id: int | None = None,
    subject: str = "",
    memo: str = "",
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Post a balanced transaction under its idempotency key, once.

    A step: runs inside the caller's transaction (docs/writes.md), which holds the lock on
    what the money belongs to (the bond row, the payment row); `bond_id` ties the movement to
    its bond, `subject` names what it concerns in the audit entry (a bond or payment number). Posting a key already posted
    with the same lines returns the first posting and writes nothing: a retried delivery or
    a re-run command never moves money twice. The same key with other lines raises
    `Conflict` (`ledger_key_reused`): a key names one movement forever. Every posting is an
    audit entry.
    """
    with within_caller_transaction("ledger_post"):
        existing = (
            LedgerTransaction.objects.filter(key=transaction.key)
            .prefetch_related("entries")
            .first()
        )
        if existing is not None:
            _refuse_different(existing, transaction)
            return existing
        row = LedgerTransaction.objects.create(
            key=transaction.key,
            kind=transaction.kind.value,
            bond_id=bond_id,
            reverses=reverses,
            memo=memo[:300],
            actor_name=actor_name(actor),
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                transaction=row,
                account=line.account.value,
                side=line.side.value,
                amount=line.amount.amount,
                currency=line.amount.currency,
            )
            for line in transaction.lines
        )
        audit_record(
            AuditAction.LEDGER_POSTED,
            subject=row,
            actor=actor,
            details=_details(transaction, subject=subject, memo=memo),
        )
    return row


def _refuse_different(existing: LedgerTransaction, transaction: Transaction) -> None:
    posted = sorted(
        (e.account, e.side, e.money.as_string(), e.currency) for e in existing.entries.all()
    )
    asked = sorted(
        (line.account.value, line.side.value, line.amount.as_string(), line.amount.currency)
        for line in transaction.lines
    )
    if existing.kind != transaction.kind.value or posted != asked:
        raise Conflict(
            f"ledger key {transaction.key!r} was already posted with other lines",
            code="ledger_key_reused",
            field="key",
        )


def _details(transaction: Transaction, *, subject: str, memo: str) -> dict[str, Any]:
    return {
        "key": transaction.key,
        "kind": transaction.kind.value,
        "subject": subject,
        "memo": memo,
        "lines": [
            {
                "account": line.account.value,
                "side": line.side.value,
                **line.amount.to_json(),
            }
            for line in transaction.lines
        ],
    }
