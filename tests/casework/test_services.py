"""Consular casework end to end: application, interview, decision, payment, visa, refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from tests.casework_world import (
    application,
    directed_case,
    ledger_holds,
    officer_at,
    pay,
    person,
    posted_case,
    td3,
    today_is,
    traveller,
    world,
)
from tests.concurrency import at_once, on_postgresql
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.casework.models import Case, CaseEvent
from visabond.casework.rules import AmountReason, BondChoice, CaseState, Outcome
from visabond.casework.services import (
    case_decide,
    case_interview,
    case_issue_visa,
    case_lapse_overdue,
    case_refuse,
    case_submit,
    case_walk_in_open,
)
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from visabond.core.money import Money
from visabond.documents.mrz import parse_mrz
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.notices.models import SentNotice
from visabond.policy import services as policy_services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import Rule
from visabond.policy.terms import terms_from_json

pytestmark = pytest.mark.usefixtures("pilot")


def test_the_identity_comes_from_the_passport_zone() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    assert (case.surname, case.given_names, case.nationality) == ("BANDA", "GRACE", "MWI")
    assert case.state == CaseState.SUBMITTED
    assert case.passport_expiry == dt.date(2031, 1, 1)


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"surname": "Bandah"}, "surname"),
        ({"birth_date": dt.date(1990, 4, 3)}, "birth_date"),
        ({"passport_number": "MA1234568"}, "passport_number"),
    ],
)
def test_a_typed_field_that_differs_from_the_zone_is_named(
    typed: dict[str, object], field: str
) -> None:
    people = world()
    with pytest.raises(InvalidInput) as refused:
        case_submit(
            application=application(**typed), applicant=people.applicant, actor=people.applicant
        )
    assert (refused.value.code, refused.value.field) == ("identity_mismatch", field)
    assert Case.objects.count() == 0


def test_a_zone_with_a_wrong_check_digit_is_refused() -> None:
    people = world()
    lines = td3().splitlines()
    broken = lines[1][:9] + ("0" if lines[1][9] != "0" else "1") + lines[1][10:]
    with pytest.raises(InvalidInput) as refused:
        case_submit(
            application=application(passport_mrz=f"{lines[0]}\n{broken}"),
            applicant=people.applicant,
            actor=people.applicant,
        )
    assert (refused.value.code, refused.value.field) == ("mrz_check_failed", "passport_mrz")


def test_a_passport_expiring_before_the_departure_is_refused() -> None:
    people = world()
    with pytest.raises(InvalidInput) as refused:
        case_submit(
            application=application(passport_mrz=td3(expiry=dt.date(2025, 10, 10))),
            applicant=people.applicant,
            actor=people.applicant,
        )
    assert refused.value.code == "passport_expires"


def test_the_directed_bond_captures_the_rule_and_tells_the_applicant_how_to_pay(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = world()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        case = directed_case(people)
    assert case.state == CaseState.BOND_DIRECTED
    assert case.captured_rule is not None
    assert case.captured_rule["amounts"] == ["5000.00", "10000.00", "15000.00"]
    assert case.captured_rule["rule_id"] == Rule.objects.get(issuer="USA", nationality="MWI").pk
    bond = case.bond
    assert (bond.state, bond.money) == (BondState.DIRECTED, Money.of("10000", "USD"))
    assert bond.payment_deadline == dt.date(2025, 10, 1)
    notice = SentNotice.objects.get(kind="bond_directed")
    assert bond.number in notice.body
    assert "2025-10-01" in notice.body
    assert mail.outbox[-1].to == ["grace@example.org"]


def test_the_direction_notice_explains_the_rule_its_source_the_amounts_and_the_reason(
    django_capture_on_commit_callbacks: object,
) -> None:
    """90 FR 37378: the applicant is told the rule, its source, the amounts it allows and why
    the officer chose this one."""
    people = world()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        directed_case(people)
    body = SentNotice.objects.get(kind="bond_directed").body
    rule = Rule.objects.get(issuer="USA", nationality="MWI")
    assert f"us-visa-bond-pilot rule {rule.pk} v1" in body
    assert "22 CFR 41.11(c)" in body
    assert "90 FR 37378" in body
    assert "Amounts the rule allows: 5,000.00 USD, 10,000.00 USD, 15,000.00 USD" in body
    assert "Why this amount: the standard amount. standard bond" in body


def test_a_french_reader_gets_the_direction_explained_in_french(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = world()
    people.applicant.preferred_language = "fr"
    people.applicant.save()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        directed_case(people)
    body = SentNotice.objects.get(kind="bond_directed").body
    assert "Motif du montant : le montant standard. standard bond" in body
    assert "Montants autorisés par la règle : 5,000.00 USD" in body
    assert "Why this amount" not in body


def test_an_amended_rule_changes_nothing_about_a_decided_case() -> None:
    people = world()
    case = directed_case(people)
    captured = dict(case.captured_rule or {})
    rule = Rule.objects.get(issuer="USA", nationality="MWI")
    amended = terms_from_json(
        {**captured, "amounts": ["20000"], "standard_amount": "20000", "currency": "USD"}
        | {"visa": {"entries": 1, "validity_days": 90, "max_stay_days": 30}}
    )
    with today_is(dt.datetime(2025, 9, 2, tzinfo=dt.UTC)):
        policy_services.rule_amend(
            rule_id=rule.pk,
            terms=amended,
            effective_from=dt.date(2025, 9, 20),
            announced_on=dt.date(2025, 9, 2),
            reason="test amendment",
            sources=[Source("test")],
            author=Author("test"),
        )
    case.refresh_from_db()
    assert case.captured_rule == captured
    assert case.bond.money == Money.of("10000", "USD")


def test_an_amount_the_captured_rule_does_not_allow_changes_nothing() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    case_interview(reference=case.reference, notes="ok", actor=people.officer)
    with pytest.raises(InvalidInput) as refused:
        case_decide(
            reference=case.reference,
            outcome=Outcome.DIRECT_BOND,
            choice=BondChoice(
                amount=Money.of("12000", "USD"),
                reason=AmountReason.EXTENT_OF_CONTACTS,
                explanation="x",
            ),
            actor=people.officer,
        )
    assert refused.value.code == "amount_not_allowed"
    case.refresh_from_db()
    assert (case.state, case.captured_rule) == (CaseState.INTERVIEWED, None)


def test_an_illegal_transition_names_the_state_and_changes_nothing() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    events = CaseEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        case_issue_visa(reference=case.reference, actor=people.officer)
    assert refused.value.code == "case_state"
    assert "the case is submitted" in refused.value.message
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert CaseEvent.objects.count() == events


def test_an_officer_of_another_post_cannot_reach_the_case() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    stranger = officer_at("lusaka")
    with pytest.raises(NotFound) as refused:
        case_interview(reference=case.reference, notes="x", actor=stranger)
    assert refused.value.code == "case_not_found"


def test_payment_then_issuance_activates_the_bond_and_writes_a_readable_visa_zone() -> None:
    people = world()
    case = posted_case(people)
    assert case.state == CaseState.BOND_POSTED
    visa = case_issue_visa(reference=case.reference, actor=people.officer)
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    assert case.bond.state == BondState.ACTIVE
    read = parse_mrz([visa.mrz_line1, visa.mrz_line2], today=dt.date(2025, 9, 1))
    assert read.valid, read.failed_checks()
    assert (read.format, read.document_number, read.surname) == ("MRVA", visa.number, "BANDA")
    assert read.expiry_date == visa.valid_until == dt.date(2025, 11, 29)
    assert visa.ports == ["BOS", "JFK", "IAD"]
    assert "ENTRY/EXIT ONLY BOS JFK IAD" in visa.annotation


def test_a_refusal_after_posting_returns_the_bond() -> None:
    people = world()
    case = posted_case(people)
    case_refuse(reference=case.reference, explanation="new information", actor=people.officer)
    case.refresh_from_db()
    assert case.state == CaseState.REFUSED
    assert case.bond.state == BondState.CANCELLED
    balances = account_balances()
    assert balances[(Account.REFUNDS_PAYABLE, "USD")] == Decimal("10000")
    assert balances[(Account.OBLIGOR_LIABILITY, "USD")] == 0
    assert ledger_holds()


def test_an_unpaid_direction_lapses_after_the_programs_period_and_not_before() -> None:
    people = world()
    case = directed_case(people)
    assert case_lapse_overdue(as_of=dt.date(2025, 10, 1), actor="test") == []
    assert case_lapse_overdue(as_of=dt.date(2025, 10, 2), actor="test") == [case.reference]
    assert case_lapse_overdue(as_of=dt.date(2025, 10, 3), actor="test") == []
    case.refresh_from_db()
    assert (case.state, case.bond.state) == (CaseState.LAPSED, BondState.LAPSED)


def test_a_waiver_on_the_programs_ground_approves_without_a_bond() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    case_interview(reference=case.reference, notes="ok", actor=people.officer)
    case_decide(
        reference=case.reference,
        outcome=Outcome.APPROVE,
        choice=BondChoice(waiver_ground="urgent_humanitarian", explanation="medical evacuation"),
        actor=people.officer,
    )
    case.refresh_from_db()
    assert (case.state, case.waiver_ground) == (CaseState.APPROVED, "urgent_humanitarian")
    assert not Bond.objects.filter(case=case).exists()


def test_no_notice_leaves_for_a_decision_that_rolled_back(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    case_interview(reference=case.reference, notes="ok", actor=people.officer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,  # type: ignore[operator]
        pytest.raises(InvalidInput),
    ):
        case_decide(
            reference=case.reference,
            outcome=Outcome.DIRECT_BOND,
            choice=BondChoice(amount=Money.of("10000", "USD"), explanation="no reason"),
            actor=people.officer,
        )
    assert callbacks == []
    assert SentNotice.objects.count() == 0


def test_paying_twice_posts_once() -> None:
    people = world()
    case = posted_case(people)
    with pytest.raises(Conflict):
        pay(case.bond, payment="pay-2")
    assert account_balances()[(Account.ESCROW_CASH, "USD")] == Decimal("10000")


def test_a_walk_in_case_is_opened_by_an_officer_of_its_post_with_no_applicant() -> None:
    officer = officer_at("lilongwe")
    case = case_walk_in_open(application=application(post="Lilongwe"), actor=officer)
    assert (case.applicant_id, case.post.code, case.state) == (None, "lilongwe", "submitted")
    assert case.passport_number == "MA1234567"  # read from the zone, as any application
    entry = AuditEvent.objects.get(action="case.submitted")
    assert entry.details == {
        "case": case.reference,
        "post": "lilongwe",
        "visa_class": "B1/B2",
        "walk_in": True,
    }


def test_an_officer_of_another_post_opens_no_walk_in_case_there() -> None:
    officer_at("lilongwe")
    with pytest.raises(PermissionDenied) as refused:
        case_walk_in_open(application=application(), actor=officer_at("lusaka"))
    assert (refused.value.code, refused.value.field) == ("post_not_assigned", "post")
    assert Case.objects.count() == 0


def test_only_a_consular_officer_opens_a_walk_in_case() -> None:
    people = world()
    with pytest.raises(PermissionDenied) as refused:
        case_walk_in_open(application=application(), actor=people.applicant)
    assert refused.value.code == "role_required"
    assert Case.objects.count() == 0


def test_a_walk_in_application_is_checked_as_any_application() -> None:
    officer = officer_at("lilongwe")
    with pytest.raises(InvalidInput) as refused:
        case_walk_in_open(application=application(surname="Phiri"), actor=officer)
    assert (refused.value.code, refused.value.field) == ("identity_mismatch", "surname")
    assert Case.objects.count() == 0


def test_an_officer_of_another_post_refused_a_walk_in_case_is_on_the_trail() -> None:
    """The refusal is audited in a transaction of its own: it stays, and nothing else is."""
    officer_at("lilongwe")
    lusaka = officer_at("lusaka")
    with pytest.raises(PermissionDenied):
        case_walk_in_open(application=application(post=" Lilongwe "), actor=lusaka)
    entry = AuditEvent.objects.get(action="case.walk_in_refused")
    assert (entry.actor_name, entry.subject_type, entry.subject_id) == (
        "officer-lusaka",
        "accounts.user",
        str(lusaka.pk),
    )
    assert entry.details == {
        "post": " Lilongwe ",
        "assigned_post": "lusaka",
        "reason": "post_not_assigned",
    }
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="case.submitted").exists()


def test_an_officer_with_no_post_refused_a_walk_in_case_is_on_the_trail() -> None:
    unposted = person("unposted", Role.CONSULAR_OFFICER)
    with pytest.raises(PermissionDenied):
        case_walk_in_open(application=application(), actor=unposted)
    entry = AuditEvent.objects.get(action="case.walk_in_refused")
    assert entry.details["assigned_post"] == ""
    assert Case.objects.count() == 0


def test_a_second_walk_in_case_while_the_passport_has_one_open_is_refused_naming_it() -> None:
    officer = officer_at("lilongwe")
    first = case_walk_in_open(application=application(), actor=officer)
    case_interview(reference=first.reference, notes="walk-in", actor=officer)
    # Typed differently, the same passport: the zone's number, state and birth date decide.
    again = application(passport_number="MA 123 4567", purpose="Another trip")
    with pytest.raises(Conflict) as refused:
        case_walk_in_open(application=again, actor=officer_at("lilongwe", "officer-2"))
    assert (refused.value.code, refused.value.field) == ("case_already_open", "passport_number")
    assert first.reference in refused.value.message
    assert refused.value.params["reference"] == first.reference
    assert list(Case.objects.values_list("reference", flat=True)) == [first.reference]
    assert AuditEvent.objects.filter(action="case.submitted").count() == 1
    refusal = AuditEvent.objects.get(action="case.walk_in_refused")
    assert refusal.details["open_case"] == first.reference


def test_a_walk_in_case_is_refused_while_the_traveller_follows_an_open_case_in_the_portal() -> None:
    people = world()
    portal = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    with pytest.raises(Conflict) as refused:
        case_walk_in_open(application=application(), actor=people.officer)
    assert refused.value.params["reference"] == portal.reference
    assert Case.objects.count() == 1


def test_an_open_case_at_another_post_refuses_a_walk_in_case_without_naming_it() -> None:
    """An officer learns no other post's case references (`_may_act_on`)."""
    other = case_walk_in_open(application=application(), actor=officer_at("lilongwe"))
    with pytest.raises(Conflict) as refused:
        case_walk_in_open(application=application(post="lusaka"), actor=officer_at("lusaka"))
    assert refused.value.code == "case_already_open"
    assert "another post" in refused.value.message
    assert other.reference not in refused.value.message
    assert "reference" not in refused.value.params
    assert Case.objects.count() == 1
    # The answer tells of another post's case: who asked it of which passport is on the trail.
    asked = AuditEvent.objects.get(action="case.walk_in_refused")
    assert asked.details["post"] == "lusaka"
    assert asked.details["reason"] == "case_already_open"
    assert asked.details["open_case"] == "at another post"
    assert asked.details["passport_number"] == "MA1234567"


def test_a_closed_case_or_another_traveller_lets_a_walk_in_case_open() -> None:
    officer = officer_at("lilongwe")
    refused = case_walk_in_open(application=application(), actor=officer)
    case_interview(reference=refused.reference, notes="walk-in", actor=officer)
    case_decide(
        reference=refused.reference,
        outcome=Outcome.REFUSE,
        choice=BondChoice(explanation="purpose not established"),
        actor=officer,
    )
    again = case_walk_in_open(application=application(), actor=officer)
    # The same number under another birth date is another passport's holder.
    born_later = dt.date(1991, 4, 2)
    other = case_walk_in_open(
        application=application(passport_mrz=td3(birth=born_later), birth_date=born_later),
        actor=officer,
    )
    assert Case.objects.filter(state=CaseState.SUBMITTED).count() == 2
    assert {again.reference, other.reference} <= set(
        Case.objects.values_list("reference", flat=True)
    )


def test_the_database_refuses_a_second_open_walk_in_case_committed_after_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two officers at once: each looked before the other's case was committed, so the check
    found nothing; the database's constraint refuses the second row, with the same answer."""
    from visabond.casework import services

    officer = officer_at("lilongwe")
    first = case_walk_in_open(application=application(), actor=officer)
    real = services._refuse_second_open
    looks: list[str] = []

    def looked_too_early(opening: object, *, actor: object) -> None:
        looks.append("look")
        if len(looks) > 1:  # after the database refused the row
            real(opening, actor=actor)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "_refuse_second_open", looked_too_early)
    with pytest.raises(Conflict) as refused:
        case_walk_in_open(application=application(), actor=officer)
    assert (refused.value.code, refused.value.params["reference"]) == (
        "case_already_open",
        first.reference,
    )
    assert looks == ["look", "look"]
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_the_database_holds_one_open_walk_in_case_per_passport_and_program() -> None:
    officer = officer_at("lilongwe")
    first = case_walk_in_open(application=application(), actor=officer)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Case._meta.concrete_fields
        if f.name not in ("id", "reference")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(reference="C-TEST-0001", **fields)
    Case.objects.create(reference="C-TEST-0002", **{**fields, "state": CaseState.LAPSED})
    applicant = person("grace", Role.APPLICANT)
    Case.objects.create(reference="C-TEST-0003", **{**fields, "applicant_id": applicant.pk})
    assert Case.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_one_walk_in_case_at_once_open_one() -> None:
    on_postgresql()
    officers = [officer_at("lilongwe"), officer_at("lilongwe", "officer-2")]
    for round_ in range(5):
        applied = application(**traveller(round_))
        results = at_once(
            *[
                lambda who=who, applied=applied: case_walk_in_open(application=applied, actor=who)
                for who in officers
            ]
        )
        opened = [r for r in results if isinstance(r, Case)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert (len(opened), len(refused)) == (1, 1), results
        assert refused[0].params["reference"] == opened[0].reference
    assert Case.objects.count() == 5
