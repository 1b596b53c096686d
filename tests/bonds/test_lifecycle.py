"""The bond's life: which events apply in which state, and the money each one moves."""

from __future__ import annotations

import pytest

from visabond.bonds.lifecycle import (
    TRANSITIONS,
    BondEvent,
    BondState,
    movement_key,
    transition,
)
from visabond.core.errors import Conflict
from visabond.ledger.postings import TransactionKind


def walk(*events: BondEvent) -> BondState:
    state = BondState.DIRECTED
    for event in events:
        state = transition(state, event).after
    return state


def test_a_kept_bond_goes_from_direction_to_refund() -> None:
    path = [BondEvent.POST, BondEvent.ACTIVATE, BondEvent.CANCEL, BondEvent.CONFIRM_REFUND]
    assert walk(*path) is BondState.REFUNDED


def test_a_breached_bond_is_forfeited_only_after_an_adjudicator_confirms() -> None:
    active = walk(BondEvent.POST, BondEvent.ACTIVATE)
    with pytest.raises(Conflict):
        transition(active, BondEvent.FORFEIT)
    suspected = transition(active, BondEvent.SUSPECT_BREACH).after
    with pytest.raises(Conflict):
        transition(suspected, BondEvent.FORFEIT)
    breached = transition(suspected, BondEvent.CONFIRM_BREACH).after
    forfeited = transition(breached, BondEvent.FORFEIT)
    assert forfeited.after is BondState.FORFEITED
    assert forfeited.movement is TransactionKind.BOND_FORFEITED


def test_a_visa_refused_after_posting_returns_the_bond() -> None:
    cancelled = transition(BondState.POSTED, BondEvent.CANCEL)
    assert cancelled.after is BondState.CANCELLED
    assert cancelled.movement is TransactionKind.BOND_CANCELLED


def test_an_unpaid_direction_lapses_without_moving_money() -> None:
    lapsed = transition(BondState.DIRECTED, BondEvent.LAPSE)
    assert (lapsed.after, lapsed.movement) == (BondState.LAPSED, None)


def test_a_refused_event_names_the_current_state() -> None:
    with pytest.raises(Conflict) as refused:
        transition(BondState.FORFEITED, BondEvent.CANCEL)
    assert refused.value.code == "bond_state"
    assert "the bond is forfeited" in refused.value.message


def test_nothing_follows_a_refund_or_a_lapse() -> None:
    for final in (BondState.REFUNDED, BondState.LAPSED):
        for event in BondEvent:
            with pytest.raises(Conflict):
                transition(final, event)


def test_a_contest_reverses_a_forfeiture_but_moves_nothing_before_one() -> None:
    assert transition(BondState.FORFEITED, BondEvent.REOPEN).movement is (
        TransactionKind.FORFEITURE_REVERSED
    )
    assert transition(BondState.BREACHED, BondEvent.REOPEN).movement is None


def test_refund_and_forfeit_both_apply_to_a_breached_bond_so_they_can_race() -> None:
    assert BondState.BREACHED in TRANSITIONS[BondEvent.CANCEL][0]
    assert BondState.BREACHED in TRANSITIONS[BondEvent.FORFEIT][0]


def test_money_is_held_exactly_between_posting_and_cancellation_or_forfeiture() -> None:
    held = {s for s in BondState if s.holds_money}
    assert held == {
        BondState.POSTED,
        BondState.ACTIVE,
        BondState.BREACH_SUSPECTED,
        BondState.BREACHED,
    }


def test_each_movement_has_a_key_of_its_own_per_round() -> None:
    assert movement_key("B1", BondEvent.FORFEIT) == "bond:B1:forfeit"
    assert movement_key("B1", BondEvent.FORFEIT, 2) == "bond:B1:forfeit:2"
