"""What the obligor and the finance officer see of a refund: where it stands, and its clock."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.casework_world import posted_case, today_is, world
from tests.refunds_world import (
    account_for,
    cancelled_bond,
    end_to_end_ids,
    escrow_usd,
    status_report,
)
from visabond.bonds.models import BondTerms
from visabond.refunds.confirmation_services import refund_confirmation_import
from visabond.refunds.selectors import refund_clock_of_bond, refund_clocks, refund_of_bond
from visabond.refunds.services import refund_batch_create

pytestmark = pytest.mark.usefixtures("pilot")
CANCELLED_ON = dt.date(2025, 9, 1)  # the pilot fixture's day


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def test_a_bond_still_held_is_owed_no_refund() -> None:
    case = posted_case(world())
    assert refund_of_bond(case.bond) is None
    assert refund_clock_of_bond(case.bond) is None


def test_the_refund_waits_for_the_obligors_account_then_goes_out_then_is_paid() -> None:
    people = world()
    bond = cancelled_bond(people, with_account=False)
    view = refund_of_bond(bond)
    assert view is not None
    assert (view.state, str(view.amount)) == ("awaiting_account", "10,000.00 USD")
    account_for(people.applicant)
    assert refund_of_bond(bond).state == "due"  # type: ignore[union-attr]
    escrow_usd()
    batch = refund_batch_create(actor="visabond refunds batch").batch
    assert batch is not None
    (sent,) = end_to_end_ids(batch.document)
    view = refund_of_bond(bond)
    assert view is not None
    assert view.state == "sent"
    assert [(t.end_to_end_id, t.account) for t in view.transfers] == [(sent, "1002345678")]
    refund_confirmation_import(
        content=status_report(batch.document, {sent: "ACSC"}), name="s.xml", actor="test"
    )
    bond.refresh_from_db()
    assert refund_of_bond(bond).state == "paid"  # type: ignore[union-attr]


def test_a_rejected_transfer_shows_its_reason_to_the_obligor() -> None:
    bond = cancelled_bond(world())
    escrow_usd()
    batch = refund_batch_create(actor="visabond refunds batch").batch
    assert batch is not None
    (sent,) = end_to_end_ids(batch.document)
    refund_confirmation_import(
        content=status_report(batch.document, {sent: ("RJCT", "AC04")}), name="s", actor="test"
    )
    view = refund_of_bond(bond)
    assert view is not None
    assert view.state == "due"
    assert [f.reason for f in view.failures] == ["AC04 - closed account number"]


def test_the_clock_counts_from_the_cancellation_against_the_programs_promise() -> None:
    bond = cancelled_bond(world())
    promise = BondTerms.objects.get(program__code="us-visa-bond-pilot").refund_promise_days
    clock = refund_clock_of_bond(bond, today=CANCELLED_ON + dt.timedelta(days=12))
    assert clock is not None
    assert (clock.cancelled_on, clock.days_elapsed, clock.promise_days) == (
        CANCELLED_ON,
        12,
        promise,
    )
    assert clock.overdue is False
    late = refund_clock_of_bond(bond, today=CANCELLED_ON + dt.timedelta(days=promise + 1))
    assert late is not None
    assert late.overdue is True


def test_the_clock_stops_on_the_day_the_bank_confirmed() -> None:
    bond = cancelled_bond(world())
    escrow_usd()
    batch = refund_batch_create(actor="visabond refunds batch").batch
    assert batch is not None
    (sent,) = end_to_end_ids(batch.document)
    with today_is(at(CANCELLED_ON + dt.timedelta(days=9))):
        refund_confirmation_import(
            content=status_report(batch.document, {sent: "ACSC"}), name="s", actor="test"
        )
    clock = refund_clock_of_bond(bond, today=CANCELLED_ON + dt.timedelta(days=200))
    assert clock is not None
    assert (clock.days_elapsed, clock.refunded_on, clock.overdue) == (
        9,
        CANCELLED_ON + dt.timedelta(days=9),
        False,
    )


def test_finance_sees_every_running_clock_longest_first() -> None:
    people = world()
    first = cancelled_bond(people)
    with today_is(at(CANCELLED_ON + dt.timedelta(days=5))):
        second = cancelled_bond(people, passport="MA7654321", with_account=False)
    rows = refund_clocks(today=CANCELLED_ON + dt.timedelta(days=20))
    assert [(r.bond_number, r.clock.days_elapsed) for r in rows] == [
        (first.number, 20),
        (second.number, 15),
    ]
