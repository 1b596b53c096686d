"""A refund and a forfeiture racing on one breached bond, on real concurrent PostgreSQL
connections: exactly one is applied, the other is refused naming the state the first left.

SQLite has no row locks; there every transaction starts with BEGIN IMMEDIATE (settings), which
takes the database's one write lock at once, so two writers are serialised the same way (the
PostgreSQL pass runs these tests; an in-memory SQLite database is a single connection).
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.casework_world import ledger_holds, posted_case, world
from tests.concurrency import at_once, on_postgresql
from visabond.bonds.lifecycle import BondEvent, BondState, CancelReason, movement_key
from visabond.bonds.models import Bond
from visabond.bonds.services import bond_cancel, bond_forfeit
from visabond.core.errors import Conflict
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post

ROUNDS = 200


def breached_bonds(count: int) -> list[str]:
    """`count` bonds posted and breached, each with its receipt in the ledger (built directly:
    the race is the subject, not the casework before it)."""
    case = posted_case(world())
    applicant, deadline = case.applicant, case.bond.payment_deadline
    numbers = []
    with transaction.atomic():
        for index in range(count):
            case.pk = None
            case.reference = f"C-RACE-{index:04d}"
            case.save()
            bond = Bond.objects.create(
                number=f"B-RACE-{index:04d}",
                case=case,
                obligor=applicant,
                obligor_name="GRACE BANDA",
                amount=10000,
                currency="USD",
                state=BondState.BREACHED,
                payment_deadline=deadline,
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
            numbers.append(bond.number)
    return numbers


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pilot")
def test_a_refund_and_a_forfeiture_racing_on_a_breached_bond_apply_exactly_one() -> None:
    on_postgresql()
    for number in breached_bonds(ROUNDS):
        results = at_once(
            lambda n=number: bond_cancel(
                bond_number=n,
                reason=CancelReason.BREACH_NOT_CONFIRMED,
                note="contest upheld",
                actor="adjudicator",
            ),
            lambda n=number: bond_forfeit(
                bond_number=n, adjudication_reference="ADJ-1", actor="adjudicator"
            ),
        )
        state = Bond.objects.get(number=number).state
        (refusal,) = [r for r in results if isinstance(r, Exception)]
        assert [type(r) for r in results if r is not refusal] == [Bond]
        assert isinstance(refusal, Conflict)
        assert refusal.code == "bond_state"
        assert f"the bond is {state}" in refusal.message
        moved = LedgerTransaction.objects.filter(
            bond__number=number, kind__in=["bond_cancelled", "bond_forfeited"]
        )
        expected = "bond_cancelled" if state == BondState.CANCELLED else "bond_forfeited"
        assert list(moved.values_list("kind", flat=True)) == [expected]
    assert ledger_holds()
