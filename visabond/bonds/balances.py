"""Where a bond's money stands in each state: the ledger invariant `ledger verify` checks
per bond. Plain Python, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from visabond.bonds.lifecycle import BondState
from visabond.ledger.invariants import ZERO, Break
from visabond.ledger.postings import Account


def expected_bond_balances(state: BondState, amount: Decimal) -> dict[Account, Decimal]:
    """The balances a bond's own transactions leave, on each account's normal side.

    A bond's money enters escrow when it is posted and leaves only when the refund is paid;
    a bond paid from unapplied receipts brought its cash with it there, so its own escrow
    balance may be zero: escrow is checked per currency (invariant 3), not per bond.
    """
    owed = amount if state.holds_money else ZERO
    payable = amount if state is BondState.CANCELLED else ZERO
    forfeited = amount if state is BondState.FORFEITED else ZERO
    return {
        Account.OBLIGOR_LIABILITY: owed,
        Account.REFUNDS_PAYABLE: payable,
        Account.FORFEITED: forfeited,
    }


def bond_mismatch(
    number: str, state: BondState, amount: Decimal, actual: Mapping[Account, Decimal]
) -> Break | None:
    """A break of invariant 4 for one bond, or None when its balances fit its state."""
    expected = expected_bond_balances(state, amount)
    wrong = [
        f"{account} {actual.get(account, ZERO)} (expected {value})"
        for account, value in expected.items()
        if actual.get(account, ZERO) != value
    ]
    if not wrong:
        return None
    return Break("bond balances", f"bond {number} ({state})", "; ".join(wrong))
