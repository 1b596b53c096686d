"""Where a bond's money stands in each state, as `ledger verify` checks it per bond."""

from __future__ import annotations

from decimal import Decimal

import pytest

from visabond.bonds.balances import bond_mismatch, expected_bond_balances
from visabond.bonds.lifecycle import BondState
from visabond.ledger.postings import Account

TEN = Decimal("10000.00")


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
