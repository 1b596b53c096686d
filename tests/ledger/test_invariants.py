"""The invariants `ledger verify` checks, each shown to catch the fault it names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from visabond.bonds.lifecycle import BondState
from visabond.ledger.invariants import (
    bond_mismatch,
    expected_bond_balances,
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


@pytest.mark.parametrize(
    ("state", "owed", "payable", "forfeited"),
    [
        (BondState.DIRECTED, 0, 0, 0),
        (BondState.POSTED, TEN, 0, 0),
        (BondState.ACTIVE, TEN, 0, 0),
        (BondState.BREACH_SUSPECTED, TEN, 0, 0),
        (BondState.BREACHED, TEN, 0, 0),
        (BondState.CANCELLED, 0, TEN, 0),
        (BondState.REFUNDED, 0, 0, 0),
        (BondState.FORFEITED, 0, 0, TEN),
        (BondState.LAPSED, 0, 0, 0),
    ],
)
def test_each_state_implies_where_the_bonds_money_stands(
    state: BondState, owed: Decimal, payable: Decimal, forfeited: Decimal
) -> None:
    assert expected_bond_balances(state, TEN) == {
        Account.OBLIGOR_LIABILITY: owed,
        Account.REFUNDS_PAYABLE: payable,
        Account.FORFEITED: forfeited,
    }


def test_a_bond_marked_refunded_whose_refund_was_never_paid_is_a_break() -> None:
    actual = {Account.REFUNDS_PAYABLE: TEN}
    found = bond_mismatch("B-1", BondState.REFUNDED, TEN, actual)
    assert found is not None
    assert "refunds_payable 10000.00 (expected 0)" in found.detail
    assert bond_mismatch("B-1", BondState.CANCELLED, TEN, actual) is None
