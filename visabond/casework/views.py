"""The consular console: a post's cases, a walk-in case opened, a case, the interview, the
decision, the visa.

Only a consular officer reaches these pages, and only for the post they are assigned to: a
case of another post is "not found", exactly like a case that does not exist
(`selectors.case_for`). Every write is one service call; its refusal is shown beside the
field it names, and the page answers with the refusal's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role
from visabond.audit.actors import Actor
from visabond.casework import claim_services, selectors, services
from visabond.casework.claim_session import claim_code_keep, claim_code_waiting
from visabond.casework.forms import (
    CaseSearchForm,
    DecisionForm,
    InterviewForm,
    RefuseForm,
    WalkInForm,
)
from visabond.casework.models import Case, CaseClaim, ConsularPost
from visabond.casework.presenters import CASE_STATES, case_page, state_label
from visabond.casework.rules import (
    CASE_TRANSITIONS,
    AmountReason,
    BondChoice,
    CaseState,
    Outcome,
)
from visabond.core.countries import localized_name
from visabond.core.errors import InvalidInput, NotFound, VisabondError
from visabond.core.money import Money
from visabond.web.forms import add_service_error


def _actor(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    assert isinstance(user, AbstractBaseUser), "the page is behind login_required"
    return user


def _officer_post(request: HttpRequest) -> ConsularPost | None:
    if not has_role(request.user, Role.CONSULAR_OFFICER):
        raise PermissionDenied(_("This page needs another role."))
    return selectors.post_of(request.user)


def _officer_case(request: HttpRequest, reference: str) -> Case:
    _officer_post(request)
    return selectors.case_for(request.user, reference)


@login_required
def console_cases(request: HttpRequest) -> HttpResponse:
    """The post's cases by state, searchable by reference, passport number or name."""
    post = _officer_post(request)
    form = CaseSearchForm(request.GET or None)
    cases: list[Case] = []
    counts: dict[CaseState, int] = {}
    if post is not None:
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        cases = list(
            selectors.post_cases(post, state=data.get("state", ""), query=data.get("q", ""))[:200]
        )
        counts = selectors.post_case_counts(post)
    rows = [
        {
            "case": case,
            "state": state_label("case", case.state),
            "nationality": localized_name(case.nationality, get_language()),
        }
        for case in cases
    ]
    tabs = [
        {"state": state.value, "label": CASE_STATES[state], "count": counts.get(state, 0)}
        for state in CaseState
    ]
    return render(
        request,
        "casework/console_cases.html",
        {"post": post, "form": form, "rows": rows, "tabs": tabs},
    )


@login_required
def console_walk_in(request: HttpRequest) -> HttpResponse:
    """Open a case for someone who applied in person at the officer's post and has no
    account (`services.case_walk_in_open`): the passport's zone, the identity typed again,
    the trip. The obligor claims the case later with the code printed on the bond notice.
    A passport with a case open already is refused beside its number, with a link to that
    case when it is the post's."""
    post = _officer_post(request)
    if post is None:
        raise PermissionDenied(_("You are not assigned to a consular post yet."))
    form = WalkInForm(request.POST or None, post=post)
    status = 200
    open_case = ""
    if request.method == "POST":
        status = 422
        if form.is_valid():
            opened: list[Case] = []
            refusal = _attempt(
                form,
                lambda: opened.append(
                    services.case_walk_in_open(
                        application=services.Application(post=post.code, **form.cleaned_data),
                        actor=_actor(request),
                    )
                ),
            )
            if refusal is None:
                messages.success(
                    request,
                    _("Case %(ref)s opened for an applicant without an account.")
                    % {"ref": opened[0].reference},
                )
                return redirect("console-case", reference=opened[0].reference)
            status = refusal.http_status
            if refusal.code == "case_already_open":
                open_case = str(refusal.params.get("reference", ""))
    return render(
        request,
        "casework/console_walk_in.html",
        {"post": post, "form": form, "open_case": open_case},
        status=status,
    )


class IssueForm(forms.Form):
    """Issuing takes no input: the visa's terms come from the captured rule."""


class ClaimCodeForm(forms.Form):
    """A new claim code takes no input: it is drawn at random."""


# The writes a case page offers, each with its form: (form, write(case, data, actor)).
ACTIONS: dict[str, tuple[type[forms.Form], Callable[[str, dict[str, Any], Actor], object]]] = {
    "interview": (
        InterviewForm,
        lambda ref, data, actor: services.case_interview(
            reference=ref, notes=data["notes"], actor=actor
        ),
    ),
    "issue": (
        IssueForm,
        lambda ref, data, actor: services.case_issue_visa(reference=ref, actor=actor),
    ),
    "refuse": (
        RefuseForm,
        lambda ref, data, actor: services.case_refuse(
            reference=ref, explanation=data["explanation"], actor=actor
        ),
    ),
    "claim_code": (
        ClaimCodeForm,
        lambda ref, data, actor: claim_services.claim_code_reissue(reference=ref, actor=actor),
    ),
}


@login_required
def console_case(request: HttpRequest, reference: str) -> HttpResponse:
    """A case: identity from the passport's zone, the trip, the decision, the bond, the
    visa and every transition; and the writes its state allows (interview, issue, refuse;
    the decision has its own page)."""
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        case = _officer_case(request, reference)
    except NotFound:
        if posted == "claim_code":
            # A new claim code asked for on a case the officer may not see: the service
            # refuses it with the same "not found" and puts the refusal on the trail.
            claim_services.claim_code_reissue(reference=reference, actor=_actor(request))
        raise
    if posted and posted not in ACTIONS:
        raise InvalidInput(
            f"unknown action {posted!r}: one of {', '.join(ACTIONS)}",
            code="action_unknown",
            field="action",
        )
    forms_ = {
        name: form_class(request.POST if name == posted else None, prefix=name)
        for name, (form_class, _write) in ACTIONS.items()
    }
    status = 200
    if posted:
        form, write = forms_[posted], ACTIONS[posted][1]
        refusal = None
        if form.is_valid():
            written: list[object] = []
            refusal = _attempt(
                form,
                lambda: written.append(write(case.reference, form.cleaned_data, _actor(request))),
            )
            if refusal is None and posted == "claim_code":
                claim_code_keep(request, reference=case.reference, code=str(written[0]))
            if refusal is None:
                messages.success(request, _("Case %(ref)s updated.") % {"ref": case.reference})
                return redirect("console-case", reference=case.reference)
        status = 422 if refusal is None else refusal.http_status
        case.refresh_from_db()
    # What the state allows comes from the case's transitions (rules.CASE_TRANSITIONS); a
    # refusal at the interview is one of the decision's outcomes.
    next_states = CASE_TRANSITIONS[CaseState(case.state)]
    return render(
        request,
        "casework/console_case.html",
        {
            **case_page(case),
            "interview_form": forms_["interview"],
            "refuse_form": forms_["refuse"],
            "action_errors": forms_[posted].non_field_errors() if posted else [],
            "can_interview": CaseState.INTERVIEWED in next_states,
            "can_decide": case.state == CaseState.INTERVIEWED,
            "can_issue": CaseState.ISSUED in next_states,
            "can_refuse": CaseState.REFUSED in next_states and case.state != CaseState.INTERVIEWED,
            "claim": CaseClaim.objects.filter(case=case).first(),
            "claim_code_waiting": claim_code_waiting(request, reference=case.reference),
        },
        status=status,
    )


def _attempt(form: forms.Form, write: Any) -> VisabondError | None:
    """Run one service call; its refusal goes beside the field it names and is returned."""
    try:
        write()
    except VisabondError as error:
        add_service_error(form, error)
        return error
    return None


@login_required
def console_decide(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision at the interview, beside the rule in force and known today (its source,
    the amounts it allows, the program's waiver grounds); a decided case shows the rule it
    captured instead."""
    case = _officer_case(request, reference)
    rule = selectors.case_rule_in_force(case)
    form = DecisionForm(request.POST or None, rule=rule)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            decided: list[Case] = []
            refusal = _attempt(
                form, lambda: decided.append(_decide(request, case, form.cleaned_data))
            )
            if refusal is None and decided[0].claim_code:
                claim_code_keep(request, reference=case.reference, code=decided[0].claim_code)
            if refusal is None:
                messages.success(request, _("Decision recorded."))
                return redirect("console-case", reference=case.reference)
            status = refusal.http_status
    return render(
        request,
        "casework/console_decide.html",
        {
            **case_page(case),
            "rule": rule,
            "form": form,
            "can_decide": case.state == CaseState.INTERVIEWED,
        },
        status=status,
    )


def _decide(request: HttpRequest, case: Case, data: dict[str, Any]) -> Case:
    outcome = Outcome(data["outcome"])
    amount = None
    if outcome is Outcome.DIRECT_BOND and data["amount"]:
        amount = Money.of(data["amount"], data["currency"] or "")
    choice = BondChoice(
        amount=amount,
        reason=AmountReason(data["reason"]) if data["reason"] else None,
        waiver_ground=data["waiver_ground"] if outcome is Outcome.APPROVE else None,
        explanation=data["explanation"],
    )
    return services.case_decide(
        reference=case.reference,
        outcome=outcome,
        choice=choice,
        actor=_actor(request),
    )
