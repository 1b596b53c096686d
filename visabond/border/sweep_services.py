"""`visabond sweep`: every active bond judged on the border's evidence, chunk by chunk.

An entry point (docs/writes.md). The decision for each bond is computed in SQL for a whole
chunk of bond ids at once (`sweep.decisions_insert`, the rule of `outcomes.py`), and the
bonds that are not waiting are then acted on as sets, a statement or an insert per outcome
for the whole chunk (`_act`), doing for each bond what the bond's own steps do for one:

- cancel (departed on time, visa unused, admission refused): the bond is cancelled, its
  money moved to refunds payable, the obligor told; the refund follows with the next batch;
- suspect (overstay past the grace days, late departure, change of status, asylum,
  unauthorized work): the bond is suspected and an adjudication opened with the evidence;
  nothing is decided (22 CFR 41.11(c): an adjudicator decides);
- flag (a port the visa does not name): the bond is flagged for an officer, never decided.

Each chunk is one transaction: its decisions (`SweepDecision`, one row per decided bond),
what was done, the run's cursor and counts, and one audit entry listing every decision of
the chunk commit together, or none of them do. Each bond decided also has the audit entries
its own steps would write (its event, its ledger posting, its adjudication's step), chained
and inserted together just before the chunk commits. A run that stops (a crash, `kill -9`)
continues from its cursor when the sweep is started again; a bond decided already is no
longer active, so nothing is decided twice. Two sweeps never run at once (`sweep_lock`).

The same acting through the per-bond steps the consoles use (`bond_event_apply`,
`ledger_post`, `adjudication_open`, `notice_send`) is `_act_per_bond` (`per_bond=True`); a
test sweeps the same world both ways and requires the same rows, and the benchmark runs it
beside.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from visabond.adjudication.services import Opening, adjudication_open, adjudications_open_many
from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState, BreachGround
from visabond.bonds.models import Bond
from visabond.bonds.services import Moved, bond_event_apply, bond_events_record_many, bond_locked
from visabond.border.models import Admission, BondFlag, StatusDecision, SweepDecision, SweepRun
from visabond.border.outcomes import Decision
from visabond.border.sweep import (
    active_in,
    decided_bonds_move,
    decided_flags_insert,
    decisions_insert,
)
from visabond.border.sweep_lock import sweep_lock
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.writes import entry_point_transaction
from visabond.notices.services import Notice, notice_send, notices_send_many

Progress = Callable[[SweepRun], None]
# Acts on the decisions of one chunk (run, chunk number, actor); returns them, outcomes set.
Act = Callable[[SweepRun, int, Actor], list[SweepDecision]]


def sweep_run(
    *,
    as_of: dt.date,
    actor: Actor,
    chunk_span: int = 10_000,
    progress: Progress | None = None,
    per_bond: bool = False,
) -> SweepRun:
    """Sweep every active bond as of `as_of`, `chunk_span` bond ids per transaction.

    An entry point. Continues the unfinished run of the same day if there is one. Returns
    the finished run; its `counts` give the bonds by outcome (`cancel:departed_on_time`,
    `suspect:overstay`, `flag:port_not_designated`, `wait`, and `stale` / `flagged_before`
    for decisions found already taken). `progress` is called after each chunk. `per_bond`
    acts on each decided bond through the per-bond steps the consoles use instead of as
    sets: the peer of the set-based acting, for the test of their equivalence and the
    benchmark only. Raises `Conflict` (`sweep_running`) while another sweep runs,
    (`sweep_unfinished`) while a run of another day is unfinished; `InvalidInput` for a
    chunk span below 1.
    """
    if chunk_span < 1:
        raise InvalidInput("a chunk spans at least one bond", code="too_small", field="chunk")
    act = _act_per_bond if per_bond else _act
    with sweep_lock():
        with transaction.atomic(durable=True):
            run = _run_for(as_of, actor=actor, chunk_span=chunk_span)
        while run.cursor < run.upto:
            run = _chunk(run.pk, actor=actor, act=act)
            if progress is not None:
                progress(run)
        return _finish(run.pk, actor=actor)


def _run_for(as_of: dt.date, *, actor: Actor, chunk_span: int) -> SweepRun:
    running = SweepRun.objects.select_for_update().filter(state=SweepRun.State.RUNNING).first()
    if running is not None:
        if running.as_of != as_of:
            raise Conflict(
                f"sweep {running.pk} as of {running.as_of} did not finish: run "
                f"`visabond sweep --as-of {running.as_of}` to finish it first",
                code="sweep_unfinished",
                field="as_of",
            )
        return running
    upto = Bond.objects.aggregate(top=Max("pk"))["top"] or 0
    run = SweepRun.objects.create(
        as_of=as_of, started_by=actor_name(actor), upto=upto, chunk_span=chunk_span
    )
    audit_record(
        AuditAction.SWEEP_STARTED,
        subject=run,
        actor=actor,
        details={"run": run.pk, "as_of": as_of.isoformat(), "upto": upto},
    )
    return run


def _chunk(run_id: int, *, actor: Actor, act: Act) -> SweepRun:
    # Deferring: the chunk's audit entries are chained in one insert just before it commits.
    with entry_point_transaction():
        run = SweepRun.objects.select_for_update().get(pk=run_id)
        after, upto = run.cursor, min(run.cursor + run.chunk_span, run.upto)
        chunk = run.chunks + 1
        active = active_in(after=after, upto=upto)
        decided = decisions_insert(
            run_id=run.pk, chunk=chunk, as_of=run.as_of, after=after, upto=upto
        )
        decisions = act(run, chunk, actor)
        counts = Counter(run.counts)
        if active > decided:
            counts["wait"] += active - decided
        for decision in decisions:
            key = (
                f"{decision.decision}:{decision.reason}"
                if decision.outcome == "applied"
                else decision.outcome
            )
            counts[key] += 1
        run.counts = dict(sorted(counts.items()))
        run.cursor, run.chunks = upto, chunk
        run.save(update_fields=["counts", "cursor", "chunks"])
        audit_record(
            AuditAction.SWEEP_CHUNK,
            subject=run,
            actor=actor,
            details={
                "run": run.pk,
                "as_of": run.as_of.isoformat(),
                "chunk": chunk,
                "bond_ids": [after + 1, upto],
                "active": active,
                "decisions": [[d.bond.number, d.decision, d.reason, d.outcome] for d in decisions],
            },
        )
    return run


def _decisions(run: SweepRun, chunk: int, *related: str) -> list[SweepDecision]:
    return list(
        SweepDecision.objects.filter(run=run, chunk=chunk)
        .select_related(*related)
        .order_by("bond_id")
    )


def _act(run: SweepRun, chunk: int, actor: Actor) -> list[SweepDecision]:
    """Act on a chunk's decisions as sets: per outcome, one guarded update of the bonds, and
    the events, ledger movements, adjudications, flags, notices and audit entries of all the
    bonds it moved in bulk inserts; what `_act_per_bond` does bond by bond."""
    decisions = _decisions(run, chunk, "bond__obligor")
    at = clock.now()
    cancelled = decided_bonds_move(
        run_id=run.pk, chunk=chunk, decision=Decision.CANCEL, state=BondState.CANCELLED, at=at
    )
    suspected = decided_bonds_move(
        run_id=run.pk,
        chunk=chunk,
        decision=Decision.SUSPECT,
        state=BondState.BREACH_SUSPECTED,
        at=at,
    )
    still_active, flagged = decided_flags_insert(run_id=run.pk, chunk=chunk, at=at)
    moved = {Decision.CANCEL.value: cancelled, Decision.SUSPECT.value: suspected}
    applied: dict[str, list[SweepDecision]] = defaultdict(list)
    for decision in decisions:
        if decision.decision == Decision.FLAG:
            decision.outcome = (
                "stale"
                if decision.bond_id not in still_active
                else "applied"
                if decision.bond_id in flagged
                else "flagged_before"
            )
            continue
        decision.outcome = "applied" if decision.bond_id in moved[decision.decision] else "stale"
        if decision.outcome == "applied":
            applied[decision.decision].append(decision)
    _cancels_record(applied[Decision.CANCEL], run, at=at, actor=actor)
    _suspicions_record(applied[Decision.SUSPECT], run, at=at, actor=actor)
    _outcomes_save(decisions, run, chunk)
    return decisions


def _why(decision: SweepDecision, run: SweepRun) -> str:
    return f"{decision.reason}: sweep {run.pk} as of {run.as_of.isoformat()}"


def _cancels_record(
    decisions: Sequence[SweepDecision], run: SweepRun, *, at: dt.datetime, actor: Actor
) -> None:
    """The cancelled bonds' events and refunds due, and their obligors told."""
    if not decisions:
        return
    for decision in decisions:
        bond = decision.bond
        bond.state, bond.state_changed_at, bond.cancel_reason = (
            BondState.CANCELLED,
            at,
            decision.reason,
        )
    bond_events_record_many(
        BondEvent.CANCEL,
        [Moved(d.bond, _why(d, run)) for d in decisions],
        before=BondState.ACTIVE,
        actor=actor,
    )
    notices_send_many(
        [
            (Notice.BOND_CANCELLED, d.bond.obligor, {"bond_number": d.bond.number})
            for d in decisions
            if d.bond.obligor is not None
        ]
    )


def _suspicions_record(
    decisions: Sequence[SweepDecision], run: SweepRun, *, at: dt.datetime, actor: Actor
) -> None:
    """The suspected bonds' events and their adjudications opened on the sweep's evidence."""
    if not decisions:
        return
    for decision in decisions:
        decision.bond.state, decision.bond.state_changed_at = BondState.BREACH_SUSPECTED, at
    bond_events_record_many(
        BondEvent.SUSPECT_BREACH,
        [Moved(d.bond, _why(d, run)) for d in decisions],
        before=BondState.ACTIVE,
        actor=actor,
    )
    admitted = [d.admission_id for d in decisions if d.admission_id is not None]
    admissions = Admission.objects.select_related("deciding_departure").in_bulk(admitted)
    for decision in decisions:
        if decision.admission_id is not None:
            decision.admission = admissions[decision.admission_id]
    statuses: dict[int, list[StatusDecision]] = defaultdict(list)
    for status in StatusDecision.objects.filter(admission_id__in=admitted).order_by(
        "decided_on", "pk"
    ):
        statuses[status.admission_id or 0].append(status)
    adjudications_open_many(
        [
            Opening(
                d.bond,
                BreachGround(d.reason),
                _evidence(d, run, statuses.get(d.admission_id or 0, [])),
            )
            for d in decisions
        ],
        actor=actor,
    )


def _outcomes_save(decisions: Sequence[SweepDecision], run: SweepRun, chunk: int) -> None:
    """Each decision's outcome: one update for the applied, one per other outcome."""
    others: dict[str, list[int]] = defaultdict(list)
    for decision in decisions:
        if decision.outcome != "applied":
            others[decision.outcome].append(decision.pk)
    SweepDecision.objects.filter(run=run, chunk=chunk).update(outcome="applied")
    for outcome, pks in others.items():
        SweepDecision.objects.filter(pk__in=pks).update(outcome=outcome)


def _act_per_bond(run: SweepRun, chunk: int, actor: Actor) -> list[SweepDecision]:
    """Act on a chunk's decisions one bond at a time, through the bond's own steps."""
    decisions = _decisions(run, chunk, "bond", "admission__deciding_departure")
    for decision in decisions:
        decision.outcome = _apply(decision, run, actor=actor)
    SweepDecision.objects.bulk_update(decisions, ["outcome"])
    return decisions


def _apply(decision: SweepDecision, run: SweepRun, *, actor: Actor) -> str:
    """Act on one decided bond; what became of the decision."""
    bond = bond_locked(decision.bond.number)
    if bond.state != BondState.ACTIVE:
        return "stale"  # decided by someone else since the chunk's query read it
    why = f"{decision.reason}: sweep {run.pk} as of {run.as_of.isoformat()}"
    if decision.decision == Decision.CANCEL:
        bond_event_apply(bond, BondEvent.CANCEL, actor=actor, reason=why)
        if bond.obligor is not None:
            notice_send(
                Notice.BOND_CANCELLED, recipient=bond.obligor, context={"bond_number": bond.number}
            )
        return "applied"
    if decision.decision == Decision.SUSPECT:
        bond_event_apply(bond, BondEvent.SUSPECT_BREACH, actor=actor, reason=why)
        adjudication_open(
            bond=bond,
            ground=BreachGround(decision.reason),
            evidence=_evidence(decision, run),
            actor=actor,
        )
        return "applied"
    _, created = BondFlag.objects.get_or_create(
        bond=bond, defaults={"reason": decision.reason, "run": run}
    )
    return "applied" if created else "flagged_before"


def _evidence(
    decision: SweepDecision, run: SweepRun, statuses: Sequence[StatusDecision] | None = None
) -> dict[str, Any]:
    """What the sweep saw: the admission, the deciding departure, the status decisions
    (`statuses`, in the order decided, when read already for the chunk)."""
    admission = decision.admission
    if statuses is None and admission is not None:
        statuses = list(admission.status_decisions.order_by("decided_on", "pk"))
    return {
        "source": "sweep",
        "sweep_run": run.pk,
        "as_of": run.as_of.isoformat(),
        "ground": decision.reason,
        "admission": None if admission is None else _admission_json(admission),
        "departure": None if admission is None else _departure_json(admission),
        "status_decisions": (
            []
            if admission is None
            else [
                {
                    "kind": s.kind,
                    "decided_on": s.decided_on.isoformat(),
                    "admit_until": None if s.admit_until is None else s.admit_until.isoformat(),
                    "sender": s.sender,
                    "record_id": s.sender_record_id,
                }
                for s in statuses or ()
            ]
        ),
    }


def _admission_json(admission: Admission) -> dict[str, Any]:
    return {
        "id": admission.pk,
        "sender": admission.sender,
        "record_id": admission.sender_record_id,
        "port": admission.port,
        "admitted_on": admission.admitted_on.isoformat(),
        "admit_until": admission.admit_until.isoformat(),
        "authorized_until": admission.authorized_until.isoformat(),
    }


def _departure_json(admission: Admission) -> dict[str, Any] | None:
    departure = admission.deciding_departure
    if departure is None:
        return None
    return {
        "id": departure.pk,
        "evidence": departure.evidence,
        "port": departure.port,
        "departed_on": departure.departed_on.isoformat(),
        "sender": departure.sender,
        "record_id": departure.sender_record_id,
    }


def _finish(run_id: int, *, actor: Actor) -> SweepRun:
    with transaction.atomic(durable=True):
        run = SweepRun.objects.select_for_update().get(pk=run_id)
        if run.state == SweepRun.State.RUNNING:
            run.state = SweepRun.State.FINISHED
            run.finished_at = clock.now()
            run.save(update_fields=["state", "finished_at"])
            audit_record(
                AuditAction.SWEEP_FINISHED,
                subject=run,
                actor=actor,
                details={"run": run.pk, "as_of": run.as_of.isoformat(), "counts": run.counts},
            )
    return run
