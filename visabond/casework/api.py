"""The casework JSON API: thin handlers over `casework.services` and `casework.selectors`.

Session sign-in with Django's CSRF check, like the policy API; the caller's role is checked
before the body is read (`RoleSession`). An applicant submits and reads their own cases; a
consular officer opens walk-in cases at their post, and lists, reads and decides its cases;
adjudicators, finance officers, cashiers and auditors read what `selectors.cases_visible_to`
lets them. A case the caller may not see is "not found" (404), exactly like one that does
not exist. Every error is `{code, field, message}` (`visabond.config.api`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja import Router, Schema, Status

from visabond.accounts.api_auth import RoleSession
from visabond.accounts.roles import Role
from visabond.casework import selectors, services
from visabond.casework.models import Case
from visabond.casework.presenters import decision_shown
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.schemas import (
    ApplicationIn,
    CaseOut,
    CaseSummaryOut,
    DecisionIn,
    InterviewIn,
    RefusalIn,
)
from visabond.core.money import Money
from visabond.policy.schemas import ErrorOut

router = Router(tags=["casework"])

READERS = RoleSession(*selectors.CASE_READERS)
APPLICANTS = RoleSession(Role.APPLICANT)
OFFICERS = RoleSession(Role.CONSULAR_OFFICER)

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _caller(request: HttpRequest) -> AbstractBaseUser:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, AbstractBaseUser)
    return user


def case_summary_json(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "state": case.state,
        "post": case.post.code,
        "program": case.program.code,
        "visa_class": case.visa_class,
        "surname": case.surname,
        "given_names": case.given_names,
        "nationality": case.nationality,
        "submitted_at": case.submitted_at,
    }


def case_json(case: Case) -> dict[str, Any]:
    """One case as `CaseOut`: identity, trip, the decision with its captured rule, the bond,
    the visa and every transition of the case and of its bond."""
    bond = selectors.bond_of(case)
    visa = selectors.visa_of(case)
    return {
        **case_summary_json(case),
        "birth_date": case.birth_date,
        "sex": case.sex,
        "passport_number": case.passport_number,
        "passport_issuing_state": case.passport_issuing_state,
        "passport_expiry": case.passport_expiry,
        "passport_mrz": case.passport_mrz,
        "purpose": case.purpose,
        "intended_arrival": case.intended_arrival,
        "intended_departure": case.intended_departure,
        "decision": _decision_json(case, bond_amount=None if bond is None else bond.money),
        "bond": None
        if bond is None
        else {
            "number": bond.number,
            "state": bond.state,
            "amount": bond.money.as_string(),
            "currency": bond.currency,
            "payment_deadline": bond.payment_deadline,
            "obligor_name": bond.obligor_name,
        },
        "visa": None
        if visa is None
        else {
            "number": visa.number,
            "visa_class": visa.visa_class,
            "valid_from": visa.valid_from,
            "valid_until": visa.valid_until,
            "entries": visa.entries,
            "max_stay_days": visa.max_stay_days,
            "ports": visa.ports,
            "annotation": visa.annotation,
            "mrz": [visa.mrz_line1, visa.mrz_line2],
        },
        "events": [
            {
                "occurred_at": e.occurred_at,
                "subject": e.subject,
                "before": e.before,
                "after": e.after,
                "actor": e.actor_name,
                "reason": e.reason,
            }
            for e in selectors.case_timeline(case)
        ],
    }


def _decision_json(case: Case, *, bond_amount: Money | None) -> dict[str, Any] | None:
    decision = decision_shown(case, amount=bond_amount)
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "amount": None if bond_amount is None else bond_amount.as_string(),
        "currency": None if bond_amount is None else bond_amount.currency,
        "amount_reason": case.amount_reason,
        "waiver_ground": case.waiver_ground,
        "explanation": decision.explanation,
        "decided_at": decision.decided_at,
        "decided_by": decision.decided_by,
        "rule": {**decision.rule.to_json(), "reference": decision.rule.reference},
    }


def _case_out(request: HttpRequest, reference: str) -> dict[str, Any]:
    return case_json(selectors.case_for(_caller(request), reference))


@router.post("", response={201: CaseOut, **ERRORS}, auth=APPLICANTS)
def case_submit(request: HttpRequest, data: ApplicationIn) -> Status[dict[str, Any]]:
    """Apply for a visa: the identity is read from the passport's zone and the typed fields
    must agree with it (`identity_mismatch` names the field). Applicants only."""
    user = _caller(request)
    case = services.case_submit(
        application=services.Application(**data.dict()), applicant=user, actor=user
    )
    return Status(201, _case_out(request, case.reference))


@router.post("/walk-in", response={201: CaseOut, **ERRORS}, auth=OFFICERS)
def case_walk_in_open(request: HttpRequest, data: ApplicationIn) -> Status[dict[str, Any]]:
    """Open a case for someone who applied in person at the post and has no account: the
    case has no applicant until its obligor claims it with the code printed on the bond
    notice. `post` must be the officer's own (`post_not_assigned`, 403, audited); a
    passport with a case open in the program already is a 409 (`case_already_open`, field
    `passport_number`) naming that case when it is the post's. The answer never holds
    a claim code: none exists before a bond is directed, and a code is shown only on the
    bond notice the officer prints from the console (docs/console-and-portal.md). The
    post's consular officer."""
    case = services.case_walk_in_open(
        application=services.Application(**data.dict()), actor=_caller(request)
    )
    return Status(201, _case_out(request, case.reference))


@router.get("", response={200: list[CaseSummaryOut], **ERRORS}, auth=READERS)
def cases_list(
    request: HttpRequest, state: str | None = None, q: str | None = None
) -> list[dict[str, Any]]:
    """The cases the caller may see, newest first: an officer their post's, an applicant
    their own; optionally in one `state`, or matching `q` (reference, passport, name)."""
    cases = selectors.cases_matching(
        selectors.cases_visible_to(_caller(request)), state=state or "", query=q or ""
    )
    rows = cases[:500]
    return [case_summary_json(c) for c in rows]


@router.get("/{reference}", response={200: CaseOut, **ERRORS}, auth=READERS)
def case_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    """One case, if the caller may see it; otherwise 404, as for a case that does not exist."""
    return _case_out(request, reference)


@router.post("/{reference}/interview", response={200: CaseOut, **ERRORS}, auth=OFFICERS)
def case_interview(request: HttpRequest, reference: str, data: InterviewIn) -> dict[str, Any]:
    """Record the interview (`submitted` -> `interviewed`). The post's consular officer."""
    services.case_interview(reference=reference, notes=data.notes, actor=_caller(request))
    return _case_out(request, reference)


@router.post("/{reference}/decision", response={200: CaseOut, **ERRORS}, auth=OFFICERS)
def case_decide(request: HttpRequest, reference: str, data: DecisionIn) -> dict[str, Any]:
    """Decide an interviewed case under the rule in force and known today, which is captured
    on the case: direct a bond (one of the rule's amounts, with the reason that fits it),
    approve (waiving a required bond only on a ground the program allows), or refuse."""
    outcome = Outcome(data.outcome)
    amount = None
    if data.amount is not None:
        amount = Money.of(data.amount, data.currency or "")
    choice = BondChoice(
        amount=amount,
        reason=None if data.reason is None else AmountReason(data.reason),
        waiver_ground=data.waiver_ground,
        explanation=data.explanation,
    )
    services.case_decide(
        reference=reference, outcome=outcome, choice=choice, actor=_caller(request)
    )
    return _case_out(request, reference)


@router.post("/{reference}/visa", response={201: CaseOut, **ERRORS}, auth=OFFICERS)
def case_issue_visa(request: HttpRequest, reference: str) -> Status[dict[str, Any]]:
    """Issue the annotated visa of an approved case or one whose bond is posted."""
    services.case_issue_visa(reference=reference, actor=_caller(request))
    return Status(201, _case_out(request, reference))


@router.post("/{reference}/refusal", response={200: CaseOut, **ERRORS}, auth=OFFICERS)
def case_refuse(request: HttpRequest, reference: str, data: RefusalIn) -> dict[str, Any]:
    """Refuse after an approval or a direction: a posted bond is cancelled (refund due),
    a direction not yet paid lapses."""
    services.case_refuse(reference=reference, explanation=data.explanation, actor=_caller(request))
    return _case_out(request, reference)
