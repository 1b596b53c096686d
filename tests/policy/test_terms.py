"""Rule terms in and out: the one JSON shape, and what a person types."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import usd
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.inputs import cap_from_input, terms_from_input
from visabond.policy.rules import RuleTerms, VisaConditions
from visabond.policy.terms import NO_TERMS, terms_from_json, terms_to_json

US_PILOT = RuleTerms(
    bond_required=True,
    amounts=(usd(5000), usd(10000), usd(15000)),
    standard_amount=usd(10000),
    visa=VisaConditions(1, 90, 30),
    ports=("BOS", "JFK", "IAD"),
    notes="Form I-352",
)
IN_XOF = RuleTerms(
    bond_required=True,
    amounts=(Money(Decimal(3_000_000), "XOF"), Money(Decimal(6_000_000), "XOF")),
    standard_amount=Money(Decimal(6_000_000), "XOF"),
)


def test_terms_serialise_to_the_documented_shape() -> None:
    assert terms_to_json(US_PILOT) == {
        "bond_required": True,
        "amounts": ["5000.00", "10000.00", "15000.00"],
        "standard_amount": "10000.00",
        "currency": "USD",
        "visa": {"entries": 1, "validity_days": 90, "max_stay_days": 30},
        "ports": ["BOS", "JFK", "IAD"],
        "issuance_suspended": False,
        "notes": "Form I-352",
    }
    assert terms_to_json(IN_XOF)["amounts"] == ["3000000", "6000000"]
    assert terms_to_json(None) == NO_TERMS


@pytest.mark.parametrize(
    "terms", [US_PILOT, IN_XOF, RuleTerms(bond_required=False, issuance_suspended=True)]
)
def test_terms_read_back_from_json_unchanged(terms: RuleTerms) -> None:
    assert terms_from_json(terms_to_json(terms)) == terms


def test_bad_terms_in_json_name_the_field() -> None:
    data = terms_to_json(US_PILOT) | {"amounts": ["5000.00", "-1"]}
    with pytest.raises(InvalidInput) as caught:
        terms_from_json(data)
    assert (caught.value.code, caught.value.field) == ("amount_negative", "amounts[1]")
    with pytest.raises(InvalidInput) as caught:
        terms_from_json(terms_to_json(US_PILOT) | {"currency": None})
    assert caught.value.code == "currency_missing"


def typed(**changes: object) -> dict[str, object]:
    return {
        "bond_required": True,
        "amounts": ["15000", "5000", "10,000"],
        "standard_amount": "10000",
        "currency": "usd",
        "entries": 1,
        "validity_days": 90,
        "max_stay_days": 30,
        "ports": [" jfk", "BOS", "JFK", ""],
    } | changes


def test_typed_terms_are_sorted_normalised_and_exact() -> None:
    terms = terms_from_input(**typed())  # type: ignore[arg-type]
    assert terms.amounts == (usd(5000), usd(10000), usd(15000))
    assert terms.standard_amount == usd(10000)
    assert terms.ports == ("JFK", "BOS")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"currency": None}, "currency_missing", "currency"),
        ({"currency": "XAU"}, "currency_unknown", "currency"),
        ({"amounts": ["5000", "-5"]}, "amount_negative", "amounts[1]"),
        ({"amounts": ["5000", "5000.00"]}, "amounts_repeated", "amounts"),
        ({"currency": "XOF", "amounts": ["5000.5"]}, "amount_precision", "amounts[0]"),
        ({"standard_amount": "ten"}, "amount_not_decimal", "standard_amount"),
        ({"bond_required": False}, "amounts_without_bond", "amounts"),
    ],
)
def test_bad_typed_terms_name_the_rule_and_the_field(
    changes: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        terms_from_input(**typed(**changes))  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_cap_is_none_or_money_and_never_half_given() -> None:
    assert cap_from_input(None, "USD") is None
    assert cap_from_input("", None) is None
    assert cap_from_input("10000", "usd") == usd(10000)
    with pytest.raises(InvalidInput) as caught:
        cap_from_input("10000", None)
    assert (caught.value.code, caught.value.field) == ("cap_incomplete", "cap_currency")
    with pytest.raises(InvalidInput) as caught:
        cap_from_input("-1", "USD")
    assert (caught.value.code, caught.value.field) == ("amount_negative", "cap")
