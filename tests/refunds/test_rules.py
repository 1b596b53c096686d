"""What a bank's status does to a transfer, and the refund clock against the promise."""

from __future__ import annotations

import datetime as dt

import pytest

from visabond.core.errors import Conflict
from visabond.refunds.rules import Outcome, TransferState, outcome_of, refund_clock, transfer_settle


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("ACSC", Outcome.PAID),
        ("ACCP", Outcome.PAID),
        ("acsc", Outcome.PAID),
        ("RJCT", Outcome.REJECTED),
        ("PDNG", Outcome.INTERIM),
        ("ACSP", Outcome.INTERIM),
        ("ACTC", Outcome.INTERIM),
    ],
)
def test_settlement_and_customer_acceptance_pay_rejection_fails_the_rest_wait(
    code: str, outcome: Outcome
) -> None:
    assert outcome_of(code) is outcome


@pytest.mark.parametrize("outcome", [Outcome.PAID, Outcome.REJECTED])
def test_a_sent_transfer_takes_a_final_status(outcome: Outcome) -> None:
    assert transfer_settle(TransferState.SENT, outcome, end_to_end_id="R-A-1") is True


@pytest.mark.parametrize("state", list(TransferState))
def test_an_interim_status_changes_nothing_whenever_it_arrives(state: TransferState) -> None:
    assert transfer_settle(state, Outcome.INTERIM, end_to_end_id="R-A-1") is False


@pytest.mark.parametrize(
    ("state", "outcome"),
    [(TransferState.PAID, Outcome.PAID), (TransferState.REJECTED, Outcome.REJECTED)],
)
def test_the_same_final_status_twice_changes_nothing(
    state: TransferState, outcome: Outcome
) -> None:
    assert transfer_settle(state, outcome, end_to_end_id="R-A-1") is False


@pytest.mark.parametrize(
    ("state", "outcome"),
    [(TransferState.PAID, Outcome.REJECTED), (TransferState.REJECTED, Outcome.PAID)],
)
def test_the_opposite_of_a_final_status_is_a_conflict_naming_the_transfer(
    state: TransferState, outcome: Outcome
) -> None:
    with pytest.raises(Conflict) as refused:
        transfer_settle(state, outcome, end_to_end_id="R-A-1")
    assert (refused.value.code, refused.value.field) == (
        "transfer_status_contradicts",
        "OrgnlEndToEndId",
    )
    assert "R-A-1" in refused.value.message


def test_the_clock_counts_days_since_cancellation_against_the_promise() -> None:
    clock = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2025, 9, 21),
        refunded_on=None,
    )
    assert (clock.days_elapsed, clock.days_left, clock.due_by, clock.overdue) == (
        20,
        10,
        dt.date(2025, 10, 1),
        False,
    )


def test_the_promise_is_kept_on_its_last_day_and_broken_the_day_after() -> None:
    def on(day: dt.date) -> bool:
        return refund_clock(
            cancelled_on=dt.date(2025, 9, 1), promise_days=30, today=day, refunded_on=None
        ).overdue

    assert on(dt.date(2025, 10, 1)) is False
    assert on(dt.date(2025, 10, 2)) is True


def test_the_clock_stops_when_the_bank_confirms_the_refund() -> None:
    clock = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2026, 1, 1),
        refunded_on=dt.date(2025, 9, 12),
    )
    assert (clock.days_elapsed, clock.overdue) == (11, False)
