"""The registry's reading rules: in force on D, known on K, latest announcement wins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visabond.core.errors import InvalidInput
from visabond.policy.rules import (
    Action,
    Period,
    RuleEntry,
    RuleTerms,
    VisaConditions,
    entry_in_force,
    notice_shortfall,
    requirement,
    timeline,
)

D = dt.date
BOND = RuleTerms(
    bond_required=True,
    amounts=(Decimal(5000), Decimal(10000), Decimal(15000)),
    standard_amount=Decimal(10000),
    currency="USD",
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
        amounts=(Decimal(15000),),
        standard_amount=Decimal(15000),
        currency="USD",
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


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bond_required": True}, "amounts"),
        (
            {"bond_required": True, "amounts": (Decimal(5),), "standard_amount": Decimal(5)},
            "currency",
        ),
        (
            {
                "bond_required": True,
                "amounts": (Decimal(5),),
                "standard_amount": Decimal(6),
                "currency": "USD",
            },
            "standard_amount",
        ),
        ({"bond_required": False, "amounts": (Decimal(5),)}, "amounts"),
        (
            {
                "bond_required": True,
                "amounts": (Decimal(10), Decimal(5)),
                "standard_amount": Decimal(5),
                "currency": "USD",
            },
            "amounts",
        ),
        ({"bond_required": False, "visa": VisaConditions(0, None, None)}, "entries"),
    ],
)
def test_inconsistent_terms_are_refused_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        RuleTerms(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Period(D(2025, 10, 23), D(2025, 10, 22))
    assert caught.value.field == "effective_to"


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
