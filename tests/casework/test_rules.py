"""Casework rules: the case's states, the officer's bond decision, the issued visa's terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from visabond.casework.rules import (
    OPEN_STATES,
    AmountReason,
    BondChoice,
    CapturedRule,
    CaseState,
    Outcome,
    WaiverGround,
    case_transition,
    has_lapsed,
    identity_mismatches,
    interview_decision,
    payment_deadline,
    visa_terms,
)
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.money import Money

OFFICIAL = WaiverGround("official_government_travel", "Official government travel", "90 FR 37378")


def usd(value: str) -> Money:
    return Money.of(value, "USD")


US_RULE = CapturedRule(
    rule_id=7,
    version=1,
    program="us-visa-bond-pilot",
    legal_basis="22 CFR 41.11(c)",
    sources=({"title": "90 FR 37378", "url": "", "date": "2025-08-05"},),
    decided_on=dt.date(2025, 9, 1),
    bond_required=True,
    amounts=(usd("5000"), usd("10000"), usd("15000")),
    standard_amount=usd("10000"),
    entries=1,
    validity_days=90,
    max_stay_days=30,
    ports=("BOS", "JFK", "IAD"),
    waiver_grounds=(OFFICIAL,),
)
NO_BOND = CapturedRule(
    rule_id=None,
    version=None,
    program="us-visa-bond-pilot",
    legal_basis="",
    sources=(),
    decided_on=dt.date(2025, 9, 1),
    bond_required=False,
)


def decide(outcome: Outcome, rule: CapturedRule = US_RULE, **choice: object) -> object:
    return interview_decision(rule, outcome, BondChoice(explanation="interview notes", **choice))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("10000", AmountReason.STANDARD),
        ("5000", AmountReason.UNABLE_TO_PAY_STANDARD),
        ("15000", AmountReason.EXTENT_OF_CONTACTS),
    ],
)
def test_each_of_the_three_amounts_goes_with_its_reason(amount: str, reason: AmountReason) -> None:
    decision = decide(Outcome.DIRECT_BOND, amount=usd(amount), reason=reason)
    assert decision.next_state is CaseState.BOND_DIRECTED  # type: ignore[attr-defined]
    assert decision.amount == usd(amount)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("5000", AmountReason.STANDARD),
        ("15000", AmountReason.UNABLE_TO_PAY_STANDARD),
        ("10000", AmountReason.EXTENT_OF_CONTACTS),
    ],
)
def test_a_reason_that_does_not_fit_the_amount_is_refused(
    amount: str, reason: AmountReason
) -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.DIRECT_BOND, amount=usd(amount), reason=reason)
    assert (refused.value.code, refused.value.field) == ("amount_reason_mismatch", "reason")


def test_an_amount_the_rule_does_not_allow_is_refused_naming_the_allowed() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.DIRECT_BOND, amount=usd("12000"), reason=AmountReason.EXTENT_OF_CONTACTS)
    assert (refused.value.code, refused.value.field) == ("amount_not_allowed", "amount")
    assert "10,000.00 USD" in refused.value.message


def test_a_currency_other_than_the_rules_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.DIRECT_BOND, amount=Money.of("10000", "EUR"), reason=AmountReason.STANDARD)
    assert (refused.value.code, refused.value.field) == ("currency_not_allowed", "currency")


def test_a_bond_cannot_be_directed_where_the_rule_requires_none() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.DIRECT_BOND, NO_BOND, amount=usd("10000"), reason=AmountReason.STANDARD)
    assert refused.value.code == "bond_not_required"


def test_a_waiver_needs_a_ground_the_program_names() -> None:
    waived = decide(Outcome.APPROVE, waiver_ground="official_government_travel")
    assert waived.waiver == OFFICIAL  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.APPROVE, waiver_ground="friend_of_the_consul")
    assert (refused.value.code, refused.value.field) == (
        "waiver_ground_not_allowed",
        "waiver_ground",
    )


def test_approval_without_bond_or_waiver_where_a_bond_is_required_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(Outcome.APPROVE)
    assert refused.value.code == "bond_required"


def test_approval_needs_no_ground_where_no_bond_is_required() -> None:
    assert decide(Outcome.APPROVE, NO_BOND).next_state is CaseState.APPROVED  # type: ignore[attr-defined]


def test_every_decision_is_explained() -> None:
    with pytest.raises(InvalidInput) as refused:
        interview_decision(US_RULE, Outcome.REFUSE, BondChoice(explanation="  "))
    assert (refused.value.code, refused.value.field) == ("reason_missing", "explanation")


def test_suspended_issuance_allows_only_a_refusal() -> None:
    suspended = replace(US_RULE, issuance_suspended=True)
    with pytest.raises(Conflict) as refused:
        decide(Outcome.DIRECT_BOND, suspended, amount=usd("10000"), reason=AmountReason.STANDARD)
    assert refused.value.code == "issuance_suspended"
    assert decide(Outcome.REFUSE, suspended).next_state is CaseState.REFUSED  # type: ignore[attr-defined]


def test_an_illegal_transition_names_the_current_state() -> None:
    with pytest.raises(Conflict) as refused:
        case_transition(CaseState.SUBMITTED, CaseState.ISSUED)
    assert refused.value.code == "case_state"
    assert refused.value.message.startswith("the case is submitted")


def test_a_bond_does_not_guarantee_issuance() -> None:
    assert case_transition(CaseState.BOND_POSTED, CaseState.REFUSED) is CaseState.REFUSED


def test_a_closed_case_moves_nowhere() -> None:
    for closed in (CaseState.REFUSED, CaseState.ISSUED, CaseState.LAPSED):
        with pytest.raises(Conflict, match="closed"):
            case_transition(closed, CaseState.INTERVIEWED)


def test_a_case_is_open_until_it_is_refused_lapsed_or_issued() -> None:
    """A case that can still move may yet be decided, directed a bond or issued a visa."""
    assert {
        CaseState.SUBMITTED,
        CaseState.INTERVIEWED,
        CaseState.APPROVED,
        CaseState.BOND_DIRECTED,
        CaseState.BOND_POSTED,
    } == OPEN_STATES


def test_a_direction_lapses_the_day_after_its_payment_period() -> None:
    directed = dt.date(2025, 9, 1)
    assert payment_deadline(directed, payment_days=30) == dt.date(2025, 10, 1)
    assert not has_lapsed(directed, payment_days=30, as_of=dt.date(2025, 10, 1))
    assert has_lapsed(directed, payment_days=30, as_of=dt.date(2025, 10, 2))


def test_the_visa_is_single_entry_for_three_months_through_the_designated_ports() -> None:
    terms = visa_terms(US_RULE, issued_on=dt.date(2025, 9, 1), bond=usd("10000"), bond_form="I-352")
    assert terms.valid_until == dt.date(2025, 11, 29)
    assert (terms.entries, terms.max_stay_days, terms.ports) == (1, 30, ("BOS", "JFK", "IAD"))
    assert terms.annotation() == (
        "BOND POSTED 10,000 USD I-352; ENTRY/EXIT ONLY BOS JFK IAD; MAX STAY 30 DAYS"
    )


def test_the_annotation_names_no_form_where_the_program_names_none() -> None:
    terms = visa_terms(US_RULE, issued_on=dt.date(2025, 9, 1), bond=usd("10000"), bond_form="")
    assert terms.annotation() == (
        "BOND POSTED 10,000 USD; ENTRY/EXIT ONLY BOS JFK IAD; MAX STAY 30 DAYS"
    )


def test_the_captured_rule_survives_its_json_round_trip() -> None:
    assert CapturedRule.from_json(US_RULE.to_json()) == US_RULE


def test_typed_identity_is_checked_against_the_passport_zone_field_by_field() -> None:
    read = {"surname": "DIALLO", "given_names": "ZOE AMINATA", "birth_date": dt.date(1990, 4, 2)}
    typed = {"surname": "Diallo", "given_names": "Zoë-Aminata", "birth_date": dt.date(1990, 4, 3)}
    mismatches = identity_mismatches(typed, read)
    assert [m.field for m in mismatches] == ["birth_date"]
