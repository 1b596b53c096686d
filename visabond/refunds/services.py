"""Writes of refunds going out: the batch sent to the bank, and a payment returned to its payer.

`refund_batch_create` is an entry point (docs/writes.md); `refund_payment_return` is a step
the payments' finance exception calls. No money moves when a batch is made: the amount stays
in refunds payable until the bank confirms the transfer (`confirmation_services`).

Concurrency: a batch locks the escrow accounts' rows first, so two batches made at once are
made one after the other, and the second sees the first's refunds as sent; the database
also refuses a second transfer in flight for one refund (`refund_one_transfer_in_flight`).
SQLite serialises writers with `BEGIN IMMEDIATE` (settings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.money import Money
from visabond.core.references import new_reference
from visabond.core.writes import within_caller_transaction
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post
from visabond.notices.services import Notice, notice_send
from visabond.refunds import pain001
from visabond.refunds.bank_accounts import BankAccount
from visabond.refunds.models import (
    EscrowAccount,
    Refund,
    RefundAccount,
    RefundBatch,
    RefundTransfer,
)
from visabond.refunds.rules import RefundState


@dataclass
class BatchOutcome:
    """What a batch run did: the batch made (None when nothing could be sent), and the refunds
    left waiting with why (no account from the obligor, no escrow account in the currency)."""

    batch: RefundBatch | None
    transfers: list[RefundTransfer] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)


def refund_batch_create(*, actor: Actor) -> BatchOutcome:
    """Put every refund that is due into one pain.001 batch, and mark each `sent`.

    An entry point for a finance officer (`PermissionDenied` for another role; a process such
    as `visabond refunds batch` acts as the operator). A cancelled bond is due a refund of
    its amount to its obligor; a rejected transfer's refund is due again, under a new
    end-to-end id. One payment block per currency, paid from that currency's escrow account,
    executed today. The document is validated against the ISO schema before anything is
    recorded (`InvalidInput`, `pain001_invalid`). Each obligor is told "refund sent" once the
    batch commits. Returns a `BatchOutcome`; its batch is None when nothing is due or
    everything due is waiting.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    with transaction.atomic(durable=True):
        escrow = {
            e.currency: e for e in EscrowAccount.objects.select_for_update().order_by("currency")
        }
        _open_bond_refunds()
        due = list(
            Refund.objects.select_for_update(of=("self",))
            .filter(state=RefundState.DUE)
            .select_related("bond__obligor__refund_account")
            .order_by("pk")
        )
        outcome = BatchOutcome(batch=None)
        ready: list[tuple[Refund, BankAccount]] = []
        for refund in due:
            creditor, why = _creditor(refund)
            if creditor is None:
                outcome.waiting.append((refund.number, why))
            elif refund.currency not in escrow:
                outcome.waiting.append(
                    (refund.number, f"no escrow account is recorded in {refund.currency}")
                )
            else:
                ready.append((refund, creditor))
        if ready:
            _send(ready, escrow, outcome, actor=actor)
    return outcome


def refund_payment_return(
    *,
    payment_reference: str,
    amount: Money,
    payee: BankAccount,
    reason: str,
    actor: Actor,
) -> Refund:
    """Return an unapplied payment to its payer: a finance officer's exception.

    A step: runs inside the caller's transaction (the payments' entry point, which holds the
    payment's row lock and has checked that the money is unapplied). Moves `amount` from
    unapplied receipts to refunds payable (`unapplied_returned`) and opens a refund to
    `payee` (an account checked by `bank_accounts.bank_account`), sent with the next batch.
    Idempotent on `payment_reference`: the same return again gives the same refund; the
    same reference with another amount raises `Conflict` (`payment_return_differs`).
    Raises `PermissionDenied` unless the actor is a finance officer (or a process), and
    `InvalidInput` (`reason_missing`) without a reason.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    reference = payment_reference.strip()
    if not reference:
        raise InvalidInput(
            "name the payment returned", code="payment_reference_missing", field="payment_reference"
        )
    why = reason.strip()
    if not why:
        raise InvalidInput("say why the payment is returned", code="reason_missing", field="reason")
    with within_caller_transaction("refund_payment_return"):
        existing = Refund.objects.filter(payment_reference=reference).first()
        if existing is not None:
            if existing.money != amount:
                raise Conflict(
                    f"payment {reference} is already being returned for {existing.money}",
                    code="payment_return_differs",
                    field="amount",
                )
            return existing
        refund = _created_refund(
            kind=Refund.Kind.PAYMENT_RETURN,
            payment_reference=reference,
            payee=payee.to_json(),
            amount=amount.amount,
            currency=amount.currency,
            reason=why[:300],
        )
        ledger_post(
            transfer(
                TransactionKind.UNAPPLIED_RETURNED,
                key=f"payment:{reference}:returned",
                amount=amount,
            ),
            actor=actor,
            subject=refund.number,
            memo=f"payment {reference} returned to its payer: {why}",
        )
        audit_record(
            AuditAction.REFUND_OPENED,
            subject=refund,
            actor=actor,
            details={
                "refund": refund.number,
                "payment_reference": reference,
                **amount.to_json(),
                "reason": why,
            },
        )
    return refund


def _open_bond_refunds() -> None:
    """A refund row for every cancelled bond that has none yet (a cancelled bond's money is
    already in refunds payable: the row only tracks its transfers)."""
    cancelled = Bond.objects.filter(state=BondState.CANCELLED, refund__isnull=True).order_by("pk")
    for bond in cancelled:
        _created_refund(
            kind=Refund.Kind.BOND,
            bond=bond,
            amount=bond.amount,
            currency=bond.currency,
            reason=bond.cancel_reason,
            opened_at=bond.state_changed_at,
        )


def _creditor(refund: Refund) -> tuple[BankAccount | None, str]:
    if refund.kind == Refund.Kind.PAYMENT_RETURN:
        return BankAccount.from_json(refund.payee), ""
    bond = refund.bond
    assert bond is not None  # a bond refund has its bond (a database constraint)
    try:
        account: RefundAccount | None = bond.obligor.refund_account if bond.obligor else None
    except RefundAccount.DoesNotExist:
        account = None
    if account is None:
        return None, f"bond {bond.number}: the obligor has not given a refund account"
    return account.bank_account(), ""


def _send(
    ready: list[tuple[Refund, BankAccount]],
    escrow: dict[str, EscrowAccount],
    outcome: BatchOutcome,
    *,
    actor: Actor,
) -> None:
    message_id = _fresh_message_id()
    today = clock.today()
    planned: list[tuple[Refund, pain001.CreditTransfer, str]] = []
    blocks = []
    for currency in sorted({refund.currency for refund, _ in ready}):
        block_id = f"{message_id}-{currency}"
        transfers = []
        for refund, creditor in ready:
            if refund.currency != currency:
                continue
            attempt = refund.transfers.count() + 1
            credit = pain001.CreditTransfer(
                end_to_end_id=f"{refund.number}-{attempt}",
                amount=refund.money,
                creditor=creditor,
                remittance=_remittance(refund),
            )
            transfers.append(credit)
            planned.append((refund, credit, block_id))
        blocks.append(
            pain001.PaymentBlock(
                payment_information_id=block_id,
                debtor=escrow[currency].bank_account(),
                currency=currency,
                execution_date=today,
                transfers=tuple(transfers),
            )
        )
    initiating_party = escrow[blocks[0].currency].holder_name
    document = pain001.pain001_document(
        pain001.Initiation(
            message_id=message_id,
            created_at=clock.now(),
            initiating_party=initiating_party,
            blocks=tuple(blocks),
        )
    )
    batch = RefundBatch.objects.create(
        message_id=message_id,
        created_by=actor_name(actor),
        execution_date=today,
        document=document.decode("utf-8"),
    )
    for refund, credit, block_id in planned:
        outcome.transfers.append(
            RefundTransfer.objects.create(
                refund=refund,
                batch=batch,
                attempt=int(credit.end_to_end_id.rsplit("-", 1)[1]),
                end_to_end_id=credit.end_to_end_id,
                payment_information_id=block_id,
                creditor=credit.creditor.to_json(),
                amount=refund.amount,
                currency=refund.currency,
            )
        )
        refund.state = RefundState.SENT
        refund.save(update_fields=["state"])
        _tell_obligor(refund, credit, today=today)
    audit_record(
        AuditAction.REFUND_BATCH_CREATED,
        subject=batch,
        actor=actor,
        details={
            "message_id": message_id,
            "transfers": [
                {"end_to_end_id": credit.end_to_end_id, "refund": refund.number}
                | credit.amount.to_json()
                for refund, credit, _ in planned
            ],
        },
    )
    outcome.batch = batch


def _remittance(refund: Refund) -> str:
    if refund.bond is not None:
        return f"Refund of visa bond {refund.bond.number}"
    return f"Return of payment {refund.payment_reference}"


def _tell_obligor(refund: Refund, credit: pain001.CreditTransfer, *, today: dt.date) -> None:
    bond = refund.bond
    if bond is None or bond.obligor is None:
        return
    notice_send(
        Notice.REFUND_SENT,
        recipient=bond.obligor,
        context={
            "bond_number": bond.number,
            "amount": str(refund.money),
            "sent_on": today.isoformat(),
            "payment_reference": credit.end_to_end_id,
        },
    )


def _created_refund(**fields: object) -> Refund:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Refund.objects.create(number=new_reference("R"), **fields)
        except IntegrityError as error:
            if "number" not in str(error).lower():
                raise
            continue  # pragma: no cover - a 40-bit collision, drawn again
    raise RuntimeError("no fresh refund number after five draws")


def _fresh_message_id() -> str:
    for _ in range(5):
        candidate = new_reference("RB", groups=3)
        if not RefundBatch.objects.filter(message_id=candidate).exists():
            return candidate
    raise RuntimeError("no fresh batch message id after five draws")  # pragma: no cover
