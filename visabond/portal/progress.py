"""Where an applicant's case and bond stand, as the portal tells it: the milestones of the
journey, the next step with its deadline, and the refund clock.

Plain Python, no Django. The milestones follow the program's path (22 CFR 41.11(c) and the
Department of State's terms of the pilot): a bond is directed at the interview, paid only
after that direction, guarantees the annotated visa once it is issued; the traveller is
admitted and departs through the designated ports; the bond is then cancelled and refunded,
or, after an adjudicated breach, forfeited. A visa refused after payment cancels the bond
too. What has not happened yet is shown as to come; what the path skips is not shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Milestone(StrEnum):
    APPLIED = "applied"
    INTERVIEWED = "interviewed"
    DIRECTED = "directed"
    PAID = "paid"
    APPROVED = "approved"
    REFUSED = "refused"
    LAPSED = "lapsed"
    VISA_ISSUED = "visa_issued"
    ADMITTED = "admitted"
    DEPARTED = "departed"
    BREACH_SUSPECTED = "breach_suspected"
    FORFEITED = "forfeited"
    CANCELLED = "cancelled"
    REFUND_SENT = "refund_sent"
    REFUND_CONFIRMED = "refund_confirmed"


_TRAVEL = (Milestone.VISA_ISSUED, Milestone.ADMITTED, Milestone.DEPARTED)
_REFUND = (Milestone.CANCELLED, Milestone.REFUND_SENT, Milestone.REFUND_CONFIRMED)
_DECIDED = (Milestone.APPLIED, Milestone.INTERVIEWED)


def journey_path(
    *, case_state: str, bond_state: str | None, happened: Mapping[Milestone, object]
) -> tuple[Milestone, ...]:
    """The milestones of this case's path, in order, from its case and bond states and from
    what has happened (a cancellation after a refusal, a breach after admission)."""
    if case_state in ("submitted", "interviewed"):
        return (*_DECIDED, Milestone.DIRECTED, Milestone.PAID, *_TRAVEL)
    if bond_state is None:
        if case_state == "refused":
            return (*_DECIDED, Milestone.REFUSED)
        return (*_DECIDED, Milestone.APPROVED, *_TRAVEL)
    bonded = (*_DECIDED, Milestone.DIRECTED)
    if bond_state == "lapsed" or case_state == "lapsed":
        refused = (Milestone.REFUSED,) if case_state == "refused" else (Milestone.LAPSED,)
        return (*bonded, *refused)
    if case_state == "refused":
        return (*bonded, Milestone.PAID, Milestone.REFUSED, *_REFUND)
    if bond_state in ("breach_suspected", "breached", "forfeited") or (
        Milestone.BREACH_SUSPECTED in happened
    ):
        end: tuple[Milestone, ...] = (Milestone.BREACH_SUSPECTED,)
        end += (Milestone.FORFEITED,) if bond_state != "cancelled" else _REFUND
        return (*bonded, Milestone.PAID, *_TRAVEL, *end)
    return (*bonded, Milestone.PAID, *_TRAVEL, *_REFUND)


@dataclass(frozen=True, slots=True)
class Step:
    milestone: Milestone
    at: dt.datetime | None  # when it happened; None while it is to come

    @property
    def done(self) -> bool:
        return self.at is not None


def journey(
    *, case_state: str, bond_state: str | None, happened: Mapping[Milestone, dt.datetime]
) -> list[Step]:
    """The path's milestones, each with the moment it happened or None while to come.

    A milestone recorded elsewhere and not yet known here (admission and departure come from
    the border records; the refund's sending from the refund batches) simply stays to come.
    """
    path = journey_path(case_state=case_state, bond_state=bond_state, happened=happened)
    return [Step(m, happened.get(m)) for m in path]


class NextKind(StrEnum):
    ATTEND_INTERVIEW = "attend_interview"
    AWAIT_DECISION = "await_decision"
    PAY_BOND = "pay_bond"
    AWAIT_VISA = "await_visa"
    TRAVEL = "travel"
    AWAIT_REFUND = "await_refund"
    AWAIT_ADJUDICATION = "await_adjudication"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class NextStep:
    kind: NextKind
    deadline: dt.date | None = None
    days_left: int | None = None  # days from today to the deadline, negative when past


def next_step(
    *,
    case_state: str,
    bond_state: str | None,
    today: dt.date,
    payment_deadline: dt.date | None = None,
    visa_valid_until: dt.date | None = None,
    refund_due_on: dt.date | None = None,
) -> NextStep:
    """What the applicant does or waits for next, and by when.

    A directed bond is paid by its deadline (the program's period after the direction);
    an issued visa is used before it expires; a cancelled bond's refund is due on the
    program's promise; a breach waits for an adjudicator.
    """

    def by(kind: NextKind, deadline: dt.date | None) -> NextStep:
        left = None if deadline is None else (deadline - today).days
        return NextStep(kind, deadline, left)

    if bond_state == "cancelled":
        return by(NextKind.AWAIT_REFUND, refund_due_on)
    if bond_state in ("breach_suspected", "breached"):
        return NextStep(NextKind.AWAIT_ADJUDICATION)
    if case_state == "submitted":
        return NextStep(NextKind.ATTEND_INTERVIEW)
    if case_state == "interviewed":
        return NextStep(NextKind.AWAIT_DECISION)
    if case_state == "bond_directed":
        return by(NextKind.PAY_BOND, payment_deadline)
    if case_state in ("approved", "bond_posted"):
        return NextStep(NextKind.AWAIT_VISA)
    if case_state == "issued" and bond_state in (None, "active"):
        return by(NextKind.TRAVEL, visa_valid_until)
    return NextStep(NextKind.NONE)


@dataclass(frozen=True, slots=True)
class RefundClock:
    """Days since the bond's cancellation against the program's promise to refund."""

    cancelled_on: dt.date
    promise_days: int
    days_elapsed: int
    refunded_on: dt.date | None

    @property
    def due_on(self) -> dt.date:
        return self.cancelled_on + dt.timedelta(days=self.promise_days)

    @property
    def overdue(self) -> bool:
        """The promise is broken: no refund confirmed within its days."""
        return self.days_elapsed > self.promise_days and self.refunded_on is None

    @property
    def days_left(self) -> int:
        return self.promise_days - self.days_elapsed


def refund_clock(
    *, cancelled_on: dt.date, promise_days: int, today: dt.date, refunded_on: dt.date | None
) -> RefundClock:
    """The clock from the cancellation, stopped on the day the refund was confirmed.

    Counted in whole days: cancelled on the 1st and refunded on the 31st took 30 days,
    which keeps a 30-day promise.
    """
    end = refunded_on or today
    return RefundClock(
        cancelled_on=cancelled_on,
        promise_days=promise_days,
        days_elapsed=max(0, (end - cancelled_on).days),
        refunded_on=refunded_on,
    )
