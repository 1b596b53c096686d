"""Two sweeps started at once on real concurrent PostgreSQL connections: one sweeps, the other
is refused (or finds nothing left), and every bond is decided exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests.border_world import bonded, cloned_bond
from tests.casework_world import ledger_holds
from tests.concurrency import at_once, on_postgresql
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond, BondEventRecord
from visabond.border.models import SweepDecision, SweepRun
from visabond.border.sweep_services import sweep_run
from visabond.core.errors import Conflict

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pilot")]

BONDS = 30


def unused_visas(count: int) -> None:
    """`count` more active bonds whose visas expired on 2025-11-29 unused, each with its
    receipt in the ledger (built directly: the race is the subject, not the casework)."""
    base = bonded()
    with transaction.atomic():
        for index in range(count):
            cloned_bond(base, f"SW-{index:04d}", receipt=True)


def test_two_sweeps_at_once_decide_each_bond_once() -> None:
    on_postgresql()
    unused_visas(BONDS)

    def sweep() -> SweepRun:
        return sweep_run(as_of=dt.date(2025, 12, 1), actor="visabond sweep", chunk_span=3)

    results = at_once(sweep, sweep)
    refused = [r for r in results if isinstance(r, Conflict)]
    finished = [r for r in results if isinstance(r, SweepRun)]
    assert len(refused) + len(finished) == 2, results
    assert all(r.code == "sweep_running" for r in refused)
    assert not Bond.objects.filter(state=BondState.ACTIVE).exists()
    cancels = BondEventRecord.objects.filter(event="cancel")
    assert cancels.count() == cancels.values("bond").distinct().count() == BONDS + 1
    applied = SweepDecision.objects.filter(outcome="applied")
    assert applied.count() == applied.values("bond").distinct().count() == BONDS + 1
    assert ledger_holds()
