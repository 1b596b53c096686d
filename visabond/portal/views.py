"""The applicant's portal: sign up, apply, follow the case and the bond, record the refund
account, in English and French.

An applicant sees their own cases only; any other case is "not found", exactly like one that
does not exist (`selectors.own_case`). Every write is one service call; its refusal is shown
beside the field it names, and the page answers with the refusal's status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role
from visabond.accounts.services import applicant_sign_up
from visabond.bonds.lifecycle import BondState
from visabond.casework.models import Case
from visabond.casework.presenters import case_page, state_label
from visabond.casework.selectors import bond_of
from visabond.casework.services import Application, case_submit
from visabond.core.errors import NotFound, VisabondError
from visabond.portal import refund_accounts, selectors
from visabond.portal.forms import ApplicationForm, RefundAccountForm, SignUpForm
from visabond.web.forms import add_service_error

# Bonds whose money the program holds or owes back: their refund account may be recorded.
REFUNDABLE = (BondState.POSTED, BondState.ACTIVE, BondState.CANCELLED)


def _applicant(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not has_role(user, Role.APPLICANT):
        raise PermissionDenied(_("This page needs another role."))
    return user


def sign_up(request: HttpRequest) -> HttpResponse:
    """A self-service applicant account; the person is signed in once it is created."""
    if request.user.is_authenticated:
        return redirect("landing")
    form = SignUpForm(request.POST or None, initial={"preferred_language": get_language()})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = applicant_sign_up(
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                    preferred_language=data["preferred_language"],
                )
            except VisabondError as error:
                add_service_error(form, error, aliases={"password": "password1"})
                status = error.http_status
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome: your account is ready."))
                return redirect("portal-home")
    return render(request, "portal/sign_up.html", {"form": form}, status=status)


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """The applicant's own cases, newest first."""
    user = _applicant(request)
    rows = [
        {"case": case, "state": state_label("case", case.state)}
        for case in selectors.own_cases(user)
    ]
    return render(request, "portal/home.html", {"rows": rows})


@login_required
def portal_apply(request: HttpRequest) -> HttpResponse:
    """An application; the identity typed is checked against the passport's zone."""
    user = _applicant(request)
    form = ApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_submit(
                    application=Application(**data),
                    applicant=user,
                    actor=user,
                )
            except VisabondError as error:
                add_service_error(form, error)
                status = error.http_status
            else:
                messages.success(
                    request,
                    _("Application %(ref)s received. Keep this reference.")
                    % {"ref": case.reference},
                )
                return redirect("portal-case", reference=case.reference)
    return render(request, "portal/apply.html", {"form": form}, status=status)


@login_required
def portal_case(request: HttpRequest, reference: str) -> HttpResponse:
    """The case and its bond as a timeline, the next step with its deadline, the refund
    clock, and the decision explained (rule, source, amounts allowed, the reason given)."""
    user = _applicant(request)
    case = selectors.own_case(user, reference)
    return render(request, "portal/case.html", _case_context(case))


def _case_context(case: Case) -> dict[str, Any]:
    page = case_page(case, history=False)
    return {**page, "progress": selectors.case_progress(case, bond=page["bond"], visa=page["visa"])}


@login_required
def portal_refund_account(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the bond's refund is to be paid, for a bond whose money is held or owed back."""
    user = _applicant(request)
    case = selectors.own_case(user, reference)
    bond = bond_of(case)
    if bond is None:
        raise NotFound(
            f"no bond is directed for case {case.reference}",
            code="bond_not_directed",
            field="reference",
        )
    form = RefundAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                refund_accounts.refund_account_record(
                    bond=bond, holder=data["holder"], iban=data["iban"], bic=data["bic"], actor=user
                )
            except VisabondError as error:
                add_service_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Refund account recorded."))
                return redirect("portal-case", reference=case.reference)
    return render(
        request,
        "portal/refund_account.html",
        {
            "case": case,
            "bond": bond,
            "account": refund_accounts.refund_account_of(bond),
            "form": form,
            "may_record": bond.state in REFUNDABLE,
        },
        status=status,
    )
