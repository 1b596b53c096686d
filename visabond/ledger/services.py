"""Posting to the ledger: the one step through which money moves, once per idempotency key;
and a finance officer's correction, a reversal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.core.bulk_insert import rows_insert
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.core.writes import within_caller_transaction
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import (
    Account,
    Line,
    Side,
    Transaction,
    TransactionKind,
    balances,
    posting_details,
    reversal,
)
from visabond.ledger.selectors import account_balances


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
        LedgerEntry.objects.bulk_create(LedgerEntry.for_transaction(row, transaction))
        audit_record(
            AuditAction.LEDGER_POSTED,
            subject=row,
            actor=actor,
            details=posting_details(transaction, subject=subject, memo=memo),
        )
    return row


@dataclass(frozen=True, slots=True)
class Posting:
    """One movement for `ledger_post_many`, with what `ledger_post` takes beside it."""

    transaction: Transaction
    bond_id: int | None = None
    subject: str = ""
    memo: str = ""


def ledger_post_many(postings: Sequence[Posting], *, actor: Actor) -> list[LedgerTransaction]:
    """Post many balanced transactions at once, each under its idempotency key, once:
    what `ledger_post` does for each, in one insert of transactions and one of their lines.

    A step: runs inside the caller's transaction, which holds the locks on what the money
    belongs to (a set-based writer's guarded update of the bonds). Returns the rows in the
    order of `postings`. A key posted already (or twice in `postings`) with the same lines
    gives its first row and writes nothing; with other lines it raises `Conflict`
    (`ledger_key_reused`) before anything is written. Every new posting is an audit entry.
    On PostgreSQL the deferred balance triggers check each transaction at commit.
    """
    with within_caller_transaction("ledger_post_many"):
        keys = [p.transaction.key for p in postings]
        found = {
            row.key: row
            for row in LedgerTransaction.objects.filter(key__in=keys).prefetch_related("entries")
        }
        asked: dict[str, Transaction] = {}
        fresh: list[Posting] = []
        for posting in postings:
            key = posting.transaction.key
            if key in found:
                _refuse_different(found[key], posting.transaction)
            elif key in asked:
                _refuse_other_lines(asked[key], posting.transaction)
            else:
                asked[key] = posting.transaction
                fresh.append(posting)
        rows = rows_insert(
            [
                LedgerTransaction(
                    key=p.transaction.key,
                    kind=p.transaction.kind.value,
                    bond_id=p.bond_id,
                    memo=p.memo[:300],
                    actor_name=actor_name(actor),
                )
                for p in fresh
            ]
        )
        rows_insert(
            [
                entry
                for row, p in zip(rows, fresh, strict=True)
                for entry in LedgerEntry.for_transaction(row, p.transaction)
            ]
        )
        for row, p in zip(rows, fresh, strict=True):
            found[row.key] = row
            audit_record(
                AuditAction.LEDGER_POSTED,
                subject=row,
                actor=actor,
                details=posting_details(p.transaction, subject=p.subject, memo=p.memo),
            )
    return [found[key] for key in keys]


def _refuse_other_lines(first: Transaction, again: Transaction) -> None:
    if first.kind != again.kind or sorted(_lines(first)) != sorted(_lines(again)):
        raise Conflict(
            f"ledger key {first.key!r} was asked twice with other lines",
            code="ledger_key_reused",
            field="key",
        )


def _lines(transaction: Transaction) -> list[tuple[str, str, str, str]]:
    return [
        (line.account.value, line.side.value, line.amount.as_string(), line.amount.currency)
        for line in transaction.lines
    ]


def _refuse_different(existing: LedgerTransaction, transaction: Transaction) -> None:
    posted = sorted(
        (e.account, e.side, e.money.as_string(), e.currency) for e in existing.entries.all()
    )
    asked = sorted(_lines(transaction))
    if existing.kind != transaction.kind.value or posted != asked:
        raise Conflict(
            f"ledger key {transaction.key!r} was already posted with other lines",
            code="ledger_key_reused",
            field="key",
        )


def ledger_reverse(*, key: str, reason: str, actor: Actor) -> LedgerTransaction:
    """A finance officer's correction: post the reversal of the transaction posted under
    `key` (its lines with debits and credits exchanged), never an edit of it.

    An entry point. Refused (`Conflict`, field `key`) for a movement that something else's
    state depends on, which only its own lifecycle may undo: one tied to a bond
    (`ledger_reversal_bond`: a bond's balances must fit its state, so a bond's movement is
    corrected by the bond's own events), a refund's (`ledger_reversal_refund`: returned
    payments and paid refunds follow their refund), a reversal (`ledger_reversal_reversal`:
    post the movement again instead), one already reversed (`ledger_already_reversed`),
    and one whose reversal would leave an account below zero (`ledger_reversal_negative`,
    e.g. a receipt whose money was already applied or returned). In practice: a receipt
    recorded as unapplied by mistake. Raises `NotFound` (`ledger_key_not_found`) for an
    unknown key, `InvalidInput` (`reason_missing`) without a reason, `PermissionDenied`
    unless the actor is a finance officer (or an operator's process). Audited with the
    reason.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    why = reason.strip()
    if not why:
        raise InvalidInput(
            "say why the movement is reversed", code="reason_missing", field="reason"
        )
    with transaction.atomic(durable=True):
        original = (
            LedgerTransaction.objects.select_for_update()
            .filter(key=key)
            .prefetch_related("entries")
            .first()
        )
        if original is None:
            raise NotFound(
                f"no transaction was posted under {key!r}", code="ledger_key_not_found", field="key"
            )
        _refuse_reversal(original)
        lines = tuple(
            Line(Account(e.account), Side(e.side), e.money) for e in original.entries.all()
        )
        correction = reversal(
            Transaction(key=original.key, kind=TransactionKind(original.kind), lines=lines),
            key=f"reversal:{original.key}",
        )
        _refuse_negative(correction)
        row = ledger_post(
            correction,
            actor=actor,
            subject=original.key,
            memo=f"reverses {original.key}: {why}",
            reverses=original,
        )
        audit_record(
            AuditAction.LEDGER_REVERSED,
            subject=row,
            actor=actor,
            details={"reverses": original.key, "reversal": row.key, "reason": why},
        )
    return row


# Movements a refund's state stands on (`visabond.refunds`): undone only by their refund.
REFUND_KINDS = frozenset({TransactionKind.UNAPPLIED_RETURNED, TransactionKind.REFUND_PAID})


def _refuse_reversal(original: LedgerTransaction) -> None:
    refusals = [
        (
            original.bond_id is not None,
            "ledger_reversal_bond",
            "is a movement of a bond: its state depends on it, so the bond's own events correct it",
        ),
        (
            original.kind in REFUND_KINDS,
            "ledger_reversal_refund",
            "is a refund's movement: the refund's own lifecycle corrects it",
        ),
        (
            original.kind == TransactionKind.REVERSAL,
            "ledger_reversal_reversal",
            "is itself a reversal: post the movement again instead",
        ),
        (
            LedgerTransaction.objects.filter(reverses=original).exists(),
            "ledger_already_reversed",
            "was already reversed",
        ),
    ]
    for refused, code, why in refusals:
        if refused:
            raise Conflict(f"{original.key} {why}", code=code, field="key")


def _refuse_negative(correction: Transaction) -> None:
    now = account_balances()
    for (account, currency), change in balances(correction.lines).items():
        after = now.get((account, currency), Decimal(0)) + change
        if after < 0:
            raise Conflict(
                f"reversing it would leave {account} {currency} at {after}: its money has "
                "already moved on",
                code="ledger_reversal_negative",
                field="key",
            )
