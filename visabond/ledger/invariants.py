"""What must hold of the ledger at every moment, as plain rules `ledger verify` checks.

Plain Python, no Django. The database hands over totals (per transaction, per account, per
bond); these functions say whether they are right:

1. every transaction balances in each currency (debits = credits);
2. no account is below zero on its normal side (cash cannot be negative, and nothing can be
   owed below nothing);
3. cash held equals what it is held for: escrow_cash = obligor_liability + refunds_payable
   + forfeited_to_treasury + unapplied_receipts, per currency;
4. each bond's own balances are those its state implies (`bonds.balances`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from visabond.ledger.postings import Account

ZERO = Decimal(0)
CLAIMS = (
    Account.OBLIGOR_LIABILITY,
    Account.REFUNDS_PAYABLE,
    Account.FORFEITED,
    Account.UNAPPLIED_RECEIPTS,
)


@dataclass(frozen=True, slots=True)
class Break:
    """One invariant that does not hold, where, and by how much."""

    invariant: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.subject}: {self.detail}"


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
