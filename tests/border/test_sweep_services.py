"""The sweep over the database: each outcome acted on through the bond's own step, once;
counted; traceable to its bond; resumed after a stop; never two sweeps at once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connections

from tests.border_world import Bonded, admit, bonded, depart, grace
from tests.casework_world import World, ledger_holds, person, posted_case
from visabond.accounts.roles import Role
from visabond.adjudication.models import Adjudication
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond, BondEventRecord
from visabond.border.models import BondFlag, SweepDecision, SweepRun
from visabond.border.sweep_lock import sweep_lock
from visabond.border.sweep_services import sweep_run
from visabond.casework.services import case_issue_visa
from visabond.core.errors import Conflict
from visabond.notices.models import SentNotice

pytestmark = pytest.mark.usefixtures("pilot")

D = dt.date.fromisoformat
Capture = Callable[..., AbstractContextManager[object]]


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def sweep(as_of: str, **options: object) -> SweepRun:
    return sweep_run(as_of=D(as_of), actor="visabond sweep", **options)  # type: ignore[arg-type]


def state_of(traveller: Bonded) -> str:
    return Bond.objects.get(pk=traveller.bond.pk).state


def test_a_departure_on_time_cancels_the_bond_and_the_refund_is_due(
    traveller: Bonded, django_capture_on_commit_callbacks: Capture
) -> None:
    admit(grace())
    depart(grace(), on="2025-10-30")
    with django_capture_on_commit_callbacks(execute=True):
        run = sweep("2025-10-31")
    assert state_of(traveller) == "cancelled"
    assert Bond.objects.get(pk=traveller.bond.pk).cancel_reason == "departed_on_time"
    assert run.counts == {"cancel:departed_on_time": 1}
    assert run.state == SweepRun.State.FINISHED
    assert SentNotice.objects.filter(kind="bond_cancelled").count() == 1
    assert ledger_holds()


def test_no_departure_by_the_end_of_the_stay_opens_an_adjudication_with_its_evidence(
    traveller: Bonded, django_capture_on_commit_callbacks: Capture
) -> None:
    admission = admit(grace()).record
    assert sweep("2025-10-30").counts == {"wait": 1}
    with django_capture_on_commit_callbacks(execute=True):
        run = sweep("2025-10-31")
    assert run.counts == {"suspect:overstay": 1}
    assert state_of(traveller) == "breach_suspected"
    adjudication = Adjudication.objects.get(bond=traveller.bond)
    (evidence,) = adjudication.evidence
    assert (evidence["ground"], evidence["sweep_run"]) == ("overstay", run.pk)
    assert evidence["admission"]["record_id"] == admission.sender_record_id
    assert evidence["departure"] is None
    assert SentNotice.objects.filter(kind="breach_suspected").count() == 1


def test_a_port_the_visa_does_not_name_is_flagged_once_and_never_decided(
    traveller: Bonded,
) -> None:
    admit(grace(), port="ORD")
    depart(grace(), on="2025-10-20")
    first = sweep("2025-10-31")
    assert first.counts == {"flag:port_not_designated": 1}
    assert state_of(traveller) == "active"
    assert BondFlag.objects.get().run_id == first.pk
    second = sweep("2025-11-01")
    assert second.counts == {"flagged_before": 1}
    assert BondFlag.objects.count() == 1


def test_sweeping_again_decides_nothing_twice(traveller: Bonded) -> None:
    admit(grace())
    depart(grace(), on="2025-10-30")
    sweep("2025-10-31")
    events = BondEventRecord.objects.count()
    again = sweep("2025-10-31")
    assert again.counts == {}
    assert BondEventRecord.objects.count() == events


def test_every_decision_is_traceable_to_its_bond(traveller: Bonded) -> None:
    admit(grace())
    run = sweep("2025-11-05")
    decision = SweepDecision.objects.get(run=run)
    assert (decision.bond_id, decision.decision, decision.reason, decision.outcome) == (
        traveller.bond.pk,
        "suspect",
        "overstay",
        "applied",
    )
    chunk = AuditEvent.objects.filter(action="border.sweep_chunk").get()
    assert chunk.details["decisions"] == [[traveller.bond.number, "suspect", "overstay", "applied"]]
    assert AuditEvent.objects.filter(action="border.sweep_finished").get().details["counts"] == (
        run.counts
    )


def test_a_sweep_that_stopped_continues_where_it_stopped(traveller: Bonded) -> None:
    """Each chunk commits: a stop after the first keeps its decisions, and the next start
    finishes the rest without deciding the first chunk's bonds again."""
    amina = World(person("amina", Role.APPLICANT), traveller.people.officer)
    second = posted_case(amina)
    case_issue_visa(reference=second.reference, actor=amina.officer)
    swept: list[int] = []

    def stop_after_first_chunk(run: SweepRun) -> None:
        swept.append(run.cursor)
        raise KeyboardInterrupt

    first_bond = traveller.bond.pk
    with pytest.raises(KeyboardInterrupt):
        sweep("2025-12-15", chunk_span=first_bond, progress=stop_after_first_chunk)
    stopped = SweepRun.objects.get()
    assert (stopped.state, stopped.cursor) == (SweepRun.State.RUNNING, first_bond)
    assert state_of(traveller) == "cancelled"  # the visa expired unused: chunk one committed
    resumed = sweep("2025-12-15", chunk_span=first_bond)
    assert resumed.pk == stopped.pk
    assert resumed.state == SweepRun.State.FINISHED
    assert resumed.counts == {"cancel:visa_unused": 2}
    assert SweepDecision.objects.filter(bond=traveller.bond).count() == 1
    assert ledger_holds()


def test_an_unfinished_run_of_another_day_must_be_finished_first(traveller: Bonded) -> None:
    SweepRun.objects.create(as_of=D("2025-10-01"), started_by="t", upto=99, chunk_span=10)
    with pytest.raises(Conflict) as caught:
        sweep("2025-10-02")
    assert (caught.value.code, caught.value.field) == ("sweep_unfinished", "as_of")


def test_a_second_sweep_is_refused_while_another_holds_the_lock(traveller: Bonded) -> None:
    """The lock is held by another connection (as another process would hold it)."""
    held, release = threading.Event(), threading.Event()

    def other_sweep() -> None:
        try:
            with sweep_lock():
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_sweep)
    thread.start()
    try:
        assert held.wait(30)
        with pytest.raises(Conflict) as caught:
            sweep("2025-10-31")
    finally:
        release.set()
        thread.join()
    assert caught.value.code == "sweep_running"
    assert not SweepRun.objects.exists()
    assert sweep("2025-10-31").state == SweepRun.State.FINISHED
