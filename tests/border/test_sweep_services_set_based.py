"""The sweep's set-based acting does what the per-bond steps do: the same world swept once
each way ends with the same bond states, events, ledger movements, adjudications with their
evidence, flags, notices and audit entries, and `ledger verify` clean.

Two copies of one world are built in the same database, the second after the first was
swept, so each copy is swept by a run of its own on the same day: `sweep_run` (set-based)
and `sweep_run(per_bond=True)` (the consoles' steps, one bond at a time). Every rule's outcome is in
it, a bond another decision moves between the decision query and the acting (`stale`), and
a bond flagged before (`flagged_before`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from tests.border_world import Bonded, bonded, cloned_bond
from tests.casework_world import ledger_holds
from visabond.adjudication.models import Adjudication
from visabond.audit.chain import verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.bonds.lifecycle import BondEvent
from visabond.bonds.models import Bond
from visabond.bonds.services import bond_event_apply, bond_locked
from visabond.border import sweep_services
from visabond.border.models import (
    Admission,
    BondFlag,
    Departure,
    RefusedAdmission,
    StatusDecision,
    SweepDecision,
    SweepRun,
)
from visabond.border.records import StatusKind
from visabond.border.sweep_services import sweep_run
from visabond.ledger.models import LedgerTransaction
from visabond.notices.models import SentNotice

pytestmark = pytest.mark.usefixtures("pilot")

D = dt.date.fromisoformat
AS_OF = D("2025-11-10")
Capture = Callable[..., AbstractContextManager[object]]


@dataclass(frozen=True)
class Story:
    """What the border reported about one traveller (days in 2025)."""

    name: str
    visa_until: str = "2025-11-29"
    refused: bool = False
    admitted: str | None = None
    until: str = "2025-10-30"
    port: str = "IAD"
    departed: str | None = None
    exit_port: str = "IAD"
    status: StatusKind | None = None
    obligor: bool = True


STORIES = [
    Story("refused", refused=True),
    Story("unused", visa_until="2025-11-01"),
    Story("unused-no-obligor", visa_until="2025-11-01", obligor=False),
    Story("not-yet", visa_until="2025-12-20"),
    Story("on-time", admitted="2025-10-01", departed="2025-10-30"),
    Story("on-time-no-obligor", admitted="2025-10-01", departed="2025-10-29", obligor=False),
    Story("late", admitted="2025-10-01", departed="2025-11-02"),
    Story("overstay", admitted="2025-10-01"),
    Story("overstay-no-obligor", admitted="2025-10-01", obligor=False),
    Story("asylum", admitted="2025-10-01", until="2025-12-01", status=StatusKind.ASYLUM),
    Story("status", admitted="2025-10-01", until="2025-12-01", status=StatusKind.CHANGE_OF_STATUS),
    Story("work", admitted="2025-10-01", until="2025-12-01", status=StatusKind.UNAUTHORIZED_WORK),
    Story("in-stay", admitted="2025-10-20", until="2025-12-15"),
    Story("port", admitted="2025-10-01", port="ORD", departed="2025-10-20"),
    Story("exit-port", admitted="2025-10-01", departed="2025-10-20", exit_port="ATL"),
    Story("flagged-before", admitted="2025-10-01", port="ORD"),
    Story("moved-meanwhile", admitted="2025-10-01"),
]


def story_bond(base: Bonded, world: str, index: int, story: Story) -> Bond:
    """An active bond with its receipt in the ledger, and the border's records of `story`."""
    tag = f"{world}{index:03d}"
    bond = cloned_bond(
        base, tag, valid_until=D(story.visa_until), ports=["BOS", "JFK", "IAD"], receipt=True
    )
    if story.obligor:
        Bond.objects.filter(pk=bond.pk).update(obligor=base.bond.obligor)
    record = {"sender": "story", "received_by": "test", "document_number": "X1"}
    noon = dt.time(12, tzinfo=dt.UTC)
    if story.refused:
        RefusedAdmission.objects.create(
            **record,
            sender_record_id=f"r-{tag}",
            bond=bond,
            port="JFK",
            state="USA",
            refused_at=dt.datetime.combine(D("2025-10-01"), noon),
        )
    if story.admitted is None:
        return bond
    admission = Admission.objects.create(
        **record,
        sender_record_id=f"a-{tag}",
        bond=bond,
        port=story.port,
        state="USA",
        admitted_at=dt.datetime.combine(D(story.admitted), noon),
        admitted_on=D(story.admitted),
        admit_until=D(story.until),
        authorized_until=D(story.until),
        visa_class="B2",
        entry_port_designated=story.port != "ORD",
        status_change="" if story.status is None else story.status.value,
    )
    if story.status is not None:
        StatusDecision.objects.create(
            **record,
            sender_record_id=f"s-{tag}",
            match="matched",
            kind=story.status.value,
            decided_on=D("2025-10-15"),
            admission=admission,
        )
    if story.departed is not None:
        departure = Departure.objects.create(
            **record,
            sender_record_id=f"d-{tag}",
            admission=admission,
            port=story.exit_port,
            state="USA",
            departed_at=dt.datetime.combine(D(story.departed), noon),
            departed_on=D(story.departed),
            evidence="exit_record",
            rank=4,
            match="matched",
            port_designated=story.exit_port != "ATL",
        )
        admission.deciding_departure = departure
        admission.save(update_fields=["deciding_departure"])
    return bond


def world(base: Bonded, name: str) -> dict[str, Bond]:
    """One copy of the world, its bonds by story; one bond flagged by an earlier run."""
    with transaction.atomic():
        bonds = {s.name: story_bond(base, name, i, s) for i, s in enumerate(STORIES)}
        earlier = SweepRun.objects.create(
            as_of=D("2025-11-01"), started_by="t", upto=0, chunk_span=1, state="finished"
        )
        BondFlag.objects.create(bond=bonds["flagged-before"], reason="port", run=earlier)
    return bonds


def moving_meanwhile(monkeypatch: pytest.MonkeyPatch, bond: Bond) -> None:
    """`decisions_insert` as another decision races it: the bond is cancelled (through its
    own steps, money and all) just after its chunk's decisions were taken, before they are
    acted on."""
    real = sweep_services.decisions_insert

    def racing(**options: Any) -> int:
        decided = real(**options)
        taken = SweepDecision.objects.filter(run_id=options["run_id"], bond=bond)
        if taken.filter(chunk=options["chunk"]).exists():
            bond_event_apply(
                bond_locked(bond.number),
                BondEvent.CANCEL,
                actor="another decision",
                reason="refused_after_posting",
            )
        return decided

    monkeypatch.setattr(sweep_services, "decisions_insert", racing)


def swept(
    per_bond: bool,
    base: Bonded,
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capture: Capture,
) -> tuple[SweepRun, dict[str, Bond]]:
    bonds = world(base, name)
    with monkeypatch.context() as patch:
        moving_meanwhile(patch, bonds["moved-meanwhile"])
        with capture(execute=True):
            run = sweep_run(as_of=AS_OF, actor="visabond sweep", chunk_span=5, per_bond=per_bond)
    return run, bonds


def plain(text: str, world: str, bond: Bond, run: SweepRun) -> str:
    """`text` with what differs between the copies by construction put in words: the
    world's tag, the run's number, the adjudication's random reference."""
    text = re.sub(rf"(?<=[-V]){world}(?=\d{{3}})", "WORLD", text)
    text = text.replace(f"sweep {run.pk} ", "sweep RUN ")
    adjudication = Adjudication.objects.filter(bond=bond).first()
    if adjudication is not None:
        text = text.replace(adjudication.reference, "A-REF")
    return text


def seen_by(evidence: dict[str, Any], run: SweepRun, admission: Admission | None) -> Any:
    """The sweep's evidence with the ids of its copy's rows checked and put in words, and
    without the moment it was taken."""
    seen = {k: v for k, v in evidence.items() if k != "at"}
    assert seen["sweep_run"] == run.pk
    seen["sweep_run"] = "RUN"
    if admission is not None:
        assert seen["admission"]["id"] == admission.pk
        seen["admission"] = {**seen["admission"], "id": "ADMISSION"}
        if seen["departure"] is not None:
            assert seen["departure"]["id"] == admission.deciding_departure_id
            seen["departure"] = {**seen["departure"], "id": "DEPARTURE"}
    return seen


def picture(world: str, bonds: dict[str, Bond], run: SweepRun) -> dict[str, Any]:
    """Everything the sweep wrote about each bond of one copy, in words both copies share."""
    seen: dict[str, Any] = {}
    for story, bond in bonds.items():
        bond.refresh_from_db()

        def said(text: str, bond: Bond = bond) -> str:
            return plain(text, world, bond, run)

        ledger = [
            (
                said(t.key),
                t.kind,
                said(t.memo),
                t.actor_name,
                sorted((e.account, e.side, str(e.amount), e.currency) for e in t.entries.all()),
            )
            for t in LedgerTransaction.objects.filter(bond=bond).order_by("pk")
        ]
        events = [
            (
                e.event,
                e.before,
                e.after,
                e.actor_name,
                said(e.reason),
                e.reference,
                None if e.transaction is None else said(e.transaction.key),
            )
            for e in bond.events.order_by("pk")
        ]
        adjudication = Adjudication.objects.filter(bond=bond).first()
        judged = None
        if adjudication is not None:
            admission = Admission.objects.filter(bond=bond).first()
            evidence = [seen_by(entry, run, admission) for entry in adjudication.evidence]
            judged = (
                adjudication.ground,
                adjudication.state,
                adjudication.round,
                adjudication.opened_by,
                said(repr(evidence)),
                [
                    (
                        s.action,
                        s.round,
                        s.actor_name,
                        s.note,
                        said(repr(seen_by(s.evidence, run, admission))),
                    )
                    for s in adjudication.steps.all()
                ],
            )
        flag = BondFlag.objects.filter(bond=bond).first()
        decision = SweepDecision.objects.filter(run=run, bond=bond).first()
        notices = sorted(
            (n.kind, n.language, said(n.subject), said(n.body), n.recipient_id)
            for n in SentNotice.objects.filter(subject_ref=bond.number)
        )
        audit = sorted(
            (e.action, e.actor_name, said(repr(sorted(e.details.items()))))
            for e in AuditEvent.objects.filter(action__in=AUDITED)
            if bond.number in repr(e.details)
        )
        seen[story] = {
            "bond": (bond.state, bond.cancel_reason, bond.adjudication_reference),
            "events": events,
            "ledger": ledger,
            "adjudication": judged,
            "flag": None if flag is None else (flag.reason, flag.run_id == run.pk),
            "decision": (
                None if decision is None else (decision.decision, decision.reason, decision.outcome)
            ),
            "notices": notices,
            "audit": audit,
        }
    return seen


AUDITED = ["bond.event", "ledger.posted", "adjudication.step"]


def test_the_set_based_sweep_writes_what_the_per_bond_steps_write(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Capture
) -> None:
    base = bonded()
    per_bond_run, per_bond = swept(
        True, base, "WP", monkeypatch, django_capture_on_commit_callbacks
    )
    set_run, set_based = swept(False, base, "WS", monkeypatch, django_capture_on_commit_callbacks)
    expected = picture("WP", per_bond, per_bond_run)
    found = picture("WS", set_based, set_run)
    for story in expected:
        assert found[story] == expected[story], story
    outcomes = Counter(v["decision"][2] for v in found.values() if v["decision"] is not None)
    assert outcomes == {"applied": 13, "stale": 1, "flagged_before": 1}
    assert found["asylum"]["adjudication"] is not None
    assert "unauthorized_work" in found["work"]["adjudication"][4]
    assert len(found["on-time"]["notices"]) == 1
    assert found["on-time-no-obligor"]["notices"] == []
    assert ledger_holds()
    assert verify(audit_links(), head=audit_head()) == []
