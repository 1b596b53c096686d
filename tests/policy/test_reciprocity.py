"""Mirroring a state's rule onto its own nationals, as Mali did with the US rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.conftest import usd
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.reciprocity import Directive, Mode, mirror
from visabond.policy.rules import RuleTerms, VisaConditions

US_RULE_FOR_MALIANS = RuleTerms(
    bond_required=True,
    amounts=(usd(5000), usd(10000), usd(15000)),
    standard_amount=usd(10000),
    visa=VisaConditions(1, 90, 30),
    ports=("BOS", "JFK", "IAD"),
    notes="Form I-352 through Pay.gov",
)
MALI = Directive(
    issuer="MLI",
    counterpart="USA",
    visa_class_mapping={"B1/B2": "SHORT-STAY"},
    port_mapping={"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"},
    cap=usd(10000),
    mode=Mode.ADOPTED,
)


def test_mali_reciprocal_bond_is_capped_at_ten_thousand() -> None:
    """Mirroring the US rule for Malians with Mali's cap yields the amounts Mali announced."""
    mirrored = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=MALI)
    assert mirrored.terms.amounts == (usd(5000), usd(10000))
    assert mirrored.terms.standard_amount == usd(10000)
    assert mirrored.terms.currency == "USD"
    assert mirrored.explanation["amounts_capped"] == {"15000.00": "10000.00"}
    assert mirrored.explanation["cap"] == {"amount": "10000.00", "currency": "USD"}


def test_mirrored_rule_maps_visa_class_and_ports_and_keeps_visa_conditions() -> None:
    mirrored = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=MALI)
    assert mirrored.visa_class == "SHORT-STAY"
    assert mirrored.terms.ports == ("BKO",)
    assert mirrored.terms.visa == VisaConditions(1, 90, 30)
    assert mirrored.explanation["visa_class_mapping"] == {"B1/B2": "SHORT-STAY"}
    assert mirrored.explanation["port_mapping"] == {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"}


def test_mirrored_rule_does_not_carry_the_source_states_own_procedures() -> None:
    assert mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=MALI).terms.notes == ""


def test_a_cap_between_amounts_becomes_the_highest_amount() -> None:
    directive = Directive(
        "MLI",
        "USA",
        {"B1/B2": "SHORT-STAY"},
        {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"},
        usd(12000),
        "USD",
    )
    terms = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=directive).terms
    assert terms.amounts == (usd(5000), usd(10000), usd(12000))


def test_without_a_cap_the_amounts_are_identical() -> None:
    directive = Directive(
        "MLI", "USA", {"B1/B2": "SHORT-STAY"}, {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"}
    )
    terms = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=directive).terms
    assert terms.amounts == US_RULE_FOR_MALIANS.amounts


def test_a_source_port_without_a_mapping_is_refused() -> None:
    directive = Directive("MLI", "USA", {"B1/B2": "SHORT-STAY"}, {"BOS": "BKO"})
    with pytest.raises(InvalidInput) as caught:
        mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=directive)
    assert (caught.value.code, caught.value.field) == ("port_unmapped", "port_mapping")
    assert "JFK" in caught.value.message


def test_a_cap_in_another_currency_is_refused() -> None:
    directive = Directive(
        "MLI",
        "USA",
        {"B1/B2": "SHORT-STAY"},
        {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"},
        Money(Decimal(6000000), "XOF"),
    )
    with pytest.raises(InvalidInput) as caught:
        mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=directive)
    assert (caught.value.code, caught.value.field) == ("cap_currency_mismatch", "cap")


def test_a_directive_mirrors_only_the_counterparts_rules_for_its_own_nationals() -> None:
    assert MALI.mirrors(issuer="USA", nationality="MLI", visa_class="B1/B2")
    assert not MALI.mirrors(issuer="USA", nationality="MRT", visa_class="B1/B2")
    assert not MALI.mirrors(issuer="USA", nationality="MLI", visa_class="F1")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"counterpart": "MLI"}, "reciprocity_self", "counterpart"),
        ({"visa_class_mapping": {}}, "visa_class_mapping_empty", "visa_class_mapping"),
        ({"cap": usd(0)}, "cap_not_positive", "cap"),
    ],
)
def test_malformed_directives_are_refused(kwargs: dict[str, object], code: str, field: str) -> None:
    base: dict[str, object] = {
        "issuer": "MLI",
        "counterpart": "USA",
        "visa_class_mapping": {"B1/B2": "SHORT-STAY"},
        "port_mapping": {"BOS": "BKO"},
    }
    with pytest.raises(InvalidInput) as caught:
        Directive(**(base | kwargs))  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def capped_at(amount: int) -> Directive:
    return Directive(
        "MLI",
        "USA",
        {"B1/B2": "SHORT-STAY"},
        {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"},
        usd(amount),
    )


def test_a_cap_below_the_standard_amount_becomes_the_standard_and_is_reported() -> None:
    mirrored = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=capped_at(7500))
    assert mirrored.terms.amounts == (usd(5000), usd(7500))
    assert mirrored.terms.standard_amount == usd(7500)
    assert mirrored.explanation["amounts_capped"] == {"10000.00": "7500.00", "15000.00": "7500.00"}


def test_a_cap_below_every_amount_leaves_the_cap_alone_as_amount_and_standard() -> None:
    mirrored = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=capped_at(1000))
    assert mirrored.terms.amounts == (usd(1000),)
    assert mirrored.terms.standard_amount == usd(1000)
    assert set(mirrored.explanation["amounts_capped"]) == {"5000.00", "10000.00", "15000.00"}


def test_a_cap_equal_to_an_amount_caps_only_those_above_it() -> None:
    mirrored = mirror(US_RULE_FOR_MALIANS, source_visa_class="B1/B2", directive=capped_at(15000))
    assert mirrored.terms == replace(US_RULE_FOR_MALIANS, ports=("BKO",), notes="")
    assert mirrored.explanation["amounts_capped"] == {}


def test_a_cap_does_not_touch_a_rule_without_a_bond() -> None:
    suspension = RuleTerms(bond_required=False, issuance_suspended=True, ports=("JFK",))
    mirrored = mirror(suspension, source_visa_class="B1/B2", directive=capped_at(1000))
    assert mirrored.terms.amounts == ()
    assert mirrored.terms.issuance_suspended is True
    assert mirrored.explanation["amounts_capped"] == {}


def test_an_unmapped_visa_class_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        mirror(US_RULE_FOR_MALIANS, source_visa_class="F1", directive=MALI)
    assert (caught.value.code, caught.value.field) == ("visa_class_unmapped", "visa_class_mapping")


def test_a_change_is_an_echo_only_when_it_began_in_the_mirroring_state() -> None:
    assert MALI.echoes(origin_issuer="MLI")
    assert not MALI.echoes(origin_issuer="USA")
