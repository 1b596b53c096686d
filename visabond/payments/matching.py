"""What becomes of money received: applied to a directed bond, unapplied, or quarantined.

Plain Python, no Django. The program's rule (travel.state.gov, the pilot's terms): the
applicant pays only after a consular officer directs the bond, and money paid without a
direction is not returned. So:

- a payment that matches a bond awaiting payment (same bond, currency and amount) posts it;
- a payment that names no bond, or one the program never directed, is *unapplied*: kept in
  the unapplied receipts account, not returned unless a finance officer records an
  exception with a reason;
- a payment that names a directed bond but does not match it (another amount or currency,
  a bond already paid, a direction that lapsed) is *quarantined*: kept in the same account
  until a finance officer applies it to a case or returns it to the payer.

Either way the money is recorded the moment it arrives; nothing received is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from visabond.bonds.lifecycle import BondState
from visabond.core.money import Money


class Disposition(StrEnum):
    APPLIED = "applied"
    UNAPPLIED = "unapplied"
    QUARANTINED = "quarantined"


@dataclass(frozen=True, slots=True)
class BondAwaiting:
    """What a payment is matched against: the bond its reference names."""

    number: str
    state: BondState
    amount: Money


@dataclass(frozen=True, slots=True)
class Matched:
    disposition: Disposition
    reason: str


def match_payment(paid: Money, bond: BondAwaiting | None) -> Matched:
    """Decide what a payment of `paid` for `bond` (None: no directed bond found) becomes."""
    if bond is None:
        return Matched(Disposition.UNAPPLIED, "no bond was directed under this reference")
    if bond.state is not BondState.DIRECTED:
        return Matched(
            Disposition.QUARANTINED, f"bond {bond.number} is {bond.state}, not awaiting payment"
        )
    if paid.currency != bond.amount.currency:
        return Matched(
            Disposition.QUARANTINED,
            f"paid in {paid.currency}; bond {bond.number} is in {bond.amount.currency}",
        )
    if paid.amount != bond.amount.amount:
        return Matched(
            Disposition.QUARANTINED,
            f"paid {paid}; bond {bond.number} was directed for {bond.amount}",
        )
    return Matched(Disposition.APPLIED, f"posts bond {bond.number}")
