"""Writes of the bank's answers: a pain.002 status report settles the transfers it names.

Entry points (docs/writes.md). A file is first kept as received, in a transaction of its
own, so that whatever happens next it is never lost; it is then processed as a whole in a
second transaction: every transfer it names must be known and every status must agree with
what is recorded, or nothing is applied and the file is held with its problem for a finance
officer (`visabond refunds confirm --reprocess` tries held files again).

A paid transfer moves the refund out of the ledger (refunds payable -> escrow cash,
`refund_paid`) and a bond to `refunded` (`bond_event_apply`, CONFIRM_REFUND); a rejected one
puts its refund back to `due` for the next batch, its reason kept. The same file imported
twice is recognised by its SHA-256 and changes nothing; two imports at once are serialised
by the file's row lock, and each transfer's row is locked before its state is read, so a
status reported by two different files is applied once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent
from visabond.bonds.services import bond_event_apply, bond_locked
from visabond.core import clock
from visabond.core.errors import InvalidInput, VisabondError
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post
from visabond.refunds.models import ConfirmationFile, Refund, RefundBatch, RefundTransfer
from visabond.refunds.pain002 import Status, StatusReport, pain002_read
from visabond.refunds.rules import (
    Outcome,
    RefundState,
    TransferState,
    outcome_of,
    transfer_settle,
)


@dataclass
class ConfirmationOutcome:
    """What importing one file did: the file row, and the transfers paid and rejected.

    `already` is True when the file had been processed before (nothing changed)."""

    file: ConfirmationFile
    already: bool = False
    paid: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    interim: list[str] = field(default_factory=list)


def refund_confirmation_import(*, content: bytes, name: str, actor: Actor) -> ConfirmationOutcome:
    """Import a bank's pain.002 status report for the refund transfers it names.

    An entry point for a finance officer (`PermissionDenied` for another role). The file is
    kept first; then, in one transaction, ACSC/ACCP pay a transfer and RJCT rejects it with
    its reason (`rules.outcome_of`). Raises `InvalidInput` naming the rule when the file
    cannot be applied, after holding it: `pain002_*` (unreadable, not a status report),
    `end_to_end_id_unknown` (field `OrgnlEndToEndId`, naming the ids),
    `original_message_unknown` (field `OrgnlMsgId`); `Conflict`
    `transfer_status_contradicts` when the bank reverses a final status. Importing a
    processed file again returns with `already` set and changes nothing.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic(durable=True):
        kept, created = ConfirmationFile.objects.get_or_create(
            sha256=digest,
            defaults={"name": name[:255], "content": content, "received_by": actor_name(actor)},
        )
        if created:
            audit_record(
                AuditAction.CONFIRMATION_RECEIVED,
                subject=kept,
                actor=actor,
                details={"file": name, "sha256": digest},
            )
    return _processed(kept.pk, actor=actor)


def refund_confirmations_reprocess(*, actor: Actor) -> list[ConfirmationOutcome | VisabondError]:
    """Try every held confirmation file again, oldest first.

    An entry point for a finance officer. Each file is processed in a transaction of its
    own; a file that still cannot be applied stays held and its error is returned in its
    place, so one bad file does not keep the others back.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    with transaction.atomic(durable=True):
        held = list(
            ConfirmationFile.objects.filter(state=ConfirmationFile.State.HELD)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    results: list[ConfirmationOutcome | VisabondError] = []
    for pk in held:
        try:
            results.append(_processed(pk, actor=actor))
        except VisabondError as error:
            results.append(error)
    return results


def _processed(file_id: int, *, actor: Actor) -> ConfirmationOutcome:
    try:
        with transaction.atomic(durable=True):
            kept = ConfirmationFile.objects.select_for_update().get(pk=file_id)
            outcome = ConfirmationOutcome(file=kept)
            if kept.state == ConfirmationFile.State.PROCESSED:
                outcome.already = True
                return outcome
            report = pain002_read(bytes(kept.content))
            _apply(report, kept, outcome, actor=actor)
            kept.state = ConfirmationFile.State.PROCESSED
            kept.problem = ""
            kept.original_message_id = report.original_message_id[:35]
            kept.processed_at = clock.now()
            kept.save()
            audit_record(
                AuditAction.CONFIRMATION_PROCESSED,
                subject=kept,
                actor=actor,
                details={
                    "original_message_id": report.original_message_id,
                    "paid": outcome.paid,
                    "rejected": outcome.rejected,
                    "interim": outcome.interim,
                },
            )
            return outcome
    except VisabondError as error:
        _hold(file_id, error, actor=actor)
        raise


def _hold(file_id: int, error: VisabondError, *, actor: Actor) -> None:
    with transaction.atomic(durable=True):
        kept = ConfirmationFile.objects.select_for_update().get(pk=file_id)
        kept.state = ConfirmationFile.State.HELD
        kept.problem = f"{error.code}: {error.message}"
        kept.save(update_fields=["state", "problem"])
        audit_record(
            AuditAction.CONFIRMATION_HELD,
            subject=kept,
            actor=actor,
            details={"code": error.code, "field": error.field, "message": error.message},
        )


def _apply(
    report: StatusReport, kept: ConfirmationFile, outcome: ConfirmationOutcome, *, actor: Actor
) -> None:
    """Settle what the report names; every check is made before the first write."""
    named = _transfers_named(report)
    decisions: list[tuple[RefundTransfer, Status, Outcome]] = []
    for item in named:
        status = report.status_of(item.end_to_end_id, item.payment_information_id)
        if status is None:
            continue
        result = outcome_of(status.code)
        if transfer_settle(TransferState(item.state), result, end_to_end_id=item.end_to_end_id):
            decisions.append((item, status, result))
        elif result is Outcome.INTERIM and item.state == TransferState.SENT:
            outcome.interim.append(item.end_to_end_id)
    for item, status, result in decisions:
        if result is Outcome.PAID:
            _pay(item, status, kept, actor=actor)
            outcome.paid.append(item.end_to_end_id)
        else:
            _reject(item, status, kept, actor=actor)
            outcome.rejected.append(item.end_to_end_id)


def _transfers_named(report: StatusReport) -> list[RefundTransfer]:
    """The transfers the report reaches, locked: those it names one by one, and, when it
    gives a status to a whole message or block, every transfer of it."""
    ids = sorted(report.transfers)
    found = {
        t.end_to_end_id: t
        for t in RefundTransfer.objects.select_for_update().filter(end_to_end_id__in=ids)
    }
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(
            f"the bank reports on transfers we never sent: {', '.join(unknown)}; nothing is "
            "applied and the file is kept",
            code="end_to_end_id_unknown",
            field="OrgnlEndToEndId",
        )
    if report.group is None and not report.blocks:
        return sorted(found.values(), key=lambda t: t.pk)
    batch = RefundBatch.objects.filter(message_id=report.original_message_id).first()
    if batch is None:
        raise InvalidInput(
            f"the bank reports on a message we never sent: {report.original_message_id}; "
            "nothing is applied and the file is kept",
            code="original_message_unknown",
            field="OrgnlMsgId",
        )
    whole = RefundTransfer.objects.select_for_update().filter(batch=batch).order_by("pk")
    return list(whole) + [t for t in found.values() if t.batch_id != batch.pk]


def _pay(item: RefundTransfer, status: Status, kept: ConfirmationFile, *, actor: Actor) -> None:
    _settle(item, TransferState.PAID, status, kept)
    refund = (
        Refund.objects.select_for_update(of=("self",)).select_related("bond").get(pk=item.refund_id)
    )
    refund.state = RefundState.PAID
    refund.paid_at = clock.now()
    refund.save(update_fields=["state", "paid_at"])
    why = f"transfer {item.end_to_end_id} confirmed by the bank ({status.code})"
    if refund.bond is not None:
        bond_event_apply(
            bond_locked(refund.bond.number), BondEvent.CONFIRM_REFUND, actor=actor, reason=why
        )
    else:
        ledger_post(
            transfer(
                TransactionKind.REFUND_PAID, key=f"refund:{refund.number}:paid", amount=refund.money
            ),
            actor=actor,
            subject=refund.number,
            memo=f"refund {refund.number}: {why}",
        )
    audit_record(
        AuditAction.REFUND_PAID,
        subject=refund,
        actor=actor,
        details={
            "refund": refund.number,
            "end_to_end_id": item.end_to_end_id,
            "status": status.code,
        },
    )


def _reject(item: RefundTransfer, status: Status, kept: ConfirmationFile, *, actor: Actor) -> None:
    _settle(item, TransferState.REJECTED, status, kept)
    refund = Refund.objects.select_for_update().get(pk=item.refund_id)
    refund.state = RefundState.DUE
    refund.save(update_fields=["state"])
    audit_record(
        AuditAction.REFUND_REJECTED,
        subject=refund,
        actor=actor,
        details={
            "refund": refund.number,
            "end_to_end_id": item.end_to_end_id,
            "status": status.code,
            "reason": status.reason,
        },
    )


def _settle(
    item: RefundTransfer, state: TransferState, status: Status, kept: ConfirmationFile
) -> None:
    item.state = state
    item.status_code = status.code[:4]
    item.reason = status.reason[:300]
    item.settled_at = clock.now()
    item.confirmation = kept
    item.save(update_fields=["state", "status_code", "reason", "settled_at", "confirmation"])
