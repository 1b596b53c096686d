"""Two sweeps started at once on real concurrent PostgreSQL connections: one sweeps, the other
is refused (or finds nothing left), and every bond is decided exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests.border_world import bonded
from tests.casework_world import ledger_holds
from tests.concurrency import at_once, on_postgresql
from visabond.bonds.lifecycle import BondEvent, BondState, movement_key
from visabond.bonds.models import Bond, BondEventRecord
from visabond.border.models import SweepDecision, SweepRun
from visabond.border.sweep_services import sweep_run
from visabond.casework.models import Case, Visa
from visabond.core.errors import Conflict
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pilot")]

BONDS = 30


def unused_visas(count: int) -> None:
    """`count` active bonds whose visas expired on 2025-11-29 unused (built directly, each
    with its receipt in the ledger: the race is the subject, not the casework before it)."""
    base = bonded()
    with transaction.atomic():
        for index in range(count):
            case = Case.objects.get(pk=base.case.pk)
            case.pk, case.reference = None, f"C-SWEEP-{index:04d}"
            case.save()
            visa = Visa.objects.get(pk=base.visa.pk)
            visa.pk, visa.case, visa.number = None, case, f"VS{index:07d}"
            visa.save()
            bond = Bond.objects.create(
                number=f"B-SWEEP-{index:04d}",
                case=case,
                obligor_name="GRACE BANDA",
                amount=10000,
                currency="USD",
                state=BondState.ACTIVE,
                payment_deadline=dt.date(2025, 10, 1),
            )
            ledger_post(
                transfer(
                    TransactionKind.RECEIPT_APPLIED,
                    key=movement_key(bond.number, BondEvent.POST),
                    amount=bond.money,
                ),
                actor="test setup",
                bond_id=bond.pk,
            )


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
