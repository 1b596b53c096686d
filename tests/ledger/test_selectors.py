"""`ledger verify` reads one state of the database, whatever is posted while it runs."""

from __future__ import annotations

import pytest

from tests.concurrency import at_once, on_postgresql
from tests.conftest import usd
from tests.refunds_world import unapplied_receipt
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances, one_snapshot


@pytest.mark.django_db(transaction=True)
def test_money_posted_while_verify_reads_is_not_half_seen() -> None:
    on_postgresql()
    unapplied_receipt("PAY-1", usd(100))
    with one_snapshot():
        before = account_balances()
        (posted,) = at_once(lambda: unapplied_receipt("PAY-2", usd(50)))
        assert posted is None  # committed on its own connection
        assert account_balances() == before
    assert account_balances()[(Account.ESCROW_CASH, "USD")] == usd(150).amount
