"""The registry's reading rules: in force on D, known on K, latest announcement wins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import usd
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.rules import (
    Action,
    Period,
    RuleEntry,
    RuleTerms,
    VisaConditions,
    entry_in_force,
    in_force_days_overlap,
    notice_shortfall,
    requirement,
    standing,
    timeline,
)

D = dt.date
BOND = RuleTerms(
    bond_required=True,
    amounts=(usd(5000), usd(10000), usd(15000)),
    standard_amount=usd(10000),
    visa=VisaConditions(1, 90, 30),
    ports=("BOS", "JFK", "IAD"),
)
SUSPENDED = RuleTerms(bond_required=False, issuance_suspended=True)


def designation(start: D, end: D | None, announced: D, version: int = 1) -> RuleEntry:
    return RuleEntry(1, version, Action.DESIGNATE, Period(start, end), announced, BOND)


def withdrawal(start: D, announced: D, version: int = 2) -> RuleEntry:
    return RuleEntry(1, version, Action.WITHDRAW, Period(start), announced, None)


MALI = [
    designation(D(2025, 10, 23), D(2026, 8, 5), D(2025, 10, 8)),
    withdrawal(D(2025, 10, 23), D(2025, 10, 23)),
]


def test_a_rule_announced_in_advance_is_not_in_force_before_its_date() -> None:
    assert entry_in_force(MALI[:1], on=D(2025, 10, 22)) is None
    assert entry_in_force(MALI[:1], on=D(2025, 10, 23)) == MALI[0]


def test_a_withdrawal_announced_before_the_effective_date_means_the_rule_never_applies() -> None:
    for day in (D(2025, 10, 23), D(2025, 10, 24), D(2026, 8, 5)):
        assert entry_in_force(MALI, on=day) is None


def test_known_on_counts_only_what_was_announced_by_then() -> None:
    """On 2025-10-20 Mali was announced for 2025-10-23, and not yet dropped."""
    assert entry_in_force(MALI, on=D(2025, 10, 24), known_on=D(2025, 10, 20)) == MALI[0]
    assert entry_in_force(MALI, on=D(2025, 10, 24), known_on=D(2025, 10, 7)) is None
    assert entry_in_force(MALI, on=D(2025, 10, 24), known_on=D(2025, 10, 23)) is None


def test_the_last_day_of_a_period_is_in_force_and_the_next_is_not() -> None:
    rule = [designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5))]
    assert entry_in_force(rule, on=D(2026, 8, 5)) is not None
    assert entry_in_force(rule, on=D(2026, 8, 6)) is None


def test_an_amendment_changes_terms_only_from_its_own_date() -> None:
    higher = RuleTerms(
        bond_required=True,
        amounts=(usd(15000),),
        standard_amount=usd(15000),
    )
    entries = [
        designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5)),
        RuleEntry(1, 2, Action.AMEND, Period(D(2026, 1, 1), D(2026, 8, 5)), D(2025, 12, 1), higher),
    ]
    assert entry_in_force(entries, on=D(2025, 12, 31)).terms == BOND  # type: ignore[union-attr]
    assert entry_in_force(entries, on=D(2026, 1, 1)).terms == higher  # type: ignore[union-attr]


def test_same_day_announcements_are_decided_by_the_later_recorded_version() -> None:
    entries = [
        designation(D(2025, 8, 20), None, D(2025, 8, 5), version=1),
        withdrawal(D(2025, 8, 20), D(2025, 8, 5), version=2),
    ]
    assert entry_in_force(entries, on=D(2025, 9, 1)) is None


def test_timeline_of_a_dropped_rule_is_empty_but_as_known_before_shows_it() -> None:
    assert timeline(MALI) == []
    known = timeline(MALI, known_on=D(2025, 10, 20))
    assert [(s.start, s.end) for s in known] == [(D(2025, 10, 23), D(2026, 8, 5))]


def test_timeline_splits_at_an_amendment_and_ends_at_a_withdrawal() -> None:
    entries = [
        designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5)),
        RuleEntry(1, 2, Action.AMEND, Period(D(2025, 12, 1), D(2026, 8, 5)), D(2025, 11, 1), BOND),
        withdrawal(D(2026, 3, 1), D(2026, 2, 1), version=3),
    ]
    segments = [(s.start, s.end, s.entry.version) for s in timeline(entries) if s.entry]
    assert segments == [
        (D(2025, 8, 20), D(2025, 11, 30), 1),
        (D(2025, 12, 1), D(2026, 2, 28), 2),
    ]


def test_a_class_rule_decides_the_bond_and_an_all_classes_suspension_adds_to_it() -> None:
    class_rule = [designation(D(2025, 8, 20), None, D(2025, 8, 5))]
    suspension = [
        RuleEntry(2, 1, Action.DESIGNATE, Period(D(2025, 10, 10)), D(2025, 10, 9), SUSPENDED)
    ]
    found = requirement(
        {(1, "B1/B2"): class_rule, (2, "*"): suspension}, visa_class="B1/B2", on=D(2025, 11, 1)
    )
    assert found.bond_required
    assert found.issuance_suspended
    assert found.entry == class_rule[0]
    other_class = requirement(
        {(1, "B1/B2"): class_rule, (2, "*"): suspension}, visa_class="F1", on=D(2025, 11, 1)
    )
    assert not other_class.bond_required
    assert other_class.issuance_suspended


def test_notice_shortfall_counts_the_missing_days() -> None:
    assert (
        notice_shortfall(
            announced_on=D(2025, 10, 8), effective_from=D(2025, 10, 23), notice_days=15
        )
        == 0
    )
    assert (
        notice_shortfall(
            announced_on=D(2025, 10, 20), effective_from=D(2025, 10, 23), notice_days=15
        )
        == 12
    )
    assert (
        notice_shortfall(announced_on=D(2026, 1, 5), effective_from=D(2026, 1, 1), notice_days=15)
        == 19
    )


XOF = Money(Decimal(3_000_000), "XOF")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"bond_required": True}, "amounts_missing", "amounts"),
        (
            {"bond_required": True, "amounts": (usd(5), XOF), "standard_amount": usd(5)},
            "currency_mixed",
            "amounts",
        ),
        (
            {"bond_required": True, "amounts": (usd(5),), "standard_amount": usd(6)},
            "standard_not_allowed",
            "standard_amount",
        ),
        ({"bond_required": True, "amounts": (usd(5),)}, "standard_not_allowed", "standard_amount"),
        (
            {"bond_required": True, "amounts": (usd(0), usd(5)), "standard_amount": usd(5)},
            "amount_not_positive",
            "amounts",
        ),
        (
            {"bond_required": True, "amounts": (usd(10), usd(5)), "standard_amount": usd(5)},
            "amounts_unordered",
            "amounts",
        ),
        (
            {"bond_required": True, "amounts": (usd(5), usd(5)), "standard_amount": usd(5)},
            "amounts_unordered",
            "amounts",
        ),
        ({"bond_required": False, "amounts": (usd(5),)}, "amounts_without_bond", "amounts"),
        ({"bond_required": False, "standard_amount": usd(5)}, "amounts_without_bond", "amounts"),
        (
            {"bond_required": False, "visa": VisaConditions(0, None, None)},
            "visa_condition_invalid",
            "entries",
        ),
        (
            {"bond_required": False, "visa": VisaConditions(None, 0, None)},
            "visa_condition_invalid",
            "validity_days",
        ),
        (
            {"bond_required": False, "visa": VisaConditions(None, None, 0)},
            "visa_condition_invalid",
            "max_stay_days",
        ),
    ],
)
def test_inconsistent_terms_are_refused_naming_the_rule_and_the_field(
    kwargs: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        RuleTerms(**kwargs)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def test_terms_with_one_visa_condition_of_one_day_are_allowed() -> None:
    assert RuleTerms(bond_required=False, visa=VisaConditions(1, 1, 1)).visa.entries == 1


def test_a_bond_rule_in_a_zero_decimal_currency_names_that_currency() -> None:
    terms = RuleTerms(bond_required=True, amounts=(XOF,), standard_amount=XOF)
    assert terms.currency == "XOF"
    assert RuleTerms(bond_required=False).currency is None


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Period(D(2025, 10, 23), D(2025, 10, 22))
    assert (caught.value.code, caught.value.field) == ("period_inverted", "effective_to")
    assert Period(D(2025, 10, 23), D(2025, 10, 23)).contains(D(2025, 10, 23))


days = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))


@st.composite
def histories(draw: st.DrawFn) -> list[RuleEntry]:
    entries = []
    for version in range(1, draw(st.integers(1, 5)) + 1):
        start = draw(days)
        end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=D(2027, 12, 31))))
        announced = draw(days)
        action = draw(st.sampled_from(list(Action)))
        terms = None if action == Action.WITHDRAW else BOND
        entries.append(RuleEntry(1, version, action, Period(start, end), announced, terms))
    return entries


@given(histories(), days)
def test_timeline_agrees_with_the_day_by_day_answer(entries: list[RuleEntry], day: D) -> None:
    """The segments the console shows say, for every day, what the lookup answers."""
    covering = [s for s in timeline(entries) if s.start <= day and (s.end is None or day <= s.end)]
    expected = entry_in_force(entries, on=day)
    assert (covering[0].entry if covering else None) == expected


def test_a_period_starting_on_the_last_day_in_force_overlaps_and_the_next_day_does_not() -> None:
    rule = [designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5))]
    overlap = in_force_days_overlap(rule, Period(D(2026, 8, 5)))
    assert overlap is not None
    assert (overlap.start, overlap.end) == (D(2025, 8, 20), D(2026, 8, 5))
    assert in_force_days_overlap(rule, Period(D(2026, 8, 6))) is None


def test_a_period_ending_on_the_first_day_in_force_overlaps_and_the_day_before_does_not() -> None:
    rule = [designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5))]
    assert in_force_days_overlap(rule, Period(D(2025, 1, 1), D(2025, 8, 20))) is not None
    assert in_force_days_overlap(rule, Period(D(2025, 1, 1), D(2025, 8, 19))) is None


def test_a_withdrawn_stretch_is_no_overlap() -> None:
    entries = [
        designation(D(2025, 8, 20), D(2026, 8, 5), D(2025, 8, 5)),
        withdrawal(D(2026, 1, 1), D(2025, 12, 1)),
    ]
    assert in_force_days_overlap(entries, Period(D(2026, 1, 1))) is None
    assert in_force_days_overlap(entries, Period(D(2025, 12, 31))) is not None


@pytest.mark.parametrize(
    ("announced", "shortfall"),
    [
        (D(2025, 10, 8), 0),  # exactly the 15 days promised
        (D(2025, 10, 1), 0),  # more than promised
        (D(2025, 10, 9), 1),  # one day short
        (D(2025, 10, 23), 15),  # on the day it takes effect
        (D(2025, 10, 26), 18),  # three days after it took effect
    ],
)
def test_notice_shortfall_counts_from_the_announcement_to_the_first_day(
    announced: D, shortfall: int
) -> None:
    assert (
        notice_shortfall(announced_on=announced, effective_from=D(2025, 10, 23), notice_days=15)
        == shortfall
    )


def test_a_program_promising_no_notice_is_short_only_of_a_retroactive_announcement() -> None:
    def short(announced: D) -> int:
        return notice_shortfall(announced_on=announced, effective_from=D(2026, 1, 1), notice_days=0)

    assert short(D(2026, 1, 1)) == 0
    assert short(D(2026, 1, 5)) == 4


def test_an_entry_announced_after_the_known_on_day_does_not_hide_one_announced_before() -> None:
    later_first = [
        RuleEntry(1, 2, Action.AMEND, Period(D(2025, 9, 1)), D(2025, 8, 25), BOND),
        designation(D(2025, 8, 20), None, D(2025, 8, 5)),
    ]
    found = entry_in_force(later_first, on=D(2025, 9, 2), known_on=D(2025, 8, 10))
    assert found is not None
    assert found.version == 1


def test_the_timeline_as_known_on_a_day_counts_what_was_announced_that_day() -> None:
    known = timeline(MALI, known_on=D(2025, 10, 8))
    assert [(s.start, s.end) for s in known] == [(D(2025, 10, 23), D(2026, 8, 5))]
    assert timeline(MALI, known_on=D(2025, 10, 7)) == []


def test_an_overlap_is_found_past_a_stretch_that_ended_before_the_period() -> None:
    entries = [
        designation(D(2025, 1, 1), D(2025, 3, 31), D(2024, 12, 1)),
        RuleEntry(1, 2, Action.AMEND, Period(D(2025, 6, 1), D(2025, 12, 31)), D(2025, 5, 1), BOND),
    ]
    overlap = in_force_days_overlap(entries, Period(D(2025, 7, 1)))
    assert overlap is not None
    assert overlap.start == D(2025, 6, 1)


def test_a_requirement_as_known_on_a_day_ignores_later_announcements() -> None:
    rules = {(1, "B1/B2"): MALI[:1]}
    assert requirement(rules, visa_class="B1/B2", on=D(2025, 10, 24)).bond_required
    assert not requirement(
        rules, visa_class="B1/B2", on=D(2025, 10, 24), known_on=D(2025, 10, 7)
    ).bond_required


def test_a_requirement_with_nothing_in_force_has_no_entry() -> None:
    found = requirement({}, visa_class="B1/B2", on=D(2025, 10, 24))
    assert (found.entry, found.measures, found.bond_required) == (None, (), False)
    assert not found.issuance_suspended


def test_between_two_all_classes_measures_the_later_announced_decides() -> None:
    earlier = [RuleEntry(1, 1, Action.DESIGNATE, Period(D(2025, 8, 20)), D(2025, 8, 5), BOND)]
    later = [RuleEntry(2, 1, Action.DESIGNATE, Period(D(2025, 10, 10)), D(2025, 10, 9), SUSPENDED)]
    found = requirement({(1, "*"): earlier, (2, "*"): later}, visa_class="B1/B2", on=D(2025, 11, 1))
    assert found.entry == later[0]
    assert found.measures == (later[0], earlier[0])


def correction(of: RuleEntry, announced: D, version: int) -> RuleEntry:
    return RuleEntry(
        of.rule_id, version, of.action, of.period, announced, of.terms, corrects=of.version
    )


BHUTAN_AS_FIRST_RECORDED = designation(D(2026, 1, 1), D(2026, 8, 5), D(2026, 1, 5))
BHUTAN = [BHUTAN_AS_FIRST_RECORDED, correction(BHUTAN_AS_FIRST_RECORDED, D(2025, 12, 17), 2)]


def test_a_corrected_version_no_longer_decides_and_its_correction_does() -> None:
    """The seven countries of 2026-01-01 were announced on 2025-12-17, not 2026-01-05."""
    deciding = entry_in_force(BHUTAN, on=D(2026, 1, 1))
    assert deciding is not None
    assert (deciding.version, deciding.announced_on) == (2, D(2025, 12, 17))


def test_a_correction_answers_as_known_from_its_own_announcement() -> None:
    assert entry_in_force(BHUTAN, on=D(2026, 1, 1), known_on=D(2025, 12, 22)) is not None
    assert entry_in_force(BHUTAN, on=D(2026, 1, 1), known_on=D(2025, 12, 16)) is None


def test_a_corrected_version_is_in_no_timeline_even_as_known_before_its_correction() -> None:
    assert [s.entry.version for s in timeline(BHUTAN) if s.entry] == [2]
    # the version recorded wrongly never stood: as known on 2026-01-06, the correction (made
    # later) is what the registry holds, and it was announced by then
    assert [s.entry.version for s in timeline(BHUTAN, known_on=D(2026, 1, 6)) if s.entry] == [2]
    assert standing(BHUTAN) == [BHUTAN[1]]
