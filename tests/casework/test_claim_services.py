"""A walk-in case (opened at the post, no applicant account) is claimed by its obligor with
the code issued when its bond was directed: exactly once, by one account, only with the
right code and passport number, every refusal the same answer and audited."""

from __future__ import annotations

import pytest

from tests.casework_world import STANDARD, application, officer_at, person, traveller, world
from tests.concurrency import at_once, on_postgresql
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond
from visabond.casework.claim_services import case_claim, claim_code_reissue
from visabond.casework.models import Case, CaseClaim
from visabond.casework.rules import Outcome
from visabond.casework.services import case_decide, case_interview, case_submit
from visabond.core.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.usefixtures("pilot")

ROUNDS = 10


def walk_in_case(officer: User, **changes: object) -> Case:
    """Grace applied in person at Lilongwe: the officer opened the case, no account behind it,
    and directed the standard bond."""
    case = case_submit(application=application(**changes), applicant=None, actor=officer)
    case_interview(reference=case.reference, notes="walk-in", actor=officer)
    return case_decide(
        reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=STANDARD, actor=officer
    )


def refused_claim(**kwargs: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        case_claim(**kwargs)  # type: ignore[arg-type]
    return refused.value


def test_directing_a_bond_on_a_walk_in_case_issues_a_code_kept_only_as_its_hash() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    claim = CaseClaim.objects.get(case=case)
    assert len(case.claim_code) == 24
    assert case.claim_code.replace("-", "") not in claim.code_hash
    assert claim.spent_at is None
    issued = AuditEvent.objects.get(action="case.claim_code_issued")
    assert case.claim_code not in str(issued.details)


def test_a_case_with_an_applicant_account_gets_no_claim_code() -> None:
    people = world()
    case = case_submit(
        application=application(), applicant=people.applicant, actor=people.applicant
    )
    case_interview(reference=case.reference, notes="x", actor=people.officer)
    decided = case_decide(
        reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=STANDARD, actor=people.officer
    )
    assert decided.claim_code == ""
    assert not CaseClaim.objects.exists()


def test_the_right_code_and_passport_make_the_account_the_applicant_and_the_obligor() -> None:
    case = walk_in_case(officer_at("lilongwe"))
    grace = person("grace", Role.APPLICANT)
    claimed = case_claim(
        reference=case.reference.lower(),
        claim_code=case.claim_code.lower(),
        passport_number="MA 1234567",
        applicant=grace,
    )
    assert claimed.applicant_id == grace.pk
    assert Bond.objects.get(case=case).obligor_id == grace.pk
    claim = CaseClaim.objects.get(case=case)
    assert claim.spent_at is not None
    assert claim.claimed_by_id == grace.pk
    assert AuditEvent.objects.filter(action="case.claimed", subject_id=str(case.pk)).count() == 1


def test_a_wrong_code_a_wrong_passport_or_an_unknown_case_get_the_same_refusal() -> None:
    case = walk_in_case(officer_at("lilongwe"))
    grace = person("grace", Role.APPLICANT)
    attempts = [
        {
            "reference": case.reference,
            "claim_code": "0000-0000-0000-0000-0000",
            "passport_number": "MA1234567",
        },
        {
            "reference": case.reference,
            "claim_code": case.claim_code,
            "passport_number": "MA1234568",
        },
        {"reference": case.reference, "claim_code": case.claim_code, "passport_number": ""},
        {"reference": "C-0000-0000", "claim_code": case.claim_code, "passport_number": "MA1234567"},
    ]
    refusals = [refused_claim(applicant=grace, **attempt) for attempt in attempts]
    assert {(r.code, r.field, r.message) for r in refusals} == {
        ("claim_refused", "claim_code", refusals[0].message)
    }
    reasons = [e.details["reason"] for e in AuditEvent.objects.filter(action="case.claim_refused")]
    assert reasons == ["code_wrong", "passport_wrong", "passport_wrong", "no_such_case"]
    case.refresh_from_db()
    assert case.applicant_id is None
    assert CaseClaim.objects.get(case=case).spent_at is None


def test_a_spent_code_and_a_claimed_case_refuse_another_account() -> None:
    case = walk_in_case(officer_at("lilongwe"))
    grace, amina = person("grace", Role.APPLICANT), person("amina", Role.APPLICANT)
    details = {
        "reference": case.reference,
        "claim_code": case.claim_code,
        "passport_number": "MA1234567",
    }
    case_claim(applicant=grace, **details)
    refused = refused_claim(applicant=amina, **details)
    assert refused.code == "claim_refused"
    again = refused_claim(applicant=grace, **details)
    assert again.code == "claim_refused"
    case.refresh_from_db()
    assert case.applicant_id == grace.pk
    reasons = [e.details["reason"] for e in AuditEvent.objects.filter(action="case.claim_refused")]
    assert reasons == ["case_claimed", "case_claimed"]


def test_a_reissued_code_replaces_the_old_one() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    new = claim_code_reissue(reference=case.reference, actor=officer)
    assert new != case.claim_code
    grace = person("grace", Role.APPLICANT)
    old = refused_claim(
        reference=case.reference,
        claim_code=case.claim_code,
        passport_number="MA1234567",
        applicant=grace,
    )
    assert old.code == "claim_refused"
    case_claim(
        reference=case.reference, claim_code=new, passport_number="MA1234567", applicant=grace
    )
    assert CaseClaim.objects.get(case=case).codes_issued == 2
    assert AuditEvent.objects.filter(action="case.claim_code_issued").count() == 2


def test_only_an_officer_of_the_post_issues_a_new_code_and_only_while_unclaimed() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    with pytest.raises(NotFound):
        claim_code_reissue(reference=case.reference, actor=officer_at("lusaka"))
    grace = person("grace", Role.APPLICANT)
    with pytest.raises(NotFound):
        claim_code_reissue(reference=case.reference, actor=grace)
    case_claim(
        reference=case.reference,
        claim_code=case.claim_code,
        passport_number="MA1234567",
        applicant=grace,
    )
    with pytest.raises(Conflict) as claimed:
        claim_code_reissue(reference=case.reference, actor=officer)
    assert claimed.value.code == "case_claimed"


def test_a_new_code_refused_to_an_officer_of_another_post_is_on_the_trail_and_changes_nothing() -> (
    None
):
    case = walk_in_case(officer_at("lilongwe"))
    issued = CaseClaim.objects.get(case=case)
    lusaka = officer_at("lusaka")
    with pytest.raises(NotFound) as refused:
        claim_code_reissue(reference=case.reference.lower(), actor=lusaka)
    assert refused.value.code == "case_not_found"
    with pytest.raises(NotFound):
        claim_code_reissue(reference="C-0000-0000", actor=lusaka)
    entries = AuditEvent.objects.filter(action="case.claim_code_refused").order_by("sequence")
    assert [(e.subject_id, e.actor_name, e.details) for e in entries] == [
        (
            str(lusaka.pk),
            "officer-lusaka",
            {"reference": case.reference.lower(), "reason": "post_not_assigned"},
        ),
        (str(lusaka.pk), "officer-lusaka", {"reference": "C-0000-0000", "reason": "no_such_case"}),
    ]
    claim = CaseClaim.objects.get(case=case)
    assert (claim.code_hash, claim.codes_issued) == (issued.code_hash, 1)
    assert AuditEvent.objects.filter(action="case.claim_code_issued").count() == 1


def test_an_account_without_the_applicant_role_cannot_claim() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    refused = refused_claim(
        reference=case.reference,
        claim_code=case.claim_code,
        passport_number="MA1234567",
        applicant=officer,
    )
    assert refused.code == "claim_refused"
    case.refresh_from_db()
    assert case.applicant_id is None


@pytest.mark.django_db(transaction=True)
def test_two_accounts_claiming_one_case_at_once_exactly_one_wins() -> None:
    on_postgresql()
    officer = officer_at("lilongwe")
    grace, amina = person("grace", Role.APPLICANT), person("amina", Role.APPLICANT)
    for round_ in range(ROUNDS):
        case = walk_in_case(officer, **traveller(round_))
        results = at_once(
            *[
                lambda who=who, case=case: case_claim(
                    reference=case.reference,
                    claim_code=case.claim_code,
                    passport_number="MA1234567",
                    applicant=who,
                )
                for who in (grace, amina)
            ]
        )
        winners = [r for r in results if isinstance(r, Case)]
        losers = [r for r in results if isinstance(r, InvalidInput)]
        assert len(winners) == 1
        assert len(losers) == 1
        case.refresh_from_db()
        assert case.applicant_id == winners[0].applicant_id
        assert Bond.objects.get(case=case).obligor_id == case.applicant_id
    assert AuditEvent.objects.filter(action="case.claimed").count() == ROUNDS
    assert AuditEvent.objects.filter(action="case.claim_refused").count() == ROUNDS
