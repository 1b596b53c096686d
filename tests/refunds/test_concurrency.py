"""Batches and confirmations made at once, on real concurrent PostgreSQL connections (each
thread is a session of its own, as two `visabond refunds` processes would be): no refund is in
two batches, and a confirmation imported twice at once posts once.

SQLite serialises writers with BEGIN IMMEDIATE (settings); the PostgreSQL pass runs these.
"""

from __future__ import annotations

import pytest

from tests.casework_world import ledger_holds, world
from tests.concurrency import at_once, on_postgresql
from tests.conftest import usd
from tests.refunds_world import (
    cancelled_bond,
    end_to_end_ids,
    escrow_usd,
    return_payment,
    status_report,
    unapplied_receipt,
)
from visabond.ledger.models import LedgerTransaction
from visabond.refunds.confirmation_services import (
    ConfirmationOutcome,
    refund_confirmation_import,
)
from visabond.refunds.models import ConfirmationFile, Refund, RefundBatch, RefundTransfer
from visabond.refunds.services import BatchOutcome, refund_batch_create

ROUNDS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pilot")
def test_two_batches_made_at_once_never_put_a_refund_in_both() -> None:
    on_postgresql()
    people = world()
    cancelled_bond(people)
    escrow_usd()
    for round_ in range(ROUNDS):
        reference = f"PAY-{round_}"
        unapplied_receipt(reference, usd(100))
        return_payment(reference, usd(100), actor="finance")
        results = at_once(*[lambda: refund_batch_create(actor="visabond refunds batch")] * 2)
        assert all(isinstance(r, BatchOutcome) for r in results), results
        made = [r.batch for r in results if isinstance(r, BatchOutcome) and r.batch is not None]
        assert len(made) == 1
    for refund in Refund.objects.all():
        assert refund.transfers.count() == 1, refund
    assert RefundTransfer.objects.count() == Refund.objects.count() == ROUNDS + 1
    assert RefundBatch.objects.count() == ROUNDS


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pilot")
def test_a_confirmation_imported_by_two_at_once_posts_once() -> None:
    on_postgresql()
    escrow_usd()
    for round_ in range(ROUNDS):
        reference = f"PAY-{round_}"
        unapplied_receipt(reference, usd(100))
        refund = return_payment(reference, usd(100), actor="finance")
        batch = refund_batch_create(actor="visabond refunds batch").batch
        assert batch is not None
        content = status_report(
            batch.document, dict.fromkeys(end_to_end_ids(batch.document), "ACSC")
        )
        results = at_once(
            *[
                lambda c=content: refund_confirmation_import(
                    content=c, name="s.xml", actor="finance"
                )
            ]
            * 2
        )
        assert all(isinstance(r, ConfirmationOutcome) for r in results), results
        paid = [r.paid for r in results if isinstance(r, ConfirmationOutcome)]
        assert sorted(paid, key=len) == [[], [f"{refund.number}-1"]]
        assert LedgerTransaction.objects.filter(key=f"refund:{refund.number}:paid").count() == 1
    assert ConfirmationFile.objects.count() == ROUNDS
    assert ledger_holds()
