"""Money received is applied only to a bond awaiting exactly that payment; nothing is dropped."""

from __future__ import annotations

import pytest

from visabond.bonds.lifecycle import BondState
from visabond.core.money import Money
from visabond.payments.matching import BondAwaiting, Disposition, match_payment

TEN = Money.of("10000", "USD")
DIRECTED = BondAwaiting("B-1", BondState.DIRECTED, TEN)


def test_the_directed_amount_in_its_currency_posts_the_bond() -> None:
    assert match_payment(TEN, DIRECTED).disposition is Disposition.APPLIED


def test_money_without_a_direction_is_unapplied_not_returned() -> None:
    assert match_payment(TEN, None).disposition is Disposition.UNAPPLIED


@pytest.mark.parametrize(
    ("paid", "bond", "words"),
    [
        (Money.of("9999.99", "USD"), DIRECTED, "directed for 10,000.00 USD"),
        (Money.of("10000", "EUR"), DIRECTED, "paid in EUR"),
        (TEN, BondAwaiting("B-1", BondState.POSTED, TEN), "is posted"),
        (TEN, BondAwaiting("B-1", BondState.LAPSED, TEN), "is lapsed"),
    ],
)
def test_a_payment_that_does_not_match_its_bond_is_quarantined_with_the_reason(
    paid: Money, bond: BondAwaiting, words: str
) -> None:
    matched = match_payment(paid, bond)
    assert matched.disposition is Disposition.QUARANTINED
    assert words in matched.reason
