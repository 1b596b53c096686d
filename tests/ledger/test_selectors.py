"""`ledger verify` reads one state of the database, whatever is posted while it runs; the
balances on a day are read from its kept closing totals and agree with every entry's sum."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.concurrency import at_once, on_postgresql
from tests.conftest import usd
from tests.refunds_world import finance_officer, unapplied_receipt
from visabond.core.clock import frozen as today_is
from visabond.finance.services import ledger_verification_run
from visabond.ledger.models import LedgerDayClose
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances, account_balances_on, one_snapshot
from visabond.ledger.services import ledger_reverse


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


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


@pytest.mark.usefixtures("db")
def test_the_balances_on_a_day_read_the_kept_closes_and_equal_the_sum_of_every_entry() -> None:
    """The report of a day starts from the closing totals the last verification kept and
    adds what was posted since: the same figures as summing every entry, before, on, between
    and after the days money moved, before and after the verification."""
    first, second, verified = dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 9)
    finance = finance_officer()
    with today_is(noon(first)):
        unapplied_receipt("PAY-1", usd(100))
        unapplied_receipt("PAY-2", usd(250))
    with today_is(noon(second)):
        unapplied_receipt("PAY-3", usd(40))
        ledger_reverse(key="payment:PAY-2", reason="typed twice", actor=finance)
    with today_is(noon(verified)):
        row, _check = ledger_verification_run(actor=finance)
        unapplied_receipt("PAY-4", usd(7))
    with today_is(noon(verified + dt.timedelta(days=2))):
        unapplied_receipt("PAY-5", usd(3))
    assert row.closed_through == verified - dt.timedelta(days=1)
    assert LedgerDayClose.objects.filter(verification=row).count() > 0
    days = [first + dt.timedelta(days=n) for n in range(-1, 14)]
    for day in [*days, None]:
        assert account_balances_on(as_of=day) == account_balances(as_of=day), day
    escrow = (Account.ESCROW_CASH, "USD")
    assert account_balances_on(as_of=first - dt.timedelta(days=1)) == {}
    assert account_balances_on(as_of=second)[escrow] == usd(140).amount
    assert account_balances_on(as_of=None)[escrow] == usd(150).amount
    # A closed day is read from the kept closes alone, not from the entries.
    with CaptureQueriesContext(connection) as queries:
        account_balances_on(as_of=second + dt.timedelta(days=1))
    assert not [q["sql"] for q in queries if "ledger_ledgerentry" in q["sql"]]
