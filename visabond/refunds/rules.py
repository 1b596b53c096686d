"""The refund's rules: its states, what a bank's status does to a transfer, and the promise.

Plain Python, no Django.

- A refund is `due` (the money is in refunds payable, waiting for the next batch), `sent`
  (a transfer is in a batch the bank has) or `paid` (the bank confirmed it). Money leaves the
  ledger only when it is paid; a rejected transfer puts the refund back to `due`, so the next
  batch tries again, and the rejection stays on record.
- A bank's status on a transfer (ISO 20022 ExternalPaymentTransactionStatus1Code): ACSC
  (settlement completed) and ACCP (accepted after the customer profile checks) are taken as
  paid, as the program's bank agreement has it; RJCT is a rejection with its reason; any other
  status (PDNG, ACTC, ACSP...) is interim and changes nothing.
- Each transfer is settled once: the same status again is nothing (a report imported twice, a
  bank repeating itself), a late interim status is nothing, and the opposite final status is
  a conflict for a person (money may have left twice), never applied.
- The program promises the refund within `BondTerms.refund_promise_days` of the cancellation;
  the clock runs until the bank confirms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from visabond.core.errors import Conflict


class RefundState(StrEnum):
    DUE = "due"
    SENT = "sent"
    PAID = "paid"


class TransferState(StrEnum):
    SENT = "sent"
    PAID = "paid"
    REJECTED = "rejected"


class Outcome(StrEnum):
    PAID = "paid"
    REJECTED = "rejected"
    INTERIM = "interim"


PAID_STATUSES = frozenset({"ACSC", "ACCP"})
REJECTED_STATUSES = frozenset({"RJCT"})


def outcome_of(status: str) -> Outcome:
    """What a bank's status code means for a transfer (ISO 20022 status codes)."""
    code = status.strip().upper()
    if code in PAID_STATUSES:
        return Outcome.PAID
    if code in REJECTED_STATUSES:
        return Outcome.REJECTED
    return Outcome.INTERIM


def transfer_settle(state: TransferState, outcome: Outcome, *, end_to_end_id: str) -> bool:
    """Whether `outcome` changes a transfer in `state` (True: apply it; False: nothing to do).

    Raises `Conflict` (`transfer_status_contradicts`, field `OrgnlEndToEndId`) naming the
    transfer when the bank reports the opposite of a final status it already gave.
    """
    if outcome is Outcome.INTERIM:
        return False
    if state is TransferState.SENT:
        return True
    if state.value == outcome.value:
        return False
    raise Conflict(
        f"the bank reports transfer {end_to_end_id} as {outcome} but it was already "
        f"{state}: nothing is applied, the file is kept for a finance officer",
        code="transfer_status_contradicts",
        field="OrgnlEndToEndId",
    )


@dataclass(frozen=True, slots=True)
class RefundClock:
    """Days since the cancellation, against the days the program promises.

    `days_elapsed` stops on the day the bank confirmed the refund (`refunded_on`).
    """

    cancelled_on: dt.date
    promise_days: int
    refunded_on: dt.date | None
    days_elapsed: int

    @property
    def due_by(self) -> dt.date:
        return self.cancelled_on + dt.timedelta(days=self.promise_days)

    @property
    def days_left(self) -> int:
        """Days until the promise falls due (negative once past it)."""
        return self.promise_days - self.days_elapsed

    @property
    def overdue(self) -> bool:
        """The promise is broken: more days went by than promised before the refund arrived."""
        return self.days_elapsed > self.promise_days


def refund_clock(
    *, cancelled_on: dt.date, promise_days: int, today: dt.date, refunded_on: dt.date | None
) -> RefundClock:
    """The refund clock of a bond cancelled on `cancelled_on` (calendar days, UTC)."""
    end = refunded_on or today
    return RefundClock(
        cancelled_on=cancelled_on,
        promise_days=promise_days,
        refunded_on=refunded_on,
        days_elapsed=max(0, (end - cancelled_on).days),
    )
