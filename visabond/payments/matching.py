"""What becomes of money received: applied to a directed bond, unapplied, or quarantined.

Plain Python, no Django. The program's rule (travel.state.gov, the pilot's terms): the
applicant pays only after a consular officer directs the bond, and money paid without a
direction is not returned. So:

- a payment that matches a bond awaiting payment (same bond, case, currency and amount)
  posts it;
- a payment that names no bond, or one the program never directed, is *unapplied*: kept in
  the unapplied receipts account, not returned unless a finance officer records an
  exception with a reason;
- a payment that names a directed bond but does not match it (another amount, currency or
  case, a bond already paid, a direction that lapsed) is *quarantined*: kept in the same
  account until a finance officer applies it to a case or returns it to the payer.

Either way the money is recorded the moment it arrives; nothing received is ever dropped.
A finance officer's later decision (`finance_decision`) applies quarantined money to a
directed bond or *returns* it; unapplied money is returned only as a recorded exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from visabond.bonds.lifecycle import BondState
from visabond.core.errors import Conflict
from visabond.core.money import Money


class Disposition(StrEnum):
    APPLIED = "applied"  # posted the bond it named (or that finance chose)
    UNAPPLIED = "unapplied"  # no direction: kept under the program's rule
    QUARANTINED = "quarantined"  # named a direction but did not match it: for finance
    RETURNED = "returned"  # finance decided to return it to the payer


@dataclass(frozen=True, slots=True)
class BondAwaiting:
    """What a payment is matched against: the bond its reference names."""

    number: str
    state: BondState
    amount: Money
    case_reference: str = ""


@dataclass(frozen=True, slots=True)
class Matched:
    """The disposition, why, and (when not applied) the code and the field that did not match."""

    disposition: Disposition
    reason: str
    code: str = ""
    field: str = ""


def match_payment(paid: Money, bond: BondAwaiting | None, *, named_case: str = "") -> Matched:
    """Decide what a payment of `paid` for `bond` (None: no directed bond found) becomes.

    `named_case` is the case reference the payer gave beside the bond's number, if any: a
    bond of another case is not this payment's bond.
    """
    if bond is None:
        return Matched(
            Disposition.UNAPPLIED,
            "no bond was directed under this reference",
            code="bond_not_directed",
            field="reference",
        )
    if named_case and bond.case_reference and named_case != bond.case_reference:
        return Matched(
            Disposition.QUARANTINED,
            f"names case {named_case}; bond {bond.number} is of case {bond.case_reference}",
            code="case_mismatch",
            field="case_reference",
        )
    if bond.state is not BondState.DIRECTED:
        return Matched(
            Disposition.QUARANTINED,
            f"bond {bond.number} is {bond.state}, not awaiting payment",
            code="bond_state",
            field="reference",
        )
    if paid.currency != bond.amount.currency:
        return Matched(
            Disposition.QUARANTINED,
            f"paid in {paid.currency}; bond {bond.number} is in {bond.amount.currency}",
            code="currency_mismatch",
            field="currency",
        )
    if paid.amount != bond.amount.amount:
        return Matched(
            Disposition.QUARANTINED,
            f"paid {paid}; bond {bond.number} was directed for {bond.amount}",
            code="amount_mismatch",
            field="amount",
        )
    return Matched(Disposition.APPLIED, f"posts bond {bond.number}")


class FinanceDecision(StrEnum):
    APPLY = "apply"
    RETURN = "return"


def finance_decision(
    disposition: Disposition, decision: FinanceDecision, *, exception: bool = False
) -> Disposition:
    """The disposition a finance officer's decision leaves, or `Conflict` naming the rule.

    Quarantined money may be applied to a directed bond or returned to the payer. Money paid
    without a direction is not returned (the program's rule), except when the officer
    records an exception with a reason (`exception`); it is not applied, since a bond is
    paid only after its direction. Applied and returned money is decided already.
    """
    if disposition is Disposition.QUARANTINED:
        return Disposition.APPLIED if decision is FinanceDecision.APPLY else Disposition.RETURNED
    if disposition is Disposition.UNAPPLIED:
        if decision is FinanceDecision.RETURN and exception:
            return Disposition.RETURNED
        if decision is FinanceDecision.RETURN:
            raise Conflict(
                "money paid without a direction is not returned (the program's rule); "
                "record an exception, with its reason, to return it",
                code="unapplied_not_returned",
                field="exception",
            )
        raise Conflict(
            "money paid without a direction is not applied to a bond: it stays unapplied "
            "unless returned as an exception",
            code="unapplied_not_applied",
            field="disposition",
        )
    raise Conflict(
        f"the payment is {disposition} already: only quarantined money awaits a decision",
        code="payment_disposition",
        field="disposition",
    )
