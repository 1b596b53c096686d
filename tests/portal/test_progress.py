"""Where an applicant's case and bond stand, as plain rules: the journey's milestones, the
next step with its deadline, the refund clock."""

from __future__ import annotations

import datetime as dt

from visabond.portal.progress import (
    Milestone,
    NextKind,
    journey,
    journey_path,
    next_step,
    refund_clock,
)

AT = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
M = Milestone


def test_a_bonded_journey_runs_from_direction_to_the_refund_confirmed() -> None:
    path = journey_path(case_state="issued", bond_state="active", happened={})
    assert path == (
        M.APPLIED,
        M.INTERVIEWED,
        M.DIRECTED,
        M.PAID,
        M.VISA_ISSUED,
        M.ADMITTED,
        M.DEPARTED,
        M.CANCELLED,
        M.REFUND_SENT,
        M.REFUND_CONFIRMED,
    )


def test_a_refusal_after_posting_goes_straight_to_the_refund() -> None:
    """A bond does not guarantee issuance: refused after payment, the bond is returned."""
    path = journey_path(case_state="refused", bond_state="cancelled", happened={})
    assert path == (
        M.APPLIED,
        M.INTERVIEWED,
        M.DIRECTED,
        M.PAID,
        M.REFUSED,
        M.CANCELLED,
        M.REFUND_SENT,
        M.REFUND_CONFIRMED,
    )


def test_a_lapsed_direction_ends_the_journey() -> None:
    path = journey_path(case_state="lapsed", bond_state="lapsed", happened={})
    assert path[-2:] == (M.DIRECTED, M.LAPSED)


def test_an_approval_without_a_bond_has_no_bond_milestones() -> None:
    path = journey_path(case_state="issued", bond_state=None, happened={})
    assert M.DIRECTED not in path
    assert M.CANCELLED not in path
    assert path[2:4] == (M.APPROVED, M.VISA_ISSUED)


def test_a_forfeited_bond_shows_the_breach_not_the_refund() -> None:
    path = journey_path(case_state="issued", bond_state="forfeited", happened={})
    assert path[-2:] == (M.BREACH_SUSPECTED, M.FORFEITED)
    assert M.REFUND_SENT not in path


def test_a_breach_not_confirmed_goes_on_to_the_refund() -> None:
    path = journey_path(
        case_state="issued", bond_state="cancelled", happened={M.BREACH_SUSPECTED: AT}
    )
    assert path[-4:] == (M.BREACH_SUSPECTED, M.CANCELLED, M.REFUND_SENT, M.REFUND_CONFIRMED)


def test_what_happened_is_dated_and_the_rest_is_to_come() -> None:
    steps = journey(
        case_state="bond_directed",
        bond_state="directed",
        happened={M.APPLIED: AT, M.INTERVIEWED: AT, M.DIRECTED: AT},
    )
    assert [s.milestone for s in steps if s.done] == [M.APPLIED, M.INTERVIEWED, M.DIRECTED]
    assert next(s.milestone for s in steps if not s.done) == M.PAID


def test_a_directed_bond_is_paid_by_its_deadline() -> None:
    step = next_step(
        case_state="bond_directed",
        bond_state="directed",
        today=dt.date(2025, 9, 21),
        payment_deadline=dt.date(2025, 10, 1),
    )
    assert (step.kind, step.deadline, step.days_left) == (
        NextKind.PAY_BOND,
        dt.date(2025, 10, 1),
        10,
    )


def test_a_passed_deadline_counts_negative_days() -> None:
    step = next_step(
        case_state="bond_directed",
        bond_state="directed",
        today=dt.date(2025, 10, 3),
        payment_deadline=dt.date(2025, 10, 1),
    )
    assert step.days_left == -2


def test_an_issued_visa_is_used_before_it_expires_and_a_cancelled_bond_awaits_its_refund() -> None:
    travel = next_step(
        case_state="issued",
        bond_state="active",
        today=dt.date(2025, 9, 1),
        visa_valid_until=dt.date(2025, 11, 29),
    )
    assert (travel.kind, travel.deadline) == (NextKind.TRAVEL, dt.date(2025, 11, 29))
    refund = next_step(
        case_state="refused",
        bond_state="cancelled",
        today=dt.date(2025, 9, 5),
        refund_due_on=dt.date(2025, 10, 1),
    )
    assert (refund.kind, refund.days_left) == (NextKind.AWAIT_REFUND, 26)


def test_closed_cases_need_nothing_more() -> None:
    for case_state, bond_state in (("refused", None), ("lapsed", "lapsed"), ("issued", "refunded")):
        step = next_step(case_state=case_state, bond_state=bond_state, today=dt.date(2025, 9, 1))
        assert step.kind is NextKind.NONE


def test_the_refund_clock_counts_days_since_cancellation_against_the_promise() -> None:
    ticking = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2025, 9, 13),
        refunded_on=None,
    )
    assert (ticking.days_elapsed, ticking.days_left, ticking.overdue) == (12, 18, False)
    assert ticking.due_on == dt.date(2025, 10, 1)


def test_the_refund_is_late_the_day_after_the_promise() -> None:
    on_the_day = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2025, 10, 1),
        refunded_on=None,
    )
    late = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2025, 10, 2),
        refunded_on=None,
    )
    assert not on_the_day.overdue
    assert late.overdue


def test_the_refund_clock_stops_when_the_refund_is_confirmed() -> None:
    stopped = refund_clock(
        cancelled_on=dt.date(2025, 9, 1),
        promise_days=30,
        today=dt.date(2025, 12, 1),
        refunded_on=dt.date(2025, 9, 20),
    )
    assert stopped.days_elapsed == 19
    assert not stopped.overdue
