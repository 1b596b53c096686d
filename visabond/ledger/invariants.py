"""What must hold of the ledger at every moment, as plain rules `ledger verify` checks.

Plain Python, no Django. The database hands over totals (per transaction, per account, per
bond); these functions say whether they are right:

1. every transaction balances in each currency (debits = credits);
2. no account is below zero on its normal side (cash cannot be negative, and nothing can be
   owed below nothing);
3. cash held equals what it is held for: escrow_cash = obligor_liability + refunds_payable
   + forfeited_to_treasury + unapplied_receipts, per currency;
4. each bond's own balances are those its state implies (`expected_bond_balances`): a
   posted bond is owed to its obligor, a cancelled one is payable, a forfeited one belongs
   to the treasury, a refunded or lapsed one holds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from visabond.bonds.lifecycle import BondState
from visabond.ledger.postings import Account

ZERO = Decimal(0)
CLAIMS = (
    Account.OBLIGOR_LIABILITY,
    Account.REFUNDS_PAYABLE,
    Account.FORFEITED,
    Account.UNAPPLIED_RECEIPTS,
)
# The accounts a bond's own transactions touch; unapplied receipts belong to no bond.
BOND_ACCOUNTS = (
    Account.ESCROW_CASH,
    Account.OBLIGOR_LIABILITY,
    Account.REFUNDS_PAYABLE,
    Account.FORFEITED,
)


@dataclass(frozen=True, slots=True)
class Break:
    """One invariant that does not hold, where, and by how much."""

    invariant: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.subject}: {self.detail}"


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


def unbalanced_transactions(
    totals: Iterable[tuple[str, str, Decimal, Decimal]],
) -> list[Break]:
    """Breaks of invariant 1 from (transaction key, currency, debits, credits) totals."""
    return [
        Break("balanced", f"transaction {key}", f"{currency} debits {debit} != credits {credit}")
        for key, currency, debit, credit in totals
        if debit != credit
    ]


def negative_accounts(balances: Mapping[tuple[Account, str], Decimal]) -> list[Break]:
    """Breaks of invariant 2: an account below zero on its normal side."""
    return [
        Break("non-negative", f"{account} {currency}", f"balance {balance}")
        for (account, currency), balance in sorted(balances.items())
        if balance < 0
    ]


def unreconciled_currencies(balances: Mapping[tuple[Account, str], Decimal]) -> list[Break]:
    """Breaks of invariant 3: cash in escrow differs from the claims on it, per currency."""
    breaks = []
    for currency in sorted({currency for _, currency in balances}):
        cash = balances.get((Account.ESCROW_CASH, currency), ZERO)
        claims = sum((balances.get((a, currency), ZERO) for a in CLAIMS), ZERO)
        if cash != claims:
            breaks.append(
                Break("reconciled", currency, f"escrow cash {cash} != claims on it {claims}")
            )
    return breaks


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
