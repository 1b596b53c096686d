"""Reciprocity both ways: two states mirroring each other, three states, adopted and automatic.

The normal case of reciprocity is two states each mirroring the other (the US and Mali). A
change crosses to the other state once and never comes back to the state where it began.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import usd
from visabond.audit.chain import verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.core.money import Money
from visabond.policy import reciprocity_services, services
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule, RuleVersion
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period, RuleTerms, VisaConditions
from visabond.policy.selectors import requirement_lookup, review_queue

pytestmark = pytest.mark.django_db

D = dt.date
OFFICER = Author("officer")
CITED = [Source("Official journal")]
CLASS_OF = {"USA": "B1/B2", "MLI": "SHORT-STAY", "MRT": "VISITOR"}
PORT_OF = {"USA": "JFK", "MLI": "BKO", "MRT": "NKC"}


@pytest.fixture(autouse=True)
def after_the_dates_of_these_tests(today_is: Any) -> None:
    """The decisions below are announced in 2030 (an announcement cannot be in the future),
    and recorded after the fact (each confirms its past effective date)."""
    today_is(dt.date(2031, 6, 1))


def bond(state: str, *amounts: int) -> RuleTerms:
    money = tuple(usd(a) for a in amounts)
    return RuleTerms(
        bond_required=True,
        amounts=money,
        standard_amount=money[-1],
        visa=VisaConditions(1, 90, 30),
        ports=(PORT_OF[state],),
    )


def program(state: str) -> Program:
    return services.program_register(
        code=f"{state.lower()}-bonds",
        issuer=state,
        name=f"{state} visa bonds",
        legal_basis=f"{state} act",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=CITED,
        author=OFFICER,
    )


def adopt(state: str, towards: str, mode: Mode, cap: Money | None = None) -> None:
    reciprocity_services.directive_adopt(
        program=Program.objects.get(issuer=state),
        counterpart=towards,
        visa_class_mapping={CLASS_OF[towards]: CLASS_OF[state]},
        port_mapping={PORT_OF[towards]: PORT_OF[state]},
        cap=cap,
        mode=mode,
        effective_from=D(2030, 1, 1),
        announced_on=D(2030, 1, 1),
        reason="reciprocity",
        sources=CITED,
        author=OFFICER,
    )


def states(*names: str, mode: Mode) -> None:
    """Each state has a program and mirrors every other one."""
    for name in names:
        program(name)
    for name in names:
        for other in names:
            if other != name:
                adopt(name, other, mode)


def designate(state: str, nationality: str, *amounts: int) -> Recorded:
    return services.rule_designate(
        program=Program.objects.get(issuer=state),
        nationality=nationality,
        visa_class=CLASS_OF[state],
        terms=bond(state, *amounts),
        period=Period(D(2030, 3, 1), D(2030, 12, 31)),
        announced_on=D(2030, 2, 1),
        reason="designation",
        sources=CITED,
        author=OFFICER,
        confirm_past=True,
    )


def amend(rule: Rule, *amounts: int) -> Recorded:
    return services.rule_amend(
        rule_id=rule.pk,
        terms=bond(rule.issuer, *amounts),
        effective_from=D(2030, 6, 1),
        announced_on=D(2030, 5, 1),
        reason="amendment",
        sources=CITED,
        author=OFFICER,
        confirm_past=True,
    )


def withdraw(rule: Rule) -> Recorded:
    return services.rule_withdraw(
        rule_id=rule.pk,
        effective_from=D(2030, 9, 1),
        announced_on=D(2030, 8, 1),
        reason="lifted",
        sources=CITED,
        author=OFFICER,
        confirm_past=True,
    )


def rule_of(issuer: str, nationality: str) -> Rule:
    return Rule.objects.get(issuer=issuer, nationality=nationality)


def amounts_on(issuer: str, nationality: str, day: str) -> list[str]:
    answer = requirement_lookup(
        issuer=issuer, nationality=nationality, visa_class=CLASS_OF[issuer], on=day
    ).to_json_dict()
    return list(answer["amounts"])


def statuses(issuer: str) -> list[str]:
    return list(
        ReciprocityReview.objects.filter(directive__issuer=issuer)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def test_designating_a_mirrored_country_is_recorded_mirrored_once_and_the_echo_stops() -> None:
    # given the US and Mali each mirroring the other automatically
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    # when the US designates Malians
    recorded = designate("USA", "MLI", 5000, 10000)
    # then the officer's designation stands, Mali mirrors it, and nothing comes back
    assert recorded.version.rule.issuer == "USA"
    assert amounts_on("MLI", "USA", "2030-03-01") == ["5000.00", "10000.00"]
    assert Rule.objects.filter(issuer="USA", nationality="MLI").count() == 1
    assert RuleVersion.objects.filter(rule__issuer="USA").count() == 1
    assert statuses("MLI") == [ReviewStatus.APPLIED]
    assert statuses("USA") == [ReviewStatus.ECHO]
    echo = ReciprocityReview.objects.get(status=ReviewStatus.ECHO)
    assert echo.proposal["source"]["origin_issuer"] == "USA"
    assert echo.mirror_rule == recorded.version.rule
    assert echo in review_queue()
    assert AuditEvent.objects.filter(action="reciprocity.echo_stopped").count() == 1
    assert verify(audit_links(), head=audit_head()) == []


def test_amending_a_mirrored_rule_amends_the_mirror_and_the_echo_stops() -> None:
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    us_rule = designate("USA", "MLI", 5000, 10000).version.rule
    amend(us_rule, 15000)
    assert amounts_on("MLI", "USA", "2030-05-31") == ["5000.00", "10000.00"]
    assert amounts_on("MLI", "USA", "2030-06-01") == ["15000.00"]
    assert amounts_on("USA", "MLI", "2030-06-01") == ["15000.00"]
    assert list(us_rule.versions.values_list("action", flat=True)) == ["designate", "amend"]
    assert rule_of("MLI", "USA").versions.count() == 2
    assert statuses("USA") == [ReviewStatus.ECHO, ReviewStatus.ECHO]


def test_withdrawing_a_mirrored_rule_waits_for_the_other_state_and_its_mirror_does_not_echo() -> (
    None
):
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    us_rule = designate("USA", "MLI", 5000, 10000).version.rule
    withdraw(us_rule)
    pending = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    assert (pending.directive.issuer, pending.change) == ("MLI", "withdraw")
    assert amounts_on("MLI", "USA", "2030-10-01") == ["5000.00", "10000.00"]
    reciprocity_services.reciprocity_review_approve(
        review_id=pending.pk, reason="we follow", author=OFFICER, confirm_past=True
    )
    assert amounts_on("MLI", "USA", "2030-10-01") == []
    assert statuses("USA") == [ReviewStatus.ECHO, ReviewStatus.ECHO]
    assert not ReciprocityReview.objects.filter(status=ReviewStatus.PENDING).exists()


def test_the_other_side_designates_amends_and_withdraws_and_the_first_state_mirrors_it() -> None:
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    mali_rule = designate("MLI", "USA", 10000).version.rule
    assert amounts_on("USA", "MLI", "2030-03-01") == ["10000.00"]
    assert rule_of("USA", "MLI").versions.get().mirrored_from["origin_issuer"] == "MLI"
    amend(mali_rule, 5000, 10000)
    assert amounts_on("USA", "MLI", "2030-06-01") == ["5000.00", "10000.00"]
    withdraw(mali_rule)
    assert statuses("MLI") == [ReviewStatus.ECHO, ReviewStatus.ECHO]
    assert statuses("USA") == [ReviewStatus.APPLIED, ReviewStatus.APPLIED, ReviewStatus.PENDING]


def test_a_state_amending_its_own_mirror_is_mirrored_back_onto_the_rule_it_mirrors() -> None:
    # The pair of rules is shared: Mali's own change to its mirror is Mali's decision, which
    # the US mirrors onto its original rule instead of designating a second one.
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    us_rule = designate("USA", "MLI", 5000, 10000).version.rule
    amend(rule_of("MLI", "USA"), 10000)
    assert Rule.objects.filter(issuer="USA", nationality="MLI").count() == 1
    assert amounts_on("USA", "MLI", "2030-06-01") == ["10000.00"]
    latest = us_rule.versions.order_by("-version").first()
    assert latest is not None
    assert latest.mirrored_from is not None
    assert latest.mirrored_from["origin_issuer"] == "MLI"
    assert statuses("MLI")[-1] == ReviewStatus.ECHO


def test_three_states_mirroring_one_another_each_change_crosses_one_border_only() -> None:
    states("USA", "MLI", "MRT", mode=Mode.AUTOMATIC)
    designate("USA", "MLI", 10000)
    designate("MRT", "USA", 5000)
    keys = set(Rule.objects.values_list("issuer", "nationality"))
    assert keys == {("USA", "MLI"), ("MLI", "USA"), ("MRT", "USA"), ("USA", "MRT")}
    assert amounts_on("USA", "MRT", "2030-03-01") == ["5000.00"]
    reviews = sorted(ReciprocityReview.objects.values_list("directive__issuer", "status"))
    assert reviews == [
        ("MLI", ReviewStatus.APPLIED),
        ("MRT", ReviewStatus.ECHO),
        ("USA", ReviewStatus.APPLIED),
        ("USA", ReviewStatus.ECHO),
    ]


def test_in_adopted_mode_both_ways_each_side_approves_and_the_echo_never_waits() -> None:
    states("USA", "MLI", mode=Mode.ADOPTED)
    us_rule = designate("USA", "MLI", 5000, 10000).version.rule
    assert amounts_on("MLI", "USA", "2030-03-01") == []
    waiting = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    assert waiting.directive.issuer == "MLI"
    reciprocity_services.reciprocity_review_approve(
        review_id=waiting.pk, reason="we mirror", author=OFFICER, confirm_past=True
    )
    assert amounts_on("MLI", "USA", "2030-03-01") == ["5000.00", "10000.00"]
    assert statuses("USA") == [ReviewStatus.ECHO]
    # Mali's own amendment of its measure waits for the US
    amend(rule_of("MLI", "USA"), 10000)
    us_waiting = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    assert us_waiting.directive.issuer == "USA"
    assert us_waiting.mirror_rule == us_rule
    reciprocity_services.reciprocity_review_approve(
        review_id=us_waiting.pk, reason="we follow", author=OFFICER, confirm_past=True
    )
    assert amounts_on("USA", "MLI", "2030-06-01") == ["10000.00"]
    assert statuses("MLI")[-1] == ReviewStatus.ECHO
    assert not ReciprocityReview.objects.filter(status=ReviewStatus.PENDING).exists()


def test_an_echo_is_acknowledged_and_leaves_the_queue() -> None:
    states("USA", "MLI", mode=Mode.AUTOMATIC)
    designate("USA", "MLI", 10000)
    echo = ReciprocityReview.objects.get(status=ReviewStatus.ECHO)
    reciprocity_services.reciprocity_review_acknowledge(
        review_id=echo.pk, author=OFFICER, reason="the echo was stopped as it should"
    )
    echo.refresh_from_db()
    assert echo.status == ReviewStatus.ACKNOWLEDGED
    assert echo not in review_queue()


def test_an_automatic_mirror_the_other_state_refuses_waits_and_the_source_decision_stands() -> None:
    # Mali has its own rule for US nationals; the US then designates Malians.
    program("USA")
    program("MLI")
    designate("MLI", "USA", 10000)
    adopt("MLI", "USA", Mode.AUTOMATIC)
    recorded = designate("USA", "MLI", 5000)
    assert recorded.version.pk is not None
    review = ReciprocityReview.objects.get(directive__issuer="MLI")
    assert review.status == ReviewStatus.PENDING
    assert review.proposal["refused"]["code"] == "rule_overlap"
    assert Rule.objects.filter(issuer="MLI", nationality="USA").count() == 1
    assert verify(audit_links(), head=audit_head()) == []
