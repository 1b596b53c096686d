"""Double-entry postings for the money the program holds: accounts, transactions, balances.

Plain Python, no Django. Every movement of money is a `Transaction` of at least two lines
whose debits equal its credits in each currency; nothing is ever edited (a correction is a
reversing transaction), and balances are derived from lines, never stored on their own.

The program's accounts, one set per currency, and their normal side:

| account | normal side | holds |
|---|---|---|
| escrow_cash | debit | money received into the program's bond account |
| obligor_liability | credit | bonds posted: owed back to the obligor if the terms are kept |
| refunds_payable | credit | cancelled bonds and returns whose payment is not yet confirmed |
| forfeited_to_treasury | credit | forfeited bonds (22 CFR 41.11(c), Form I-352 breach) |
| unapplied_receipts | credit | money received without a matching direction to pay |

So at every moment, per currency: escrow_cash = obligor_liability + refunds_payable +
forfeited_to_treasury + unapplied_receipts (the reconciliation `ledger verify` prints).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from visabond.core.errors import InvalidInput
from visabond.core.money import Money


class Account(StrEnum):
    ESCROW_CASH = "escrow_cash"
    OBLIGOR_LIABILITY = "obligor_liability"
    REFUNDS_PAYABLE = "refunds_payable"
    FORFEITED = "forfeited_to_treasury"
    UNAPPLIED_RECEIPTS = "unapplied_receipts"

    @property
    def normal_side(self) -> Side:
        return Side.DEBIT if self is Account.ESCROW_CASH else Side.CREDIT


class Side(StrEnum):
    DEBIT = "D"
    CREDIT = "C"


class TransactionKind(StrEnum):
    """Why money moved; each kind has one shape of lines (see `transfer`)."""

    RECEIPT_APPLIED = "receipt_applied"  # a directed bond paid: cash in, owed to the obligor
    RECEIPT_UNAPPLIED = "receipt_unapplied"  # money with no direction, or not matching it
    UNAPPLIED_APPLIED = "unapplied_applied"  # a finance officer applies it to a directed bond
    UNAPPLIED_RETURNED = "unapplied_returned"  # a finance officer's exception: return to payer
    BOND_CANCELLED = "bond_cancelled"  # terms kept (or bond not needed): refund due
    REFUND_PAID = "refund_paid"  # the bank confirmed the refund: cash out
    BOND_FORFEITED = "bond_forfeited"  # breach adjudicated: the bond goes to the treasury
    FORFEITURE_REVERSED = "forfeiture_reversed"  # a contest reopened a forfeited bond
    REVERSAL = "reversal"  # a correction: the mirror image of an earlier transaction


# The debit and credit account of each kind of movement: the chart the program posts by.
MOVEMENTS: dict[TransactionKind, tuple[Account, Account]] = {
    TransactionKind.RECEIPT_APPLIED: (Account.ESCROW_CASH, Account.OBLIGOR_LIABILITY),
    TransactionKind.RECEIPT_UNAPPLIED: (Account.ESCROW_CASH, Account.UNAPPLIED_RECEIPTS),
    TransactionKind.UNAPPLIED_APPLIED: (Account.UNAPPLIED_RECEIPTS, Account.OBLIGOR_LIABILITY),
    TransactionKind.UNAPPLIED_RETURNED: (Account.UNAPPLIED_RECEIPTS, Account.REFUNDS_PAYABLE),
    TransactionKind.BOND_CANCELLED: (Account.OBLIGOR_LIABILITY, Account.REFUNDS_PAYABLE),
    TransactionKind.REFUND_PAID: (Account.REFUNDS_PAYABLE, Account.ESCROW_CASH),
    TransactionKind.BOND_FORFEITED: (Account.OBLIGOR_LIABILITY, Account.FORFEITED),
    TransactionKind.FORFEITURE_REVERSED: (Account.FORFEITED, Account.OBLIGOR_LIABILITY),
}


@dataclass(frozen=True, slots=True)
class Line:
    """One side of a movement: a positive amount debited or credited to an account."""

    account: Account
    side: Side
    amount: Money

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise InvalidInput(
                "a ledger line moves a positive amount", code="amount_not_positive", field="amount"
            )

    def signed(self) -> Decimal:
        """The amount as it counts towards the account's balance on its normal side."""
        return self.amount.amount if self.side is self.account.normal_side else -self.amount.amount


@dataclass(frozen=True, slots=True)
class Transaction:
    """A balanced set of lines with the key that makes posting it idempotent."""

    key: str
    kind: TransactionKind
    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise InvalidInput(
                "a transaction needs an idempotency key", code="key_missing", field="key"
            )
        if len(self.lines) < 2:
            raise InvalidInput(
                "a transaction has at least two lines", code="transaction_one_sided", field="lines"
            )
        unbalanced = imbalance(self.lines)
        if unbalanced:
            raise InvalidInput(
                f"debits and credits differ in {', '.join(sorted(unbalanced))}",
                code="transaction_unbalanced",
                field="lines",
            )

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(line.amount.currency for line in self.lines)


def imbalance(lines: Iterable[Line]) -> dict[str, Decimal]:
    """Debits minus credits by currency, for the currencies where they differ."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        sign = 1 if line.side is Side.DEBIT else -1
        totals[line.amount.currency] += sign * line.amount.amount
    return {currency: total for currency, total in totals.items() if total}


def transfer(kind: TransactionKind, *, key: str, amount: Money) -> Transaction:
    """The transaction of one movement of `kind`: debit and credit accounts from `MOVEMENTS`.

    Raises `InvalidInput` for a non-positive amount, an empty key or a kind with no shape
    (a reversal is made by `reversal`).
    """
    if kind not in MOVEMENTS:
        raise InvalidInput(
            f"{kind} is not a movement of its own", code="kind_not_movement", field="kind"
        )
    debit, credit = MOVEMENTS[kind]
    return Transaction(
        key=key,
        kind=kind,
        lines=(Line(debit, Side.DEBIT, amount), Line(credit, Side.CREDIT, amount)),
    )


def reversal(original: Transaction, *, key: str) -> Transaction:
    """The correction of `original`: the same lines with debits and credits exchanged."""
    flipped = tuple(
        Line(line.account, Side.CREDIT if line.side is Side.DEBIT else Side.DEBIT, line.amount)
        for line in original.lines
    )
    return Transaction(key=key, kind=TransactionKind.REVERSAL, lines=flipped)


def balances(lines: Iterable[Line]) -> dict[tuple[Account, str], Decimal]:
    """Each (account, currency)'s balance on its normal side, from the lines alone."""
    totals: dict[tuple[Account, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.account, line.amount.currency)] += line.signed()
    return dict(totals)


def posting_details(transaction: Transaction, *, subject: str, memo: str) -> dict[str, Any]:
    """What the audit trail keeps of a posting (`ledger.posted`): its key, kind, subject
    (the bond or payment it concerns), memo, and lines as JSON."""
    return {
        "key": transaction.key,
        "kind": transaction.kind.value,
        "subject": subject,
        "memo": memo,
        "lines": [
            {
                "account": line.account.value,
                "side": line.side.value,
                **line.amount.to_json(),
            }
            for line in transaction.lines
        ],
    }
