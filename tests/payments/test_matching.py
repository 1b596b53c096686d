"""Money received is applied only to a bond awaiting exactly that payment; nothing is dropped."""

from __future__ import annotations

import pytest

from visabond.bonds.lifecycle import BondState
from visabond.core.errors import Conflict
from visabond.core.money import Money
from visabond.payments.matching import (
    BondAwaiting,
    Disposition,
    FinanceDecision,
    finance_decision,
    match_payment,
)

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


def test_a_bond_of_another_case_than_the_one_named_is_quarantined() -> None:
    bond = BondAwaiting("B-1", BondState.DIRECTED, TEN, case_reference="C-AAAA-AAAA")
    matched = match_payment(TEN, bond, named_case="C-BBBB-BBBB")
    assert (matched.disposition, matched.code, matched.field) == (
        Disposition.QUARANTINED,
        "case_mismatch",
        "case_reference",
    )
    assert match_payment(TEN, bond, named_case="C-AAAA-AAAA").disposition is Disposition.APPLIED


@pytest.mark.parametrize(
    ("decision", "after"),
    [(FinanceDecision.APPLY, Disposition.APPLIED), (FinanceDecision.RETURN, Disposition.RETURNED)],
)
def test_finance_applies_or_returns_quarantined_money(
    decision: FinanceDecision, after: Disposition
) -> None:
    assert finance_decision(Disposition.QUARANTINED, decision) is after


def test_unapplied_money_is_returned_only_as_an_exception() -> None:
    with pytest.raises(Conflict) as refused:
        finance_decision(Disposition.UNAPPLIED, FinanceDecision.RETURN)
    assert (refused.value.code, refused.value.field) == ("unapplied_not_returned", "exception")
    returned = finance_decision(Disposition.UNAPPLIED, FinanceDecision.RETURN, exception=True)
    assert returned is Disposition.RETURNED
    with pytest.raises(Conflict) as applied:
        finance_decision(Disposition.UNAPPLIED, FinanceDecision.APPLY, exception=True)
    assert applied.value.code == "unapplied_not_applied"


@pytest.mark.parametrize("decided", [Disposition.APPLIED, Disposition.RETURNED])
@pytest.mark.parametrize("decision", list(FinanceDecision))
def test_money_decided_already_is_not_decided_again(
    decided: Disposition, decision: FinanceDecision
) -> None:
    with pytest.raises(Conflict) as refused:
        finance_decision(decided, decision, exception=True)
    assert refused.value.code == "payment_disposition"
    assert decided.value in refused.value.message
