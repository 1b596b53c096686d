"""What must hold of the ledger at every moment, as plain rules `ledger verify` checks.

Plain Python, no Django. The database hands over totals (per transaction, per account, per
bond); these functions say whether they are right:

1. every transaction balances in each currency (debits = credits);
2. no account is below zero on its normal side (cash cannot be negative, and nothing can be
   owed below nothing);
3. cash held equals what it is held for: escrow_cash = obligor_liability + refunds_payable
   + forfeited_to_treasury + unapplied_receipts, per currency;
4. each bond's own balances are those its state implies (`bonds.balances`);
5. every transaction follows the chart (`postings.MOVEMENTS`): one debit line and one credit
   line in one currency, on the accounts its kind names; a reversal mirrors the transaction
   it names; a movement of an obligor's liability names its bond (a liability is owed for a
   bond, never in general).

A movement's shape is summed in the database as one integer per transaction (`line_code`),
so the chart is checked in the same pass that sums its lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from visabond.ledger.postings import MOVEMENTS, Account, Side, TransactionKind

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


def unknown_lines(lines: Iterable[tuple[str, str, str]]) -> list[Break]:
    """Breaks of invariant 5 from (transaction key, account, side) of lines off the chart."""
    return [
        Break("chart", f"transaction {key}", f"a line on {account!r}, side {side!r}")
        for key, account, side in lines
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


# The accounts in a fixed order: an account's place gives its line codes (`line_code`).
CODED_ACCOUNTS = tuple(Account)
UNKNOWN_LINE = 10**14  # a line on no account of the chart, or on no side


def line_code(account: Account, side: Side) -> int:
    """A line's code, so that one debit and one credit sum to a code no other pair makes:
    a debit of the i-th account is 10**i, a credit 10**(i + 6)."""
    place = CODED_ACCOUNTS.index(account)
    return int(10**place if side is Side.DEBIT else 10 ** (place + 6))


def shape_code(kind: TransactionKind) -> int:
    """The sum of the line codes of a movement of `kind` (`postings.MOVEMENTS`)."""
    debit, credit = MOVEMENTS[kind]
    return line_code(debit, Side.DEBIT) + line_code(credit, Side.CREDIT)


def mirrored_code(code: int) -> int:
    """The shape of the reversal of a movement of shape `code`: debits and credits exchanged."""
    low, high = code % 10**6, code // 10**6
    return high + low * 10**6


# Movements of an obligor's liability: each is owed for one bond, so each names its bond.
BOND_KINDS = frozenset(
    kind for kind, accounts in MOVEMENTS.items() if Account.OBLIGOR_LIABILITY in accounts
)
