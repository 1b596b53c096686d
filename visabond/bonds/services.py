"""Writes of bonds: direction, the events of a bond's life, and the money each one moves.

Entry points (`bond_cancel`, `bond_suspect_breach`, `bond_confirm_breach`, `bond_forfeit`,
`bond_reopen`) open their own durable transaction; steps (`bond_direct`, `bond_locked`,
`bond_event_apply`) run inside their caller's (docs/writes.md). `lifecycle.transition`
alone decides whether an event applies; the ledger movement it names is posted in the same
transaction, under a key that makes it happen once.

Concurrency: the bond's row is locked (`SELECT ... FOR UPDATE`) before its state is read,
so a refund and a forfeiture racing on one bond are applied one after the other and the
second is refused with the state the first left. SQLite has no row locks; there every
transaction starts with `BEGIN IMMEDIATE` (settings), which takes the database's single
write lock at once, so two writers are serialised the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count

from visabond.audit.actors import Actor, actor_name, actor_user
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import (
    BondEvent,
    BondState,
    BreachGround,
    CancelReason,
    movement_key,
    transition,
)
from visabond.bonds.models import Bond, BondEventRecord
from visabond.core import clock
from visabond.core.bulk_insert import rows_insert
from visabond.core.errors import InvalidInput, NotFound
from visabond.core.money import Money
from visabond.core.references import new_reference, normalise_reference
from visabond.core.writes import within_caller_transaction
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import Posting, ledger_post, ledger_post_many
from visabond.notices.services import Notice, notice_send


def bond_locked(number: str) -> Bond:
    """The bond numbered `number`, its row locked until the caller's transaction ends.

    A step: runs inside the caller's transaction, which keeps the lock. Raises `NotFound`
    (`bond_not_found`, field `bond_number`).
    """
    with within_caller_transaction("bond_locked"):
        try:
            return (
                Bond.objects.select_for_update(of=("self",))
                .select_related("case__post", "case__program")
                .get(number=normalise_reference(number))
            )
        except Bond.DoesNotExist:
            raise NotFound(
                f"there is no bond {number}", code="bond_not_found", field="bond_number"
            ) from None


def bond_direct(
    *,
    case_id: int,
    case_reference: str,
    obligor: AbstractBaseUser | None,
    obligor_name: str,
    amount: Money,
    payment_deadline: dt.date,
    actor: Actor,
) -> Bond:
    """Record the bond an officer directed for a case (state `directed`), with a fresh number.

    A step: runs inside the caller's transaction (the case's decision,
    `casework.services.case_decide`). No money moves until the payment arrives.
    """
    with within_caller_transaction("bond_direct"):
        bond = _created_with_fresh_number(
            case_id=case_id,
            obligor=obligor,
            obligor_name=obligor_name,
            amount=amount.amount,
            currency=amount.currency,
            state=BondState.DIRECTED,
            directed_at=clock.now(),
            payment_deadline=payment_deadline,
            state_changed_at=clock.now(),
        )
        BondEventRecord.objects.create(
            bond=bond,
            event="direct",
            before="",
            after=BondState.DIRECTED,
            actor_id=_user_id(actor),
            actor_name=actor_name(actor),
            reason=f"directed for {amount}; pay by {payment_deadline.isoformat()}",
        )
        audit_record(
            AuditAction.BOND_DIRECTED,
            subject=bond,
            actor=actor,
            details={
                "bond": bond.number,
                "case": case_reference,
                **amount.to_json(),
                "payment_deadline": payment_deadline.isoformat(),
            },
        )
    return bond


def _created_with_fresh_number(**fields: object) -> Bond:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Bond.objects.create(number=new_reference("B"), **fields)
        except IntegrityError:  # pragma: no cover - a 40-bit collision, drawn again
            continue
    raise RuntimeError("no fresh bond number after five draws")


def bond_event_apply(
    bond: Bond,
    event: BondEvent,
    *,
    actor: Actor,
    reason: str = "",
    reference: str = "",
    movement: TransactionKind | None = None,
) -> BondEventRecord:
    """Apply `event` to a bond whose row the caller has locked (`bond_locked`).

    A step: runs inside the caller's transaction. Raises `Conflict` (`bond_state`) naming the bond's state when the event does not
    apply to it. `movement` replaces the ledger movement the event names (a bond paid from
    money first held as unapplied moves it from there, not from a new receipt).
    """
    with within_caller_transaction("bond_event_apply"):
        step = transition(BondState(bond.state), event)
        kind = movement or step.movement
        posted = None
        if kind is not None:
            rounds = bond.events.filter(event=event.value).count() + 1
            posted = ledger_post(
                transfer(kind, key=movement_key(bond.number, event, rounds), amount=bond.money),
                actor=actor,
                bond_id=bond.pk,
                subject=bond.number,
                memo=f"{event} of bond {bond.number}: {reason}"[:300],
            )
        bond.state = step.after
        bond.state_changed_at = clock.now()
        if event is BondEvent.CANCEL:
            bond.cancel_reason = reason.split(":", 1)[0]
        if reference:
            bond.adjudication_reference = reference
        bond.save(
            update_fields=["state", "state_changed_at", "cancel_reason", "adjudication_reference"]
        )
        record = BondEventRecord.objects.create(
            bond=bond,
            event=event.value,
            before=step.before,
            after=step.after,
            actor_id=_user_id(actor),
            actor_name=actor_name(actor),
            reason=reason,
            reference=reference,
            transaction=posted,
        )
        audit_record(
            AuditAction.BOND_EVENT,
            subject=bond,
            actor=actor,
            details={
                "bond": bond.number,
                "event": event.value,
                "before": step.before,
                "after": step.after,
                "reason": reason,
                "reference": reference,
                "ledger_key": None if posted is None else posted.key,
            },
        )
    return record


@dataclass(frozen=True, slots=True)
class Moved:
    """A bond a set-based writer moved by an event in its own guarded statement, and why."""

    bond: Bond
    reason: str = ""


def bond_events_record_many(
    event: BondEvent, moved: Sequence[Moved], *, before: BondState, actor: Actor
) -> list[BondEventRecord]:
    """Record `event` for many bonds at once, as `bond_event_apply` records it for one: the
    ledger movement the event names (under the same `movement_key`), the bond's event row
    and an audit entry each, in bulk inserts (`ledger_post_many`, one insert of events).

    A step for set-based writers (the sweep): runs inside the caller's transaction, which
    has already moved every bond in `moved` from `before` to the event's state in one
    statement guarded by `before` (so it holds their row locks, and a bond another decision
    moved first is not among them). Raises `Conflict` (`bond_state`) when the event does not
    apply to `before`. Returns the event rows in the order of `moved`.
    """
    with within_caller_transaction("bond_events_record_many"):
        step = transition(before, event)
        posted: list[LedgerTransaction | None] = [None] * len(moved)
        if step.movement is not None and moved:
            rounds = dict(
                BondEventRecord.objects.filter(
                    event=event.value, bond_id__in=[m.bond.pk for m in moved]
                )
                .values_list("bond_id")
                .annotate(n=Count("pk"))
            )
            kind = step.movement
            posted = list(
                ledger_post_many(
                    [
                        Posting(
                            transfer(
                                kind,
                                key=movement_key(
                                    m.bond.number, event, rounds.get(m.bond.pk, 0) + 1
                                ),
                                amount=m.bond.money,
                            ),
                            bond_id=m.bond.pk,
                            subject=m.bond.number,
                            memo=f"{event} of bond {m.bond.number}: {m.reason}"[:300],
                        )
                        for m in moved
                    ],
                    actor=actor,
                )
            )
        records = rows_insert(
            [
                BondEventRecord(
                    bond=m.bond,
                    event=event.value,
                    before=step.before,
                    after=step.after,
                    actor_id=_user_id(actor),
                    actor_name=actor_name(actor),
                    reason=m.reason,
                    transaction=row,
                )
                for m, row in zip(moved, posted, strict=True)
            ]
        )
        for m, row in zip(moved, posted, strict=True):
            audit_record(
                AuditAction.BOND_EVENT,
                subject=m.bond,
                actor=actor,
                details={
                    "bond": m.bond.number,
                    "event": event.value,
                    "before": step.before,
                    "after": step.after,
                    "reason": m.reason,
                    "reference": "",
                    "ledger_key": None if row is None else row.key,
                },
            )
    return records


def bond_cancel(*, bond_number: str, reason: CancelReason, note: str, actor: Actor) -> Bond:
    """Cancel a bond: its terms were kept (or it is no longer needed), so it is returned.

    An entry point. Moves the bond's amount from the obligor's liability to refunds payable;
    the refund itself leaves with the next refund batch. Source: travel.state.gov's terms of
    the pilot (departed on time, did not travel, refused admission); a bond does not
    guarantee issuance (refused after posting). Raises `Conflict` naming the state.
    """
    with transaction.atomic(durable=True):
        bond = bond_locked(bond_number)
        bond_event_apply(bond, BondEvent.CANCEL, actor=actor, reason=_with_note(reason.value, note))
        _notify_obligor(bond, Notice.BOND_CANCELLED)
    return bond


def bond_suspect_breach(
    *, bond_number: str, ground: BreachGround, evidence: str, actor: Actor
) -> Bond:
    """Put an active bond before an adjudicator on evidence of a breach (never a decision)."""
    with transaction.atomic(durable=True):
        bond = bond_locked(bond_number)
        bond_event_apply(
            bond, BondEvent.SUSPECT_BREACH, actor=actor, reason=_with_note(ground.value, evidence)
        )
    return bond


def bond_confirm_breach(
    *, bond_number: str, adjudication_reference: str, reason: str, actor: Actor
) -> Bond:
    """An adjudicator confirms the breach; the forfeiture follows (`bond_forfeit`)."""
    reference = _required_reference(adjudication_reference)
    with transaction.atomic(durable=True):
        bond = bond_locked(bond_number)
        bond_event_apply(
            bond, BondEvent.CONFIRM_BREACH, actor=actor, reason=reason, reference=reference
        )
    return bond


def bond_forfeit(*, bond_number: str, adjudication_reference: str, actor: Actor) -> Bond:
    """Forfeit a breached bond on an adjudication: its amount goes to the treasury account.

    An entry point. Source: Form I-352 terms; 22 CFR 41.11(c) (breach decided by DHS, not
    automatically). Raises `InvalidInput` without an adjudication reference, `Conflict`
    naming the state unless the breach was confirmed.
    """
    reference = _required_reference(adjudication_reference)
    with transaction.atomic(durable=True):
        bond = bond_locked(bond_number)
        bond_event_apply(
            bond, BondEvent.FORFEIT, actor=actor, reason="breach adjudicated", reference=reference
        )
        _notify_obligor(bond, Notice.BOND_FORFEITED)
    return bond


def bond_reopen(*, bond_number: str, reason: str, actor: Actor) -> Bond:
    """A contest reopens a breached or forfeited bond; a forfeiture is reversed."""
    if not reason.strip():
        raise InvalidInput("say why the bond is reopened", code="reason_missing", field="reason")
    with transaction.atomic(durable=True):
        bond = bond_locked(bond_number)
        bond_event_apply(bond, BondEvent.REOPEN, actor=actor, reason=reason)
    return bond


def _required_reference(reference: str) -> str:
    cleaned = reference.strip()
    if not cleaned:
        raise InvalidInput(
            "name the adjudication this decision rests on",
            code="adjudication_reference_missing",
            field="adjudication_reference",
        )
    if len(cleaned) > 100:
        raise InvalidInput(
            "an adjudication reference has at most 100 characters",
            code="too_long",
            field="adjudication_reference",
        )
    return cleaned


def _with_note(code: str, note: str) -> str:
    return f"{code}: {note.strip()}" if note.strip() else code


def _notify_obligor(bond: Bond, notice: Notice) -> None:
    if bond.obligor is not None:
        notice_send(notice, recipient=bond.obligor, context={"bond_number": bond.number})


def _user_id(actor: Actor) -> int | None:
    user = actor_user(actor)
    return None if user is None else int(user.pk)
