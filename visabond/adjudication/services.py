"""Writes of adjudications: open one on evidence, decide it, approve a large forfeiture, contest.

22 CFR 41.11(c) and the Form I-352 terms: a breach (overstay, a late departure, an
application to change status, asylum included) is decided by an adjudicator, never
automatically. The sweep opens an adjudication with its evidence (`adjudication_open`, a
step in its transaction); a bond adjudicator decides (`adjudication_decide`): no breach
cancels the bond (its money returned: the refund follows); a breach forfeits it (ledger:
obligor liability to the treasury), but a forfeiture above the program's amount
(`BondTerms.second_approval_above`) waits for a second, different adjudicator
(`adjudication_approve`). The obligor is told each decision in their language and may
contest a forfeiture within the program's period (`BondTerms.contest_days`, counted from the
day of the forfeiture); a contest reopens the adjudication with the new evidence and
reverses the forfeiture until it is decided again. Every step is an audit entry.

Entry points open their own durable transaction (docs/writes.md) and lock the bond's row
(`bond_locked`) before the adjudication's, so a decision racing with a contest is applied
after it and judged on the state it left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from visabond.accounts.roles import Role, require_role
from visabond.adjudication.models import Adjudication, AdjudicationState, AdjudicationStep
from visabond.audit.actors import Actor, actor_name, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState, BreachGround, CancelReason
from visabond.bonds.models import Bond, BondTerms
from visabond.bonds.services import bond_event_apply, bond_locked
from visabond.core import clock
from visabond.core.bulk_insert import rows_insert
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, gettext_noop
from visabond.core.references import new_reference, normalise_reference
from visabond.core.writes import within_caller_transaction
from visabond.notices.services import Notice, notice_send, notices_send_many


def adjudication_open(
    *, bond: Bond, ground: BreachGround, evidence: dict[str, Any], actor: Actor
) -> Adjudication:
    """Open the adjudication of a bond just suspected of a breach on `ground`, with the
    evidence that raised the suspicion; the obligor is told (and may bring their own).

    A step: runs inside the caller's transaction, which holds the bond's row lock and has
    moved it to `breach_suspected`. Raises `Conflict` (`adjudication_exists`) when the bond
    has one already.
    """
    with within_caller_transaction("adjudication_open"):
        if Adjudication.objects.filter(bond=bond).exists():
            raise Conflict(
                f"bond {bond.number} has an adjudication already",
                code="adjudication_exists",
                field="bond_number",
            )
        adjudication = _created(
            bond=bond,
            ground=ground.value,
            state=AdjudicationState.OPEN,
            evidence=[_evidence_entry(evidence, by=actor_name(actor), round=1)],
            opened_by=actor_name(actor),
        )
        _step(adjudication, "opened", actor=actor, note=ground.value, evidence=evidence)
        _notify(adjudication, Notice.BREACH_SUSPECTED)
    return adjudication


@dataclass(frozen=True, slots=True)
class Opening:
    """One adjudication for `adjudications_open_many`: the bond, its ground, its evidence."""

    bond: Bond
    ground: BreachGround
    evidence: dict[str, Any]


def adjudications_open_many(openings: Sequence[Opening], *, actor: Actor) -> list[Adjudication]:
    """Open many adjudications at once, each as `adjudication_open` opens one: a fresh
    reference, the evidence as round 1, an `opened` step and its audit entry, the obligor
    told (`breach_suspected`, on commit), in one insert of adjudications and one of steps.

    A step for set-based writers (the sweep): runs inside the caller's transaction, which
    has moved every bond to `breach_suspected` in one statement guarded by its state.
    Raises `Conflict` (`adjudication_exists`) before writing anything when a bond has one
    already. Returns the adjudications in the order of `openings`.
    """
    with within_caller_transaction("adjudications_open_many"):
        taken = Adjudication.objects.filter(bond__in=[o.bond.pk for o in openings]).first()
        if taken is not None:
            raise Conflict(
                f"bond {taken.bond.number} has an adjudication already",
                code="adjudication_exists",
                field="bond_number",
            )
        by = actor_name(actor)
        references = _fresh_references(len(openings))
        adjudications = rows_insert(
            [
                Adjudication(
                    reference=reference,
                    bond=o.bond,
                    ground=o.ground.value,
                    state=AdjudicationState.OPEN,
                    evidence=[_evidence_entry(o.evidence, by=by, round=1)],
                    opened_by=by,
                )
                for o, reference in zip(openings, references, strict=True)
            ]
        )
        _steps_many(
            [(a, o.ground.value, o.evidence) for a, o in zip(adjudications, openings, strict=True)],
            "opened",
            actor=actor,
        )
        notices_send_many(
            [
                (Notice.BREACH_SUSPECTED, a.bond.obligor, _notice_context(a))
                for a in adjudications
                if a.bond.obligor is not None
            ]
        )
    return adjudications


def _fresh_references(count: int) -> list[str]:
    """`count` references none of which is taken: the rare collision drawn again before
    the insert, since one insert cannot retry a row alone."""
    drawn: set[str] = set()
    while len(drawn) < count:
        wanted = {new_reference("A") for _ in range(count - len(drawn))} - drawn
        taken = set(
            Adjudication.objects.filter(reference__in=wanted).values_list("reference", flat=True)
        )
        drawn |= wanted - taken
    return sorted(drawn)


def _steps_many(
    steps: Sequence[tuple[Adjudication, str, dict[str, Any]]], action: str, *, actor: Actor
) -> None:
    """`_step` for many adjudications: one insert of steps, an audit entry each."""
    rows_insert(
        [
            AdjudicationStep(
                adjudication=adjudication,
                action=action,
                round=adjudication.round,
                actor_id=actor_user_id(actor),
                actor_name=actor_name(actor),
                note=note,
                evidence=evidence,
            )
            for adjudication, note, evidence in steps
        ]
    )
    for adjudication, note, _ in steps:
        audit_record(
            AuditAction.ADJUDICATION_STEP,
            subject=adjudication,
            actor=actor,
            details=_step_details(adjudication, action, note),
        )


def adjudication_decide(
    *, reference: str, breach: bool, reason: str, actor: AbstractBaseUser
) -> Adjudication:
    """A bond adjudicator decides an open adjudication: a breach, or none.

    An entry point. No breach cancels the bond (`breach_not_confirmed`: its money is
    returned). A breach confirms it and forfeits the bond, unless its amount is above the
    program's second-approval amount: then it waits for another adjudicator. Raises
    `PermissionDenied` for another role, `InvalidInput` (`reason_missing`, `too_long` beyond `MAX_TEXT`), `NotFound`, and
    `Conflict` (`adjudication_state`) unless the adjudication is open.
    """
    require_role(actor, Role.BOND_ADJUDICATOR)
    why = _reason(reason)
    with transaction.atomic(durable=True):
        adjudication, bond = _locked(reference)
        _require_state(adjudication, AdjudicationState.OPEN, "decided")
        adjudication.decided_at = clock.now()
        adjudication.decided_by_id = actor_user_id(actor)
        adjudication.decision_reason = why
        adjudication.approved_at = None
        adjudication.approved_by = None
        if not breach:
            bond_event_apply(
                bond,
                BondEvent.CANCEL,
                actor=actor,
                reason=f"{CancelReason.BREACH_NOT_CONFIRMED.value}: {why}",
                reference=adjudication.reference,
            )
            adjudication.state = AdjudicationState.CANCELLED
            adjudication.save()
            _step(adjudication, "no_breach", actor=actor, note=why)
            _notify(adjudication, Notice.BOND_CANCELLED)
            return adjudication
        bond_event_apply(
            bond,
            BondEvent.CONFIRM_BREACH,
            actor=actor,
            reason=f"{adjudication.ground}: {why}",
            reference=adjudication.reference,
        )
        _step(adjudication, "breach_confirmed", actor=actor, note=why)
        if _needs_second_approval(bond):
            adjudication.state = AdjudicationState.AWAITING_APPROVAL
            adjudication.save()
            return adjudication
        _forfeit(adjudication, bond, actor=actor)
    return adjudication


def adjudication_approve(
    *, reference: str, approve: bool, reason: str, actor: AbstractBaseUser
) -> Adjudication:
    """A second bond adjudicator approves a forfeiture above the program's amount, or does
    not (the adjudication reopens for a new decision, the bond suspected again).

    An entry point. Raises `PermissionDenied` for another role and (`second_adjudicator`)
    for the adjudicator who decided the breach: two people, never the same one; `Conflict`
    (`adjudication_state`) unless a forfeiture awaits approval.
    """
    require_role(actor, Role.BOND_ADJUDICATOR)
    why = _reason(reason)
    with transaction.atomic(durable=True):
        adjudication, bond = _locked(reference)
        _require_state(adjudication, AdjudicationState.AWAITING_APPROVAL, "approved")
        if adjudication.decided_by_id == actor_user_id(actor):
            raise PermissionDenied(
                "a forfeiture above the program's amount is approved by a second adjudicator, "
                "not the one who decided the breach",
                code="second_adjudicator",
                field="actor",
            )
        if approve:
            adjudication.approved_at = clock.now()
            adjudication.approved_by_id = actor_user_id(actor)
            _step(adjudication, "approved", actor=actor, note=why)
            _forfeit(adjudication, bond, actor=actor)
            return adjudication
        bond_event_apply(
            bond,
            BondEvent.REOPEN,
            actor=actor,
            reason=f"second adjudicator did not approve: {why}",
            reference=adjudication.reference,
        )
        adjudication.state = AdjudicationState.OPEN
        adjudication.save()
        _step(adjudication, "approval_refused", actor=actor, note=why)
    return adjudication


def adjudication_contest(
    *, reference: str, statement: str, evidence: list[dict[str, Any]], actor: AbstractBaseUser
) -> Adjudication:
    """The obligor contests a forfeiture within the program's period, with new evidence:
    the adjudication reopens (a new round) and the forfeiture is reversed until decided again.

    An entry point for the bond's obligor: any other person gets `NotFound`, the answer for
    an adjudication that does not exist. Raises `InvalidInput` (`statement_missing`, `too_long`) and
    `Conflict` (`adjudication_state` unless forfeited, `contest_period_over` after the
    deadline).
    """
    said = _said(
        statement,
        field="statement",
        missing=gettext_noop("say why the decision is wrong"),
        code="statement_missing",
    )
    with transaction.atomic(durable=True):
        adjudication, bond = _locked(reference, obligor=actor)
        _require_state(adjudication, AdjudicationState.FORFEITED, "contested")
        today = clock.today()
        deadline = adjudication.contest_deadline
        if deadline is not None and today > deadline:
            raise Conflict(
                f"the period to contest ended on {deadline.isoformat()}",
                code="contest_period_over",
                field="reference",
            )
        bond_event_apply(
            bond,
            BondEvent.REOPEN,
            actor=actor,
            reason=f"contested by the obligor: {said}"[:500],
            reference=adjudication.reference,
        )
        adjudication.round += 1
        brought = {"statement": said, "documents": evidence}
        adjudication.evidence = [
            *adjudication.evidence,
            _evidence_entry(brought, by=actor_name(actor), round=adjudication.round),
        ]
        adjudication.state = AdjudicationState.OPEN
        adjudication.contest_deadline = None
        adjudication.save()
        _step(adjudication, "contested", actor=actor, note=said, evidence=brought)
        _notify(adjudication, Notice.CONTEST_RECEIVED)
    return adjudication


def _forfeit(adjudication: Adjudication, bond: Bond, *, actor: Actor) -> None:
    bond_event_apply(
        bond,
        BondEvent.FORFEIT,
        actor=actor,
        reason="breach adjudicated",
        reference=adjudication.reference,
    )
    adjudication.state = AdjudicationState.FORFEITED
    adjudication.contest_deadline = clock.today() + dt.timedelta(days=_terms(bond).contest_days)
    adjudication.save()
    _step(
        adjudication, "forfeited", actor=actor, note=f"contest by {adjudication.contest_deadline}"
    )
    _notify(adjudication, Notice.FORFEITURE_DECIDED)


def _needs_second_approval(bond: Bond) -> bool:
    """Above the program's amount (in another currency than the bond's: always, since the
    amounts cannot be compared without a rate the program never set)."""
    threshold = _terms(bond).second_approval_above
    if threshold is None:
        return False
    if threshold.currency != bond.currency:
        return True
    return bond.money > threshold


def _terms(bond: Bond) -> BondTerms:
    return BondTerms.objects.get(program_id=bond.case.program_id)


def _locked(
    reference: str, *, obligor: AbstractBaseUser | None = None
) -> tuple[Adjudication, Bond]:
    found = (
        Adjudication.objects.select_related("bond")
        .filter(reference=normalise_reference(reference))
        .first()
    )
    if found is None or (obligor is not None and found.bond.obligor_id != obligor.pk):
        raise NotFound(
            f"there is no adjudication {reference}",
            code="adjudication_not_found",
            field="reference",
        )
    bond = bond_locked(found.bond.number)
    adjudication = Adjudication.objects.select_for_update().get(pk=found.pk)
    return adjudication, bond


def _require_state(adjudication: Adjudication, state: AdjudicationState, verb: str) -> None:
    if adjudication.state != state:
        raise Conflict(
            f"adjudication {adjudication.reference} is {adjudication.state}: only one that is "
            f"{state} may be {verb}",
            code="adjudication_state",
            field="state",
        )


def _reason(reason: str) -> str:
    return _said(reason, field="reason", missing=gettext_noop("say why"), code="reason_missing")


def _said(text: str, *, field: str, missing: str, code: str) -> str:
    """`text` stripped: present, and at most `MAX_TEXT` characters (a reason is read by
    people, kept in the audit trail and printed on the obligor's notice)."""
    said = text.strip()
    if not said:
        raise InvalidInput(missing, code=code, field=field)
    if len(said) > MAX_TEXT:
        raise InvalidInput(
            gettext_noop("this text has %(length)s characters: at most %(limit)s are kept"),
            code="too_long",
            field=field,
            params={"length": len(said), "limit": MAX_TEXT},
        )
    return said


def _created(**fields: Any) -> Adjudication:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Adjudication.objects.create(reference=new_reference("A"), **fields)
        except IntegrityError:  # pragma: no cover - a 40-bit collision, drawn again
            continue
    raise RuntimeError("no fresh adjudication reference after five draws")


def _evidence_entry(evidence: dict[str, Any], *, by: str, round: int) -> dict[str, Any]:
    return {"round": round, "by": by, "at": clock.now().isoformat(), **evidence}


def _step(
    adjudication: Adjudication,
    action: str,
    *,
    actor: Actor,
    note: str = "",
    evidence: dict[str, Any] | None = None,
) -> None:
    _steps_many([(adjudication, note, evidence or {})], action, actor=actor)


def _step_details(adjudication: Adjudication, action: str, note: str) -> dict[str, Any]:
    return {
        "adjudication": adjudication.reference,
        "bond": adjudication.bond.number,
        "action": action,
        "round": adjudication.round,
        "state": adjudication.state,
        "note": note,
    }


def _notify(adjudication: Adjudication, notice: Notice) -> None:
    bond = adjudication.bond
    if bond.obligor is None:
        return
    notice_send(notice, recipient=bond.obligor, context=_notice_context(adjudication))


def _notice_context(adjudication: Adjudication) -> dict[str, Any]:
    return {
        "bond_number": adjudication.bond.number,
        "adjudication_reference": adjudication.reference,
        "ground": adjudication.ground,
        "contest_deadline": (
            ""
            if adjudication.contest_deadline is None
            else adjudication.contest_deadline.isoformat()
        ),
    }


# The bond's states an adjudication's own states stand on (checked by the tests).
# The longest reason or statement kept, in characters: a page of text, which the audit
# trail and the obligor's notice carry whole.
MAX_TEXT = 2000

BOND_STATE_OF = {
    AdjudicationState.OPEN: BondState.BREACH_SUSPECTED,
    AdjudicationState.AWAITING_APPROVAL: BondState.BREACHED,
    AdjudicationState.FORFEITED: BondState.FORFEITED,
    AdjudicationState.CANCELLED: BondState.CANCELLED,
}
