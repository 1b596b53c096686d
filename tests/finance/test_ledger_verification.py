"""The ledger page shows the latest verification kept (its moment, who ran it, its figures)
instead of checking the whole ledger on every visit; a finance officer runs one on demand,
one at a time; `visabond ledger verify` keeps its result too, its exit codes unchanged."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tests.casework_world import person, today_is, world
from tests.concurrency import at_once, on_postgresql
from tests.pages import signed_in
from tests.refunds_world import cancelled_bond
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.core import clock
from visabond.core.errors import Conflict
from visabond.finance.services import _started, ledger_verification_run
from visabond.ledger.models import LedgerVerification

Outcome = LedgerVerification.Outcome
ROUNDS = 20


def test_a_visit_shows_the_kept_verification_and_runs_none(finance_client: Client) -> None:
    world()
    LedgerVerification.objects.create(
        started_at=clock.now() - dt.timedelta(hours=3),
        finished_at=clock.now() - dt.timedelta(hours=3),
        ran_by="visabond ledger verify",
        outcome=Outcome.BROKEN,
        transactions=1234567,
        breaks=["balanced: transaction T-1 does not balance"],
        reconciliation=[{"currency": "USD", "escrow_cash": "5.00", "claims": [], "bonds": []}],
    )
    html = finance_client.get("/finance/ledger/").content.decode()
    assert "(3\xa0hours ago) by visabond ledger verify" in html
    assert "transaction T-1 does not balance" in html
    assert "1234567 transactions" in html
    assert LedgerVerification.objects.count() == 1


def test_the_command_keeps_what_it_found_and_exits_as_before(pilot: None) -> None:
    people = world()
    cancelled_bond(people)
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    kept = LedgerVerification.objects.get()
    assert kept.outcome == Outcome.HOLDS
    assert kept.ran_by == "visabond ledger verify"
    assert f"{kept.transactions} transactions" in out.getvalue()
    usd = kept.reconciliation[0]
    assert usd["currency"] == "USD"
    assert ["refunds_payable", "10000.00"] in usd["claims"]


def test_a_second_run_is_refused_while_one_runs_and_a_dead_one_stops_blocking(
    finance: User,
) -> None:
    running = LedgerVerification.objects.create(ran_by="nadia")
    with pytest.raises(Conflict) as refused:
        ledger_verification_run(actor=finance)
    assert refused.value.code == "verification_running"
    assert "by nadia" in refused.value.message
    with today_is(clock.now() + dt.timedelta(minutes=31)):
        row, check = ledger_verification_run(actor=finance)
    assert check.holds
    assert row.outcome == Outcome.HOLDS
    assert row.ran_by == "fiona"
    running.refresh_from_db()
    assert running.outcome == Outcome.ABANDONED


def test_the_page_refuses_a_run_while_one_runs_and_an_auditor_runs_none(
    finance_client: Client,
) -> None:
    LedgerVerification.objects.create(ran_by="nadia")
    refused = finance_client.post("/finance/ledger/verify/")
    assert refused.status_code == 409
    assert 'id="verification-running"' in refused.content.decode()
    auditor = person("audrey", Role.AUDITOR)
    assert signed_in(auditor).post("/finance/ledger/verify/").status_code == 403
    assert LedgerVerification.objects.count() == 1


def test_runs_on_demand_are_rate_limited_per_officer(finance_client: Client, settings: Any) -> None:
    settings.LEDGER_VERIFY_RATE = "2/h"
    cache.clear()
    answers = [finance_client.post("/finance/ledger/verify/").status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert LedgerVerification.objects.filter(outcome=Outcome.HOLDS).count() == 2
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_two_officers_starting_a_verification_at_once_start_exactly_one(finance: User) -> None:
    on_postgresql()
    other = person("farid", Role.FINANCE_OFFICER)
    for _ in range(ROUNDS):
        results = at_once(lambda: _started(finance), lambda: _started(other))
        refusals = [r for r in results if isinstance(r, Conflict)]
        assert len(refusals) == 1
        assert refusals[0].code == "verification_running"
        assert LedgerVerification.objects.filter(outcome=Outcome.RUNNING).count() == 1
        LedgerVerification.objects.update(outcome=Outcome.ABANDONED)
