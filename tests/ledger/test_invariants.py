"""The invariants `ledger verify` checks, each shown to catch the fault it names."""

from __future__ import annotations

from decimal import Decimal

from visabond.ledger.invariants import (
    negative_accounts,
    unbalanced_transactions,
    unreconciled_currencies,
)
from visabond.ledger.postings import Account

TEN = Decimal("10000.00")


def test_a_transaction_whose_debits_differ_from_its_credits_is_a_break() -> None:
    breaks = unbalanced_transactions(
        [("ok", "USD", TEN, TEN), ("edited", "USD", TEN, Decimal("9000.00"))]
    )
    assert [b.subject for b in breaks] == ["transaction edited"]


def test_an_account_below_zero_is_a_break() -> None:
    breaks = negative_accounts({(Account.ESCROW_CASH, "USD"): Decimal("-1")})
    assert [str(b) for b in breaks] == ["non-negative: escrow_cash USD: balance -1"]


def test_cash_must_equal_the_claims_on_it_in_each_currency() -> None:
    balances = {
        (Account.ESCROW_CASH, "USD"): TEN,
        (Account.OBLIGOR_LIABILITY, "USD"): Decimal("5000.00"),
        (Account.UNAPPLIED_RECEIPTS, "USD"): Decimal("5000.00"),
        (Account.ESCROW_CASH, "XOF"): Decimal("100"),
    }
    breaks = unreconciled_currencies(balances)
    assert [b.subject for b in breaks] == ["XOF"]
