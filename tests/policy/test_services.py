"""Writes to the registry: designate, amend, withdraw, refuse bad input, react by reciprocity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import usd
from visabond.audit.chain import verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.core.errors import Conflict, InvalidInput, NotFound, VisabondError
from visabond.policy import reciprocity_services, services
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule, RuleVersion
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period, RuleTerms, VisaConditions
from visabond.policy.selectors import requirement_lookup

pytestmark = pytest.mark.django_db

D = dt.date
OFFICER = Author("officer.ada")


@pytest.fixture(autouse=True)
def after_the_dates_of_these_tests(today_is: Any) -> None:
    """The decisions below are announced up to 2030; an announcement cannot be in the future."""
    today_is(dt.date(2031, 6, 1))


CITATION = [Source("Ministry notice no. 1", "https://example.org/notice-1", "2030-01-01")]
BOND = RuleTerms(
    bond_required=True,
    amounts=(usd(5000), usd(10000)),
    standard_amount=usd(10000),
    visa=VisaConditions(1, 90, 30),
    ports=("JFK",),
)


@pytest.fixture
def pilot() -> Program:
    return services.program_register(
        code="test-pilot",
        issuer="USA",
        name="Test pilot",
        legal_basis="Test act s. 1",
        notice_days=15,
        effective_from=D(2030, 1, 1),
        effective_to=D(2030, 12, 31),
        sources=CITATION,
        author=OFFICER,
    )


def designate(program: Program, nationality: str = "KEN", **overrides: object) -> Recorded:
    arguments: dict[str, object] = {
        "program": program,
        "nationality": nationality,
        "visa_class": "B-1/B-2",
        "terms": BOND,
        "period": Period(D(2030, 3, 1)),
        "announced_on": D(2030, 2, 1),
        "reason": "overstay rate",
        "sources": CITATION,
        "author": OFFICER,
        "confirm_past": True,
    } | overrides
    return services.rule_designate(**arguments)  # type: ignore[arg-type]


def test_a_designation_without_an_end_ends_with_its_program(pilot: Program) -> None:
    recorded = designate(pilot)
    assert recorded.version.effective_to == D(2030, 12, 31)
    assert recorded.version.rule.visa_class == "B1/B2"
    assert recorded.warnings == []


def test_short_notice_is_recorded_with_a_warning_not_refused(pilot: Program) -> None:
    recorded = designate(pilot, announced_on=D(2030, 2, 25))
    assert recorded.warnings == [
        "announced 4 days before it takes effect; Test pilot promises 15 days' notice"
    ]
    assert recorded.version.notice_warning == recorded.warnings[0]


def test_an_overlapping_designation_is_refused_and_nothing_is_written(pilot: Program) -> None:
    designate(pilot)
    before = (Rule.objects.count(), RuleVersion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Conflict) as caught:
        designate(pilot, period=Period(D(2030, 6, 1)))
    assert caught.value.field == "effective_from"
    assert "amend or withdraw" in caught.value.message
    assert (Rule.objects.count(), RuleVersion.objects.count(), AuditEvent.objects.count()) == before


def test_a_new_designation_may_follow_a_withdrawn_one(pilot: Program) -> None:
    first = designate(pilot)
    services.rule_withdraw(
        rule_id=first.version.rule_id,
        effective_from=D(2030, 5, 1),
        announced_on=D(2030, 4, 1),
        reason="lifted",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    second = designate(pilot, period=Period(D(2030, 7, 1)), announced_on=D(2030, 6, 1))
    assert second.version.rule_id != first.version.rule_id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nationality": "USA"}, "nationality"),
        ({"nationality": "XYZ"}, "country"),
        ({"visa_class": "Z-9"}, "visa_class"),
        ({"reason": "  "}, "reason"),
        ({"sources": []}, "sources"),
        ({"period": Period(D(2029, 12, 1))}, "effective_from"),
        (
            {
                "terms": RuleTerms(
                    bond_required=True,
                    amounts=(usd(1),),
                    standard_amount=usd(1),
                    ports=("BKO",),
                )
            },
            "ports",
        ),
        (
            {
                "terms": RuleTerms(
                    bond_required=True,
                    amounts=(usd(1),),
                    standard_amount=usd(1),
                    ports=("QQQ",),
                )
            },
            "ports",
        ),
    ],
)
def test_bad_designations_name_the_field_and_write_nothing(
    pilot: Program, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(VisabondError) as caught:
        designate(pilot, **overrides)
    assert caught.value.field == field
    assert RuleVersion.objects.count() == 0


def test_an_amendment_is_a_new_version_and_history_is_kept(pilot: Program) -> None:
    rule_id = designate(pilot).version.rule_id
    higher = RuleTerms(
        bond_required=True,
        amounts=(usd(15000),),
        standard_amount=usd(15000),
        ports=("JFK", "IAD"),
    )
    services.rule_amend(
        rule_id=rule_id,
        terms=higher,
        effective_from=D(2030, 6, 1),
        announced_on=D(2030, 5, 1),
        reason="deterrence",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    versions = list(RuleVersion.objects.filter(rule_id=rule_id).order_by("version"))
    assert [(v.version, v.action) for v in versions] == [(1, "designate"), (2, "amend")]
    assert versions[1].effective_to == D(2030, 12, 31)
    assert requirement_lookup(
        issuer="USA", nationality="KEN", visa_class="B1/B2", on="2030-05-31"
    ).to_json_dict()["amounts"] == ["5000.00", "10000.00"]
    assert requirement_lookup(
        issuer="USA", nationality="KEN", visa_class="B1/B2", on="2030-06-01"
    ).to_json_dict()["amounts"] == ["15000.00"]


def test_amending_a_rule_not_in_force_on_that_day_is_refused(pilot: Program) -> None:
    rule_id = designate(pilot).version.rule_id
    with pytest.raises(Conflict) as caught:
        services.rule_amend(
            rule_id=rule_id,
            terms=BOND,
            effective_from=D(2030, 2, 1),
            announced_on=D(2030, 1, 1),
            reason="x",
            sources=CITATION,
            author=OFFICER,
            confirm_past=True,
        )
    assert caught.value.code == "rule_not_in_force"


def test_withdrawing_twice_is_refused(pilot: Program) -> None:
    rule_id = designate(pilot).version.rule_id
    services.rule_withdraw(
        rule_id=rule_id,
        effective_from=D(2030, 3, 1),
        announced_on=D(2030, 2, 20),
        reason="dropped",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    with pytest.raises(Conflict):
        services.rule_withdraw(
            rule_id=rule_id,
            effective_from=D(2030, 4, 1),
            announced_on=D(2030, 3, 20),
            reason="again",
            sources=CITATION,
            author=OFFICER,
            confirm_past=True,
        )


def test_a_designation_effective_before_today_needs_confirmation_and_nothing_is_written(
    pilot: Program,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        designate(pilot, confirm_past=False)
    assert (refused.value.code, refused.value.field) == (
        "effective_in_past_unconfirmed",
        "effective_from",
    )
    assert not Rule.objects.exists()
    assert not AuditEvent.objects.filter(action="rule.designated").exists()


@pytest.mark.parametrize("change", ["amend", "withdraw"])
def test_amending_or_withdrawing_from_a_past_day_needs_confirmation_and_is_flagged(
    pilot: Program, change: str
) -> None:
    rule_id = designate(pilot).version.rule_id
    decide = {
        "amend": lambda confirm: services.rule_amend(
            rule_id=rule_id,
            terms=BOND,
            effective_from=D(2030, 5, 1),
            announced_on=D(2030, 4, 1),
            reason="new terms",
            sources=CITATION,
            author=OFFICER,
            confirm_past=confirm,
        ),
        "withdraw": lambda confirm: services.rule_withdraw(
            rule_id=rule_id,
            effective_from=D(2030, 5, 1),
            announced_on=D(2030, 4, 1),
            reason="dropped",
            sources=CITATION,
            author=OFFICER,
            confirm_past=confirm,
        ),
    }[change]
    with pytest.raises(InvalidInput) as refused:
        decide(False)
    assert refused.value.code == "effective_in_past_unconfirmed"
    assert RuleVersion.objects.filter(rule_id=rule_id).count() == 1
    recorded = decide(True)
    event = AuditEvent.objects.filter(action__in=["rule.amended", "rule.withdrawn"]).get()
    assert event.subject_id == str(recorded.version.pk)
    assert event.details["effective_in_past"] is True


def test_a_decision_from_today_on_needs_no_confirmation_and_is_not_flagged(
    pilot: Program, today_is: Any
) -> None:
    today_is(D(2030, 2, 15))
    recorded = designate(pilot, confirm_past=False)
    event = AuditEvent.objects.filter(action="rule.designated").get()
    assert (recorded.version.effective_from, event.details["effective_in_past"]) == (
        D(2030, 3, 1),
        False,
    )


def test_every_decision_is_in_the_audit_trail_and_the_chain_verifies(pilot: Program) -> None:
    rule_id = designate(pilot).version.rule_id
    services.rule_withdraw(
        rule_id=rule_id,
        effective_from=D(2030, 4, 1),
        announced_on=D(2030, 3, 1),
        reason="dropped",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    actions = list(AuditEvent.objects.values_list("action", "actor_name"))
    assert ("rule.designated", "officer.ada") in actions
    assert ("rule.withdrawn", "officer.ada") in actions
    assert verify(audit_links(), head=audit_head()) == []


def test_an_edited_audit_entry_is_detected(pilot: Program) -> None:
    designate(pilot)
    AuditEvent.objects.filter(action="rule.designated").update(details={"reason": "forged"})
    breaks = verify(audit_links(), head=audit_head())
    assert [b.problem for b in breaks] == ["content differs from what was recorded"]


@pytest.fixture
def mali_program() -> Program:
    return services.program_register(
        code="test-mli",
        issuer="MLI",
        name="Test reciprocity",
        legal_basis="reciprocity",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=CITATION,
        author=OFFICER,
    )


def adopt(program: Program, mode: Mode) -> None:
    reciprocity_services.directive_adopt(
        program=program,
        counterpart="USA",
        visa_class_mapping={"B1/B2": "SHORT-STAY"},
        port_mapping={"JFK": "BKO", "IAD": "BKO"},
        cap=usd(10000),
        mode=mode,
        effective_from=D(2030, 1, 1),
        announced_on=D(2030, 1, 1),
        reason="reciprocity",
        sources=CITATION,
        author=OFFICER,
    )


def mali_answer(on: str) -> dict[str, object]:
    return requirement_lookup(
        issuer="MLI", nationality="USA", visa_class="SHORT-STAY", on=on
    ).to_json_dict()


def test_in_automatic_mode_a_source_designation_is_mirrored_at_once(
    pilot: Program, mali_program: Program
) -> None:
    adopt(mali_program, Mode.AUTOMATIC)
    designate(pilot, nationality="MLI")
    answer = mali_answer("2030-03-01")
    assert answer["bond_required"] is True
    assert answer["ports"] == ["BKO"]
    review = ReciprocityReview.objects.get()
    assert review.status == ReviewStatus.APPLIED


def test_in_adopted_mode_a_source_change_waits_for_approval(
    pilot: Program, mali_program: Program
) -> None:
    adopt(mali_program, Mode.ADOPTED)
    designate(pilot, nationality="MLI")
    assert mali_answer("2030-03-01")["bond_required"] is False
    review = ReciprocityReview.objects.get()
    reciprocity_services.reciprocity_review_approve(
        review_id=review.pk,
        reason="adopted",
        author=OFFICER,
        effective_from=D(2030, 4, 1),
        announced_on=D(2030, 3, 1),
        confirm_past=True,
    )
    assert mali_answer("2030-03-31")["bond_required"] is False
    assert mali_answer("2030-04-01")["bond_required"] is True


def test_a_source_withdrawal_is_never_mirrored_without_a_decision(
    pilot: Program, mali_program: Program
) -> None:
    adopt(mali_program, Mode.AUTOMATIC)
    rule_id = designate(pilot, nationality="MLI").version.rule_id
    services.rule_withdraw(
        rule_id=rule_id,
        effective_from=D(2030, 5, 1),
        announced_on=D(2030, 4, 20),
        reason="dropped",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    assert mali_answer("2030-06-01")["bond_required"] is True
    pending = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    assert pending.change == "withdraw"
    reciprocity_services.reciprocity_review_approve(
        review_id=pending.pk,
        reason="follow",
        author=OFFICER,
        effective_from=D(2030, 7, 1),
        announced_on=D(2030, 6, 15),
        confirm_past=True,
    )
    assert mali_answer("2030-06-30")["bond_required"] is True
    assert mali_answer("2030-07-01")["bond_required"] is False


def test_a_source_amendment_in_adopted_mode_can_be_rejected_keeping_the_mirror(
    pilot: Program, mali_program: Program
) -> None:
    adopt(mali_program, Mode.AUTOMATIC)
    rule_id = designate(pilot, nationality="MLI").version.rule_id
    ReciprocityReview.objects.update(status=ReviewStatus.ACKNOWLEDGED)
    from visabond.policy.models import ReciprocityDirective

    ReciprocityDirective.objects.update(mode=Mode.ADOPTED)
    services.rule_amend(
        rule_id=rule_id,
        terms=BOND,
        effective_from=D(2030, 6, 1),
        announced_on=D(2030, 5, 1),
        reason="tweak",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )
    review = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    reciprocity_services.reciprocity_review_reject(
        review_id=review.pk, reason="keep ours", author=OFFICER
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED
    with pytest.raises(Conflict):
        reciprocity_services.reciprocity_review_reject(
            review_id=review.pk, reason="twice", author=OFFICER
        )


def test_a_directive_towards_the_same_state_twice_is_refused(mali_program: Program) -> None:
    adopt(mali_program, Mode.ADOPTED)
    with pytest.raises(Conflict):
        adopt(mali_program, Mode.ADOPTED)


def test_a_directive_mapping_to_a_foreign_port_is_refused(mali_program: Program) -> None:
    with pytest.raises(InvalidInput) as caught:
        reciprocity_services.directive_adopt(
            program=mali_program,
            counterpart="USA",
            visa_class_mapping={"B1/B2": "SHORT-STAY"},
            port_mapping={"JFK": "CDG"},
            cap=None,
            mode=Mode.ADOPTED,
            effective_from=D(2030, 1, 1),
            announced_on=D(2030, 1, 1),
            reason="r",
            sources=CITATION,
            author=OFFICER,
        )
    assert caught.value.field == "port_mapping"


def correct(rule_id: int, version: int, announced: dt.date) -> Recorded:
    return services.rule_correct(
        rule_id=rule_id,
        version=version,
        announced_on=announced,
        reason="announced earlier than recorded",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )


def test_correcting_an_announcement_restates_the_version_which_no_longer_stands(
    pilot: Program,
) -> None:
    first = designate(pilot, announced_on=D(2030, 2, 25)).version
    assert first.notice_warning
    recorded = correct(first.rule_id, 1, D(2030, 2, 1))
    restated = recorded.version
    assert (restated.version, restated.action, restated.corrects_version) == (2, "designate", 1)
    assert (restated.effective_from, restated.effective_to) == (
        first.effective_from,
        first.effective_to,
    )
    assert recorded.warnings == []
    answer = requirement_lookup(
        issuer="USA", nationality="KEN", visa_class="B1/B2", on="2030-03-01", known_on="2030-02-10"
    )
    assert answer.requirement.bond_required
    first.refresh_from_db()
    assert first.announced_on == D(2030, 2, 25)
    event = AuditEvent.objects.filter(action="rule.corrected").get()
    assert event.details["corrects_version"] == 1


@pytest.mark.parametrize(
    ("version", "announced", "error", "code"),
    [
        (9, D(2030, 2, 1), NotFound, "version_not_found"),
        (1, D(2030, 2, 1), InvalidInput, "announcement_unchanged"),
        (1, D(2032, 1, 1), InvalidInput, "announced_in_future"),
    ],
)
def test_a_correction_of_a_missing_version_or_of_nothing_is_refused(
    pilot: Program, version: int, announced: dt.date, error: type[VisabondError], code: str
) -> None:
    rule_id = designate(pilot).version.rule_id
    with pytest.raises(error) as refused:
        correct(rule_id, version, announced)
    assert refused.value.code == code
    assert RuleVersion.objects.count() == 1


def test_a_version_is_corrected_once_and_a_correction_is_not_corrected(pilot: Program) -> None:
    rule_id = designate(pilot).version.rule_id
    correct(rule_id, 1, D(2030, 1, 20))
    for version in (1, 2):
        with pytest.raises(Conflict) as refused:
            correct(rule_id, version, D(2030, 1, 10))
        assert refused.value.code == "version_corrected"


def test_seeding_twice_changes_nothing(seeded: None) -> None:
    from visabond.policy.seed.loader import seed_load

    counts = (Rule.objects.count(), RuleVersion.objects.count(), AuditEvent.objects.count())
    report = seed_load()
    assert report.applied == []
    assert (Rule.objects.count(), RuleVersion.objects.count(), AuditEvent.objects.count()) == counts


def test_every_seeded_entry_cites_a_source(seeded: None) -> None:
    assert RuleVersion.objects.count() > 40
    for version in RuleVersion.objects.all():
        assert version.sources, version
        assert all(s["title"] for s in version.sources)


def withdraw_on(rule_id: int, day: dt.date) -> Recorded:
    return services.rule_withdraw(
        rule_id=rule_id,
        effective_from=day,
        announced_on=D(2030, 2, 20),
        reason="lifted",
        sources=CITATION,
        author=OFFICER,
        confirm_past=True,
    )


def test_a_designation_starting_on_the_last_day_of_a_rule_in_force_is_an_overlap(
    pilot: Program,
) -> None:
    designate(pilot, period=Period(D(2030, 3, 1), D(2030, 6, 30)))
    with pytest.raises(Conflict) as caught:
        designate(pilot, period=Period(D(2030, 6, 30)))
    assert caught.value.code == "rule_overlap"
    assert designate(pilot, period=Period(D(2030, 7, 1))).version.effective_from == D(2030, 7, 1)


def test_a_withdrawal_on_a_rules_last_day_is_allowed_and_the_day_after_is_not(
    pilot: Program,
) -> None:
    rule_id = designate(pilot, period=Period(D(2030, 3, 1), D(2030, 6, 30))).version.rule_id
    with pytest.raises(Conflict) as caught:
        withdraw_on(rule_id, D(2030, 7, 1))
    assert caught.value.code == "rule_not_in_force"
    withdraw_on(rule_id, D(2030, 6, 30))
    assert requirement_lookup(
        issuer="USA", nationality="KEN", visa_class="B1/B2", on="2030-06-29"
    ).requirement.bond_required
    assert not requirement_lookup(
        issuer="USA", nationality="KEN", visa_class="B1/B2", on="2030-06-30"
    ).requirement.bond_required


def test_an_amendment_from_a_rules_last_day_is_allowed_and_the_day_after_is_not(
    pilot: Program,
) -> None:
    rule_id = designate(pilot, period=Period(D(2030, 3, 1), D(2030, 6, 30))).version.rule_id

    def amend_from(day: dt.date) -> Recorded:
        return services.rule_amend(
            rule_id=rule_id,
            terms=BOND,
            effective_from=day,
            announced_on=D(2030, 2, 20),
            reason="r",
            sources=CITATION,
            author=OFFICER,
            confirm_past=True,
        )

    with pytest.raises(Conflict):
        amend_from(D(2030, 7, 1))
    assert amend_from(D(2030, 6, 30)).version.effective_to == D(2030, 6, 30)


@pytest.mark.parametrize(
    ("announced", "warning"),
    [
        (D(2030, 2, 14), ""),
        (D(2030, 2, 15), "announced 14 days before it takes effect"),
        (D(2030, 3, 1), "announced 0 days before it takes effect"),
        (D(2030, 3, 4), "announced 3 days after it took effect"),
    ],
)
def test_the_notice_warning_counts_from_the_announcement_even_on_or_after_the_start(
    pilot: Program, announced: dt.date, warning: str
) -> None:
    recorded = designate(pilot, announced_on=announced)
    expected = f"{warning}; Test pilot promises 15 days' notice" if warning else ""
    assert recorded.version.notice_warning == expected
    assert recorded.warnings == ([expected] if expected else [])


def test_designation_counts_go_down_the_day_after_a_designation_ends(pilot: Program) -> None:
    from visabond.policy.selectors import designation_counts

    designate(pilot, "KEN", period=Period(D(2030, 3, 1), D(2030, 5, 31)))
    ghana = designate(pilot, "GHA", period=Period(D(2030, 4, 1))).version.rule_id
    withdraw_on(ghana, D(2030, 8, 1))
    counts = designation_counts(issuer="USA", start=D(2030, 1, 1), end=D(2030, 12, 31))
    assert counts == [
        (D(2030, 1, 1), 0),
        (D(2030, 3, 1), 1),
        (D(2030, 4, 1), 2),
        (D(2030, 6, 1), 1),
        (D(2030, 8, 1), 0),
    ]
