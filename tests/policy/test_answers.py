"""Answers kept until the registry changes: asked again they cost one small query, and every
registry write, of any kind, is seen by the next question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import shipped_timeline, usd
from visabond.policy import answers, reciprocity_services, services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule
from visabond.policy.rules import Period, RuleTerms
from visabond.policy.seed.loader import seed_load

pytestmark = pytest.mark.usefixtures("seeded")
D = dt.date
WHO = Author("officer")
CITED = [Source("Notice")]
NIGERIA = {"issuer": "USA", "nationality": "NGA", "visa_class": "B1/B2", "on": "2026-03-01"}


def nigeria() -> dict[str, Any]:
    return answers.registry().requirement(**NIGERIA)


def test_a_question_asked_again_costs_only_the_stamp(django_assert_num_queries: Any) -> None:
    first = nigeria()
    with django_assert_num_queries(1):
        again = nigeria()
    assert again == first
    assert again["bond_required"] is True


def amend_nigeria() -> None:
    services.rule_amend(
        rule_id=Rule.objects.get(issuer="USA", nationality="NGA").pk,
        terms=RuleTerms(bond_required=True, amounts=(usd(15000),), standard_amount=usd(15000)),
        effective_from=D(2026, 2, 1),
        announced_on=D(2026, 1, 15),
        reason="only the highest amount",
        sources=CITED,
        author=WHO,
        confirm_past=True,
    )


def withdraw_nigeria() -> None:
    services.rule_withdraw(
        rule_id=Rule.objects.get(issuer="USA", nationality="NGA").pk,
        effective_from=D(2026, 2, 1),
        announced_on=D(2026, 1, 15),
        reason="lifted",
        sources=CITED,
        author=WHO,
        confirm_past=True,
    )


def correct_nigeria() -> None:
    services.rule_correct(
        rule_id=Rule.objects.get(issuer="USA", nationality="NGA").pk,
        version=1,
        announced_on=D(2026, 1, 5),
        reason="announced a day earlier",
        sources=CITED,
        author=WHO,
        confirm_past=True,
    )


WRITES: dict[str, tuple[Callable[[], None], Callable[[dict[str, Any]], object]]] = {
    "amend": (amend_nigeria, lambda a: a["amounts"]),
    "withdraw": (withdraw_nigeria, lambda a: a["bond_required"]),
    "correct": (correct_nigeria, lambda a: a["announced_on"]),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_next_question_sees_every_kind_of_rule_write(write: str) -> None:
    change, read = WRITES[write]
    before = read(nigeria())
    change()
    assert read(nigeria()) != before


def test_the_next_question_sees_a_new_designation() -> None:
    kenya = {"issuer": "USA", "nationality": "KEN", "visa_class": "B1/B2", "on": "2026-03-01"}
    assert answers.registry().requirement(**kenya)["bond_required"] is False
    services.rule_designate(
        program=Program.objects.get(code="us-visa-bond-pilot"),
        nationality="KEN",
        visa_class="B1/B2",
        terms=RuleTerms(bond_required=True, amounts=(usd(5000),), standard_amount=usd(5000)),
        period=Period(D(2026, 3, 1)),
        announced_on=D(2026, 2, 1),
        reason="added",
        sources=CITED,
        author=WHO,
        confirm_past=True,
    )
    assert answers.registry().requirement(**kenya)["bond_required"] is True


def test_the_next_question_sees_an_approved_mirror() -> None:
    mali = {"issuer": "MLI", "nationality": "USA", "visa_class": "SHORT-STAY", "on": "2026-03-01"}
    assert answers.registry().requirement(**mali)["bond_required"] is True
    reciprocity_services.reciprocity_review_approve(
        review_id=ReciprocityReview.objects.get(status=ReviewStatus.PENDING).pk,
        reason="Mali follows",
        author=WHO,
        effective_from=D(2026, 2, 1),
        announced_on=D(2026, 1, 20),
        confirm_past=True,
    )
    assert answers.registry().requirement(**mali)["bond_required"] is False


def register_france() -> None:
    services.program_register(
        code="fr-bonds",
        issuer="FRA",
        name="French visa bonds",
        legal_basis="",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=CITED,
        author=WHO,
    )


def test_a_newly_registered_state_is_known_at_once() -> None:
    assert "FRA" not in answers.registry().issuers()
    register_france()
    assert "FRA" in answers.registry().issuers()


def test_a_seed_step_applied_later_is_seen() -> None:
    bhutan = {"issuer": "USA", "nationality": "BTN", "visa_class": "B1/B2", "on": "2026-01-01"}
    version = answers.registry().requirement(**bhutan)["version"]
    timeline = shipped_timeline()
    timeline["steps"].append(
        {
            "key": "test/BTN/corrected",
            "step": "correct_announcement",
            "rule": ["USA", "BTN", "B1/B2"],
            "recorded_as": "2025-12-17",
            "announced_on": "2025-12-16",
            "reason": "announced a day earlier",
            "sources": ["fe-2026-01-01"],
        }
    )
    seed_load(timeline)
    assert answers.registry().requirement(**bhutan)["version"] == version + 1


def test_a_refusal_is_not_kept() -> None:
    from visabond.core.errors import NotFound

    question = {"issuer": "FRA", "nationality": "MLI", "visa_class": "*", "on": "2026-03-01"}
    with pytest.raises(NotFound):
        answers.registry().requirement(**question)
    register_france()
    assert answers.registry().requirement(**question)["bond_required"] is False
