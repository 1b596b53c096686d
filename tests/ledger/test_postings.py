"""The ledger's postings: every movement balanced, nothing edited, balances derived."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.ledger.postings import (
    MOVEMENTS,
    Account,
    Line,
    Side,
    Transaction,
    TransactionKind,
    balances,
    imbalance,
    reversal,
    transfer,
)

USD_10K = Money.of("10000", "USD")


def test_a_paid_bond_is_cash_held_and_owed_to_the_obligor() -> None:
    paid = transfer(TransactionKind.RECEIPT_APPLIED, key="bond:1:post", amount=USD_10K)
    assert balances(paid.lines) == {
        (Account.ESCROW_CASH, "USD"): Decimal("10000.00"),
        (Account.OBLIGOR_LIABILITY, "USD"): Decimal("10000.00"),
    }


def test_a_refund_confirmed_leaves_nothing_held_or_owed() -> None:
    lines = [
        *transfer(TransactionKind.RECEIPT_APPLIED, key="a", amount=USD_10K).lines,
        *transfer(TransactionKind.BOND_CANCELLED, key="b", amount=USD_10K).lines,
        *transfer(TransactionKind.REFUND_PAID, key="c", amount=USD_10K).lines,
    ]
    assert all(value == 0 for value in balances(lines).values())


def test_a_forfeited_bond_stays_in_cash_and_belongs_to_the_treasury() -> None:
    lines = [
        *transfer(TransactionKind.RECEIPT_APPLIED, key="a", amount=USD_10K).lines,
        *transfer(TransactionKind.BOND_FORFEITED, key="b", amount=USD_10K).lines,
    ]
    held = balances(lines)
    assert held[(Account.ESCROW_CASH, "USD")] == Decimal("10000.00")
    assert held[(Account.FORFEITED, "USD")] == Decimal("10000.00")
    assert held[(Account.OBLIGOR_LIABILITY, "USD")] == 0


def test_an_unbalanced_transaction_is_refused_naming_the_currency() -> None:
    with pytest.raises(InvalidInput) as refused:
        Transaction(
            key="k",
            kind=TransactionKind.RECEIPT_APPLIED,
            lines=(
                Line(Account.ESCROW_CASH, Side.DEBIT, Money.of("10", "USD")),
                Line(Account.OBLIGOR_LIABILITY, Side.CREDIT, Money.of("9", "USD")),
            ),
        )
    assert (refused.value.code, refused.value.field) == ("transaction_unbalanced", "lines")
    assert "USD" in refused.value.message


def test_balance_is_per_currency_even_when_totals_match() -> None:
    lines = (
        Line(Account.ESCROW_CASH, Side.DEBIT, Money.of("10", "USD")),
        Line(Account.OBLIGOR_LIABILITY, Side.CREDIT, Money.of("10", "XOF")),
    )
    assert imbalance(lines) == {"USD": Decimal("10.00"), "XOF": Decimal("-10")}
    with pytest.raises(InvalidInput, match="USD, XOF"):
        Transaction(key="k", kind=TransactionKind.RECEIPT_APPLIED, lines=lines)


def test_a_line_moves_a_positive_amount() -> None:
    with pytest.raises(InvalidInput) as refused:
        Line(Account.ESCROW_CASH, Side.DEBIT, Money.of("0", "USD"))
    assert refused.value.code == "amount_not_positive"


def test_a_transaction_has_a_key_and_two_lines() -> None:
    with pytest.raises(InvalidInput, match="idempotency key"):
        transfer(TransactionKind.REFUND_PAID, key=" ", amount=USD_10K)
    with pytest.raises(InvalidInput, match="two lines"):
        Transaction(
            key="k",
            kind=TransactionKind.REFUND_PAID,
            lines=(Line(Account.ESCROW_CASH, Side.DEBIT, USD_10K),),
        )


def test_a_reversal_is_a_transfer_of_its_own_kind_only_through_reversal() -> None:
    with pytest.raises(InvalidInput) as refused:
        transfer(TransactionKind.REVERSAL, key="k", amount=USD_10K)
    assert refused.value.code == "kind_not_movement"


def test_a_reversal_undoes_the_original_exactly() -> None:
    original = transfer(TransactionKind.BOND_FORFEITED, key="f", amount=USD_10K)
    undone = reversal(original, key="f:reversed")
    assert undone.kind is TransactionKind.REVERSAL
    assert all(v == 0 for v in balances([*original.lines, *undone.lines]).values())


def test_every_movement_moves_money_between_two_different_accounts() -> None:
    assert all(debit is not credit for debit, credit in MOVEMENTS.values())


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)


@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(MOVEMENTS)), amounts, st.sampled_from(["USD", "EUR"]))
    )
)
def test_any_sequence_of_movements_keeps_cash_equal_to_what_it_is_held_for(
    movements: list[tuple[TransactionKind, Decimal, str]],
) -> None:
    lines = [
        line
        for index, (kind, amount, currency) in enumerate(movements)
        for line in transfer(kind, key=str(index), amount=Money.of(amount, currency)).lines
    ]
    held = balances(lines)
    for currency in ("USD", "EUR"):
        cash = held.get((Account.ESCROW_CASH, currency), Decimal(0))
        claims = sum(
            (
                held.get((account, currency), Decimal(0))
                for account in Account
                if account is not Account.ESCROW_CASH
            ),
            Decimal(0),
        )
        assert cash == claims
