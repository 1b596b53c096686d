"""The bond's life under Form I-352 terms: states, the events that move it, and their money.

Plain Python, no Django. The program's rules (22 CFR 41.11(c) and the Department of State's
published terms of the pilot):

- an officer directs the bond; the applicant pays only after that direction (`post`); a
  direction not paid within the program's period lapses;
- the visa's issuance makes the bond guarantee its terms (`activate`);
- the bond is cancelled, and its money returned, when the holder departs on or before the
  end of the authorized stay, does not travel before the visa expires, is refused admission
  at the port of entry, or is refused the visa after posting (`cancel`); the refund is
  complete when the bank confirms it (`confirm_refund`);
- an overstay or an application to change or adjust status (asylum included) is a breach,
  but only an adjudicator decides it: the bond is first suspected (`suspect_breach`), then
  the breach is confirmed (`confirm_breach`) and the bond forfeited (`forfeit`, with the
  adjudication's reference); a contest reopens it (`reopen`), reversing a forfeiture.

`transition` returns the new state and the ledger movement the event makes, or raises
`Conflict` naming the current state; nothing else decides whether an event is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from visabond.core.errors import Conflict
from visabond.ledger.postings import TransactionKind


class BondState(StrEnum):
    DIRECTED = "directed"  # an officer directed the applicant to post it
    POSTED = "posted"  # the money was received and applied to the bond
    ACTIVE = "active"  # the visa was issued: the bond guarantees its terms
    CANCELLED = "cancelled"  # terms kept, or bond no longer needed: refund due
    REFUNDED = "refunded"  # the bank confirmed the refund
    BREACH_SUSPECTED = "breach_suspected"  # evidence of a breach, for an adjudicator
    BREACHED = "breached"  # an adjudicator confirmed the breach
    FORFEITED = "forfeited"  # the money went to the treasury
    LAPSED = "lapsed"  # directed but not paid within the program's period

    @property
    def holds_money(self) -> bool:
        """Whether the program owes this bond's amount to its obligor in this state."""
        return self in HOLDING


HOLDING = frozenset(
    {BondState.POSTED, BondState.ACTIVE, BondState.BREACH_SUSPECTED, BondState.BREACHED}
)
FINAL = frozenset({BondState.REFUNDED, BondState.LAPSED})


class BondEvent(StrEnum):
    POST = "post"
    LAPSE = "lapse"
    ACTIVATE = "activate"
    CANCEL = "cancel"
    CONFIRM_REFUND = "confirm_refund"
    SUSPECT_BREACH = "suspect_breach"
    CONFIRM_BREACH = "confirm_breach"
    FORFEIT = "forfeit"
    REOPEN = "reopen"


class CancelReason(StrEnum):
    """Why a bond is returned (travel.state.gov's terms of the pilot), or why it is not needed."""

    DEPARTED_ON_TIME = "departed_on_time"
    VISA_UNUSED = "visa_unused"  # did not travel before the visa expired
    ADMISSION_REFUSED = "admission_refused"  # refused admission at the port of entry
    VISA_REFUSED = "visa_refused"  # refused after posting: a bond does not guarantee issuance
    BREACH_NOT_CONFIRMED = "breach_not_confirmed"  # an adjudicator found no breach


class BreachGround(StrEnum):
    """What makes a breach of the I-352 terms (travel.state.gov's terms of the pilot)."""

    OVERSTAY = "overstay"  # no departure by the end of the authorized stay
    LATE_DEPARTURE = "late_departure"  # departed, but after the end of the authorized stay
    STATUS_CHANGE = "status_change"  # applied to change or adjust status
    ASYLUM = "asylum"  # an asylum application is an application to change status
    UNAUTHORIZED_WORK = "unauthorized_work"


# For each event, the states it may start from and the state it leads to.
TRANSITIONS: dict[BondEvent, tuple[frozenset[BondState], BondState]] = {
    BondEvent.POST: (frozenset({BondState.DIRECTED}), BondState.POSTED),
    BondEvent.LAPSE: (frozenset({BondState.DIRECTED}), BondState.LAPSED),
    BondEvent.ACTIVATE: (frozenset({BondState.POSTED}), BondState.ACTIVE),
    BondEvent.CANCEL: (
        frozenset(
            {BondState.POSTED, BondState.ACTIVE, BondState.BREACH_SUSPECTED, BondState.BREACHED}
        ),
        BondState.CANCELLED,
    ),
    BondEvent.CONFIRM_REFUND: (frozenset({BondState.CANCELLED}), BondState.REFUNDED),
    BondEvent.SUSPECT_BREACH: (frozenset({BondState.ACTIVE}), BondState.BREACH_SUSPECTED),
    BondEvent.CONFIRM_BREACH: (frozenset({BondState.BREACH_SUSPECTED}), BondState.BREACHED),
    BondEvent.FORFEIT: (frozenset({BondState.BREACHED}), BondState.FORFEITED),
    BondEvent.REOPEN: (
        frozenset({BondState.BREACHED, BondState.FORFEITED}),
        BondState.BREACH_SUSPECTED,
    ),
}

# The movement of money each event makes, where it makes one.
MOVEMENT: dict[BondEvent, TransactionKind] = {
    BondEvent.POST: TransactionKind.RECEIPT_APPLIED,
    BondEvent.CANCEL: TransactionKind.BOND_CANCELLED,
    BondEvent.CONFIRM_REFUND: TransactionKind.REFUND_PAID,
    BondEvent.FORFEIT: TransactionKind.BOND_FORFEITED,
}


@dataclass(frozen=True, slots=True)
class Transition:
    """What an event does to a bond: its next state and the ledger movement, if any."""

    event: BondEvent
    before: BondState
    after: BondState
    movement: TransactionKind | None


def transition(state: BondState, event: BondEvent) -> Transition:
    """The effect of `event` on a bond in `state`.

    Raises `Conflict` (code `bond_state`, field `state`) naming the current state when the
    event is not allowed from it. A contest reopening a forfeited bond reverses the
    forfeiture, so it moves money back from the treasury account.
    """
    allowed_from, after = TRANSITIONS[event]
    if state not in allowed_from:
        allowed = ", ".join(sorted(allowed_from))
        raise Conflict(
            f"the bond is {state}: {event} applies only to a bond that is {allowed}",
            code="bond_state",
            field="state",
        )
    movement = MOVEMENT.get(event)
    if event is BondEvent.REOPEN and state is BondState.FORFEITED:
        movement = TransactionKind.FORFEITURE_REVERSED
    return Transition(event=event, before=state, after=after, movement=movement)


def movement_key(bond_number: str, event: BondEvent, occurrence: int = 1) -> str:
    """The ledger idempotency key of an event's movement: one movement per bond and event.

    A bond can be reopened and forfeited again after a contest; `occurrence` counts those
    rounds so the second forfeiture has a key of its own.
    """
    suffix = "" if occurrence == 1 else f":{occurrence}"
    return f"bond:{bond_number}:{event}{suffix}"
