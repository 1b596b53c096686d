"""Adjudication of a suspected breach: an adjudicator decides, a second one approves a large
forfeiture (never the same person), the obligor is told in their language and may contest
within the program's period; the bond's state and the ledger follow every step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from tests.border_world import Bonded, admit, bonded, grace
from tests.casework_world import ledger_holds, person
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.adjudication.models import Adjudication, AdjudicationState
from visabond.adjudication.services import (
    BOND_STATE_OF,
    MAX_TEXT,
    adjudication_approve,
    adjudication_contest,
    adjudication_decide,
)
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond
from visabond.border.sweep_services import sweep_run
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from visabond.ledger.models import LedgerTransaction
from visabond.notices.models import SentNotice

pytestmark = pytest.mark.usefixtures("pilot")

Capture = Callable[..., AbstractContextManager[object]]


def suspected(*, amount: str = "10000", language: str = "en") -> tuple[Bonded, Adjudication]:
    """A traveller admitted until 2025-10-30 who never left: the sweep of 2025-11-01 opened
    an adjudication (overstay)."""
    traveller = bonded(amount=amount, language=language)
    admit(grace())
    sweep_run(as_of=dt.date(2025, 11, 1), actor="visabond sweep")
    return traveller, Adjudication.objects.get(bond__case=traveller.case)


def adjudicator(name: str = "adjudicator-one") -> User:
    return person(name, Role.BOND_ADJUDICATOR)


def bond_state(adjudication: Adjudication) -> str:
    return Bond.objects.get(pk=adjudication.bond_id).state


def refreshed(adjudication: Adjudication) -> Adjudication:
    return Adjudication.objects.get(pk=adjudication.pk)


def test_a_breach_below_the_programs_amount_is_forfeited_at_once(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _, adjudication = suspected(language="fr")
    moment = dt.datetime(2025, 11, 10, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(moment), django_capture_on_commit_callbacks(execute=True):
        adjudication_decide(
            reference=adjudication.reference,
            breach=True,
            reason="no departure recorded; no extension",
            actor=adjudicator(),
        )
    decided = refreshed(adjudication)
    assert decided.state == AdjudicationState.FORFEITED
    assert bond_state(decided) == BOND_STATE_OF[decided.state] == "forfeited"
    assert decided.contest_deadline == dt.date(2025, 12, 10)  # the pilot's 30 days
    assert LedgerTransaction.objects.filter(kind="bond_forfeited").count() == 1
    notice = SentNotice.objects.get(kind="forfeiture_decided")
    assert notice.language == "fr"
    assert "jusqu'au 2025-12-10" in notice.subject
    assert ledger_holds()


def test_a_forfeiture_above_the_programs_amount_needs_a_second_different_adjudicator() -> None:
    _, adjudication = suspected(amount="15000")
    first, second = adjudicator(), adjudicator("adjudicator-two")
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="overstayed", actor=first
    )
    waiting = refreshed(adjudication)
    assert waiting.state == AdjudicationState.AWAITING_APPROVAL
    assert bond_state(waiting) == BOND_STATE_OF[waiting.state] == "breached"
    assert not LedgerTransaction.objects.filter(kind="bond_forfeited").exists()
    with pytest.raises(PermissionDenied) as same:
        adjudication_approve(
            reference=adjudication.reference, approve=True, reason="agree", actor=first
        )
    assert same.value.code == "second_adjudicator"
    adjudication_approve(
        reference=adjudication.reference, approve=True, reason="agree", actor=second
    )
    approved = refreshed(adjudication)
    assert (approved.state, approved.approved_by_id) == (AdjudicationState.FORFEITED, second.pk)
    assert bond_state(approved) == "forfeited"
    assert ledger_holds()


def test_a_second_adjudicator_who_does_not_approve_reopens_it() -> None:
    _, adjudication = suspected(amount="15000")
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="overstayed", actor=adjudicator()
    )
    adjudication_approve(
        reference=adjudication.reference,
        approve=False,
        reason="the extension request is pending: decide again",
        actor=adjudicator("adjudicator-two"),
    )
    reopened = refreshed(adjudication)
    assert reopened.state == AdjudicationState.OPEN
    assert bond_state(reopened) == BOND_STATE_OF[reopened.state] == "breach_suspected"
    assert ledger_holds()


def test_no_breach_cancels_the_bond_and_its_money_is_returned() -> None:
    _, adjudication = suspected()
    adjudication_decide(
        reference=adjudication.reference,
        breach=False,
        reason="exit recorded at a land border the feed missed",
        actor=adjudicator(),
    )
    cancelled = refreshed(adjudication)
    assert cancelled.state == AdjudicationState.CANCELLED
    bond = Bond.objects.get(pk=cancelled.bond_id)
    assert (bond.state, bond.cancel_reason) == ("cancelled", "breach_not_confirmed")
    assert ledger_holds()


def test_a_contest_in_time_reopens_it_with_the_new_evidence_and_reverses_the_forfeiture() -> None:
    traveller, adjudication = suspected()
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="overstayed", actor=adjudicator()
    )
    evidence = [{"kind": "other_state_entry", "description": "Malawi entry stamp 2025-10-29"}]
    adjudication_contest(
        reference=adjudication.reference,
        statement="I left on 2025-10-28 through IAD",
        evidence=evidence,
        actor=traveller.people.applicant,
    )
    contested = refreshed(adjudication)
    assert (contested.state, contested.round) == (AdjudicationState.OPEN, 2)
    assert contested.evidence[-1]["documents"] == evidence
    assert contested.evidence[-1]["by"] == "grace"
    assert bond_state(contested) == "breach_suspected"
    assert LedgerTransaction.objects.filter(kind="forfeiture_reversed").count() == 1
    assert ledger_holds()
    adjudication_decide(
        reference=adjudication.reference,
        breach=False,
        reason="the entry stamp proves the departure",
        actor=adjudicator("adjudicator-two"),
    )
    assert bond_state(adjudication) == "cancelled"
    assert ledger_holds()


def test_a_contest_after_the_period_is_refused() -> None:
    traveller, adjudication = suspected()
    with clock.frozen(dt.datetime(2025, 11, 10, 9, 0, tzinfo=dt.UTC)):
        adjudication_decide(
            reference=adjudication.reference, breach=True, reason="overstay", actor=adjudicator()
        )
    with (
        clock.frozen(dt.datetime(2025, 12, 11, 9, 0, tzinfo=dt.UTC)),
        pytest.raises(Conflict) as late,
    ):
        adjudication_contest(
            reference=adjudication.reference,
            statement="late",
            evidence=[],
            actor=traveller.people.applicant,
        )
    assert late.value.code == "contest_period_over"
    assert bond_state(adjudication) == "forfeited"


def test_only_the_obligor_contests_and_only_adjudicators_decide() -> None:
    _, adjudication = suspected()
    with pytest.raises(PermissionDenied):
        adjudication_decide(
            reference=adjudication.reference,
            breach=True,
            reason="x",
            actor=person("auditor", Role.AUDITOR),
        )
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="x", actor=adjudicator()
    )
    with pytest.raises(NotFound):
        adjudication_contest(
            reference=adjudication.reference,
            statement="not mine",
            evidence=[],
            actor=person("amina", Role.APPLICANT),
        )
    with pytest.raises(Conflict) as twice:
        adjudication_decide(
            reference=adjudication.reference, breach=False, reason="y", actor=adjudicator("z")
        )
    assert twice.value.code == "adjudication_state"


def test_every_step_is_an_audit_entry() -> None:
    _, adjudication = suspected()
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="x", actor=adjudicator()
    )
    actions = [
        e.details["action"]
        for e in AuditEvent.objects.filter(action="adjudication.step").order_by("sequence")
    ]
    assert actions == ["opened", "breach_confirmed", "forfeited"]


def test_a_reason_or_statement_beyond_the_limit_is_refused_and_changes_nothing() -> None:
    _, adjudication = suspected()
    with pytest.raises(InvalidInput) as refused:
        adjudication_decide(
            reference=adjudication.reference,
            breach=True,
            reason="x" * (MAX_TEXT + 1),
            actor=adjudicator(),
        )
    assert (refused.value.code, refused.value.field) == ("too_long", "reason")
    assert f"at most {MAX_TEXT} are kept" in refused.value.message
    assert Adjudication.objects.get(pk=adjudication.pk).state == AdjudicationState.OPEN
    adjudication_decide(
        reference=adjudication.reference, breach=True, reason="x" * MAX_TEXT, actor=adjudicator()
    )
