"""The adjudication console: only a bond adjudicator reaches it; an adjudication shows its
evidence (which departure evidence decided); a breach above the program's amount waits for
a second adjudicator, never the one who decided, and the page says who decided; the obligor
contests their own forfeiture."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from tests.adjudication.test_services import adjudicator, suspected
from tests.border_world import Bonded, admit, bonded, depart, grace
from tests.casework_world import ledger_holds, person
from tests.pages import signed_in
from visabond.accounts.roles import Role
from visabond.adjudication.models import Adjudication, AdjudicationState
from visabond.border.sweep_services import sweep_run
from visabond.core import clock

pytestmark = pytest.mark.usefixtures("pilot")

DECIDING_DAY = dt.datetime(2025, 11, 10, 9, 0, tzinfo=dt.UTC)


def page_of(adjudication: Adjudication) -> str:
    return f"/adjudications/{adjudication.reference}/"


def decide(client: Client, adjudication: Adjudication, *, breach: str, reason: str) -> object:
    with clock.frozen(DECIDING_DAY):
        return client.post(
            page_of(adjudication),
            {"action": "decide", "decide-breach": breach, "decide-reason": reason},
        )


def approve(client: Client, adjudication: Adjudication, *, reason: str) -> object:
    with clock.frozen(DECIDING_DAY):
        return client.post(
            page_of(adjudication),
            {"action": "approve", "approve-approve": "approve", "approve-reason": reason},
        )


def state_of(adjudication: Adjudication) -> str:
    return Adjudication.objects.get(pk=adjudication.pk).state


def test_only_a_bond_adjudicator_reaches_the_adjudication_console() -> None:
    _, adjudication = suspected()
    border = signed_in(person("border", Role.BORDER_OFFICER))
    auditor = signed_in(person("auditor", Role.AUDITOR))
    first = signed_in(adjudicator())
    for path in ("/adjudications/", page_of(adjudication)):
        assert Client().get(path).status_code == 302
        assert border.get(path).status_code == 403
        assert auditor.get(path).status_code == 403
        assert first.get(path).status_code == 200
    assert border.post(page_of(adjudication), {"action": "decide"}).status_code == 403
    assert state_of(adjudication) == AdjudicationState.OPEN


def test_the_list_shows_the_adjudications_waiting_with_their_bond() -> None:
    traveller, adjudication = suspected()
    text = signed_in(adjudicator()).get("/adjudications/").content.decode()
    assert f'data-reference="{adjudication.reference}"' in text
    assert traveller.bond.number in text
    assert "no departure by the end of the authorized stay" in text


def test_an_adjudication_shows_which_departure_evidence_decided() -> None:
    """A late departure: the exit record at IAD, a day after admit-until, is what decided."""
    traveller: Bonded = bonded()
    admit(grace(), port="IAD", on="2025-10-01", until="2025-10-30")
    depart(grace(), port="IAD", on="2025-10-31")
    sweep_run(as_of=dt.date(2025, 11, 1), actor="visabond sweep")
    adjudication = Adjudication.objects.get(bond__case=traveller.case)
    text = signed_in(adjudicator()).get(page_of(adjudication)).content.decode()
    assert 'id="deciding-evidence">exit record at the port: IAD, 2025-10-31' in text
    assert "departed after the end of the authorized stay" in text


def test_an_adjudication_without_a_departure_says_none_decided() -> None:
    _, adjudication = suspected()
    text = signed_in(adjudicator()).get(page_of(adjudication)).content.decode()
    assert 'id="deciding-evidence">none: no departure recorded' in text


def test_a_large_forfeiture_waits_for_a_second_adjudicator_and_never_the_same() -> None:
    _, adjudication = suspected(amount="15000")
    first = signed_in(adjudicator("adjudicator-one"))
    second = signed_in(adjudicator("adjudicator-two"))
    decided = decide(first, adjudication, breach="breach", reason="no departure recorded")
    assert decided.status_code == 302  # type: ignore[attr-defined]
    assert state_of(adjudication) == AdjudicationState.AWAITING_APPROVAL
    waiting = first.get(page_of(adjudication)).content.decode()
    assert 'id="decided-by">adjudicator-one' in waiting
    assert 'id="not-you"' in waiting
    same = approve(first, adjudication, reason="agreed")
    assert same.status_code == 403  # type: ignore[attr-defined]
    assert same.context["approval_form"].has_error("__all__", "second_adjudicator")  # type: ignore[attr-defined]
    assert state_of(adjudication) == AdjudicationState.AWAITING_APPROVAL
    assert 'id="not-you"' not in second.get(page_of(adjudication)).content.decode()
    approved = approve(second, adjudication, reason="the evidence holds")
    assert approved.status_code == 302  # type: ignore[attr-defined]
    assert state_of(adjudication) == AdjudicationState.FORFEITED
    after = second.get(page_of(adjudication)).content.decode()
    assert 'id="approved-by">adjudicator-two' in after
    assert 'id="bond-state">forfeited<' in after
    assert ledger_holds()


def test_a_decision_without_a_reason_is_refused_beside_the_reason() -> None:
    _, adjudication = suspected()
    answer = decide(signed_in(adjudicator()), adjudication, breach="no_breach", reason=" ")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert answer.context["decision_form"].has_error("reason", "reason_missing")  # type: ignore[attr-defined]
    assert state_of(adjudication) == AdjudicationState.OPEN


def test_no_breach_cancels_the_bond() -> None:
    _, adjudication = suspected()
    answer = decide(
        signed_in(adjudicator()), adjudication, breach="no_breach", reason="extension granted"
    )
    assert answer.status_code == 302  # type: ignore[attr-defined]
    assert state_of(adjudication) == AdjudicationState.CANCELLED
    assert ledger_holds()


def test_the_obligor_contests_their_forfeiture_and_nobody_elses() -> None:
    traveller, adjudication = suspected()
    decide(signed_in(adjudicator()), adjudication, breach="breach", reason="no departure")
    assert state_of(adjudication) == AdjudicationState.FORFEITED
    contest = f"/adjudications/{adjudication.reference}/contest/"
    stranger = signed_in(person("amina", Role.APPLICANT))
    assert stranger.get(contest).status_code == 404
    obligor = signed_in(traveller.people.applicant)
    with clock.frozen(DECIDING_DAY + dt.timedelta(days=3)):
        empty = obligor.post(contest, {"statement": ""})
        assert empty.context["form"].has_error("statement", "statement_missing")  # type: ignore[attr-defined]
        done = obligor.post(
            contest, {"statement": "I left on time through IAD", "evidence": "boarding pass ET501"}
        )
    assert done.status_code == 302
    reopened = Adjudication.objects.get(pk=adjudication.pk)
    assert (reopened.state, reopened.round) == (AdjudicationState.OPEN, 2)
    assert reopened.evidence[-1]["documents"][0]["description"] == "boarding pass ET501"


def test_the_adjudication_pages_answer_other_methods_with_405() -> None:
    _, adjudication = suspected()
    client = signed_in(adjudicator())
    for path in ("/adjudications/", page_of(adjudication), page_of(adjudication) + "contest/"):
        assert client.put(path).status_code == 405
        assert client.delete(path).status_code == 405
    assert client.post("/adjudications/").status_code == 405
    assert state_of(adjudication) == AdjudicationState.OPEN


def test_a_reason_beyond_the_limit_is_refused_beside_it_in_the_pages_language() -> None:
    _, adjudication = suspected()
    client = signed_in(adjudicator())
    with clock.frozen(DECIDING_DAY):
        answer = client.post(
            "/fr" + page_of(adjudication),
            {"action": "decide", "decide-breach": "breach", "decide-reason": "x" * 2001},
        )
    assert answer.status_code == 422
    assert answer.context["decision_form"].has_error("reason", "max_length")
    assert "au plus 2000 caractères" in answer.content.decode()
    assert state_of(adjudication) == AdjudicationState.OPEN


def test_the_french_page_says_amounts_states_and_steps_in_french() -> None:
    _, adjudication = suspected()
    client = signed_in(adjudicator())
    text = html.unescape(client.get("/fr" + page_of(adjudication)).content.decode())
    assert "10\xa0000,00 USD" in text
    assert "10,000.00" not in text
    assert 'id="bond-state">manquement présumé<' in text
    step = text[text.index('data-step="opened"') :]
    assert "<strong>ouverte</strong> · visabond sweep · aucun départ à la fin du" in step
    listing = html.unescape(client.get("/fr/adjudications/").content.decode())
    assert "10\xa0000,00 USD" in listing
