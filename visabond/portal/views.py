"""The applicant's portal: sign up, apply, follow the case and the bond and its refund, record
the refund account, in English and French.

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
from visabond.casework.claim_services import case_claim, case_claim_throttled
from visabond.casework.models import Case
from visabond.casework.presenters import case_page, state_label
from visabond.casework.selectors import bond_of
from visabond.casework.services import Application, case_submit
from visabond.core.errors import Conflict, NotFound, VisabondError
from visabond.core.references import normalise_reference
from visabond.portal import selectors
from visabond.portal.bank_reasons import bank_reason
from visabond.portal.forms import (
    REFUND_ACCOUNT_ERRORS,
    ApplicationForm,
    ClaimForm,
    RefundAccountForm,
    SignUpForm,
)
from visabond.refunds.account_services import refund_account_record
from visabond.refunds.selectors import RefundView, refund_account_of, refund_of_bond
from visabond.web.forms import add_service_error
from visabond.web.throttle import attempt_allowed, client_address, lookup_allowed
from visabond.web.views import throttled

# Bonds whose money the program holds or owes back: their refund account may be recorded.
REFUNDABLE = (BondState.POSTED, BondState.ACTIVE, BondState.CANCELLED)


def _applicant(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not has_role(user, Role.APPLICANT):
        raise PermissionDenied(_("This page needs another role."))
    return user


def sign_up(request: HttpRequest) -> HttpResponse:
    """A self-service applicant account; the person is signed in once it is created.
    Sign-ups are limited per client address (`SIGN_UP_THROTTLE_RATE`)."""
    if request.user.is_authenticated:
        return redirect("landing")
    if request.method == "POST":
        # Per client address: a claim's attempts are counted per account, so accounts must
        # not be made faster than people make them.
        allowed, wait = lookup_allowed(request, scope="sign-up", setting="SIGN_UP_THROTTLE_RATE")
        if not allowed:
            return throttled(request, wait, back="sign-up", label=_("Back to the sign-up"))
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
        {"case": case, "state": state_label("application", case.state)}
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
def portal_claim(request: HttpRequest) -> HttpResponse:
    """A case opened at the post for a walk-in applicant, claimed with its reference, the
    claim code printed on the bond notice and the passport number (`case_claim`).

    Attempts are counted per account (`CLAIM_THROTTLE_RATE`), and per case from every
    account together under a far higher ceiling (`CLAIM_CASE_THROTTLE_RATE`); a refusal is one answer whatever its reason, an unknown
    reference included, and a refusal by a ceiling is audited (`case_claim_throttled`).
    """
    user = _applicant(request)
    form = ClaimForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/claim.html", {"form": form})
    if not form.is_valid():
        return render(request, "portal/claim.html", {"form": form}, status=422)
    typed = form.cleaned_data["reference"]
    reference = normalise_reference(typed)
    # Why not one count per case alone: anyone who knows a reference could spend it and lock
    # the obligor out for the window. A guesser is held by their own account's count
    # (which bounds their attempts on any one case too; sign-ups are limited per address,
    # so accounts are not made by the hundred), and the obligor's count is untouched by
    # theirs. The per-case count stays, far above a person's mistyping, as the ceiling on
    # many accounts guessing one code together; a stranger or two cannot reach it.
    ceilings = (
        ("account", f"user:{user.pk}", "CLAIM_THROTTLE_RATE"),
        ("case", reference, "CLAIM_CASE_THROTTLE_RATE"),
    )
    for ceiling, ident, setting in ceilings:
        allowed, wait = attempt_allowed(scope=f"claim-{ceiling}", ident=ident, setting=setting)
        if not allowed:
            case_claim_throttled(
                reference=typed,
                applicant=user,
                address=client_address(request),
                ceiling=ceiling,
            )
            return throttled(request, wait, back="portal-claim", label=_("Back to the claim"))
    try:
        case = case_claim(
            reference=reference,
            claim_code=form.cleaned_data["claim_code"],
            passport_number=form.cleaned_data["passport_number"],
            applicant=user,
        )
    except VisabondError as error:
        form.add_error(
            None,
            _(
                "No case can be claimed with this reference, claim code and passport number. "
                "Check them against your bond notice, or ask the consular post for a new code."
            ),
        )
        return render(request, "portal/claim.html", {"form": form}, status=error.http_status)
    messages.success(request, _("Case %(ref)s is now in your account.") % {"ref": case.reference})
    return redirect("portal-case", reference=case.reference)


@login_required
def portal_case(request: HttpRequest, reference: str) -> HttpResponse:
    """The case and its bond as a timeline, the next step with its deadline, the refund
    clock, and the decision explained (rule, source, amounts allowed, the reason given)."""
    user = _applicant(request)
    case = selectors.own_case(user, reference)
    context = _case_context(case)
    bond = context["bond"]
    # Before any refund is due, so that it is paid at once when it is: an obligor who
    # claimed a walk-in case is told to give it.
    context["refund_account_asked"] = (
        bond is not None
        and bond.state in (BondState.POSTED, BondState.ACTIVE)
        and refund_account_of(user) is None
    )
    return render(request, "portal/case.html", context)


def _case_context(case: Case) -> dict[str, Any]:
    page = case_page(case, history=False)
    # The portal heads the page "Application", so the state agrees with it.
    page["state"] = state_label("application", case.state)
    progress = selectors.case_progress(case, bond=page["bond"], visa=page["visa"])
    return {**page, "progress": progress, "transfers": refund_transfers(progress.refund)}


@login_required
def portal_refund_account(request: HttpRequest, reference: str) -> HttpResponse:
    """The account the applicant's refunds are paid to, recorded or mended (after a bank
    rejected a transfer), beside where the bond's refund stands. The account is the
    obligor's, for every bond of theirs; it is checked before it is kept, and a refusal is
    shown beside the field it names, in the reader's language."""
    user = _applicant(request)
    case = selectors.own_case(user, reference)
    bond = bond_of(case)
    if bond is None:
        raise NotFound(
            f"no bond is directed for case {case.reference}",
            code="bond_not_directed",
            field="reference",
        )
    account = refund_account_of(user)
    initial = {} if account is None else account.bank_account().to_json()
    form = RefundAccountForm(request.POST or None, initial=initial)
    status = 200
    may_record = bond.state in REFUNDABLE
    if request.method == "POST" and not may_record:
        raise Conflict(
            f"bond {bond.number} is {bond.state}: no refund can be due on it",
            code="bond_state",
            field="reference",
        )
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                refund_account_record(obligor=user, actor=user, **form.cleaned_data)
            except VisabondError as error:
                add_service_error(form, error, messages=REFUND_ACCOUNT_ERRORS)
                status = error.http_status
            else:
                messages.success(request, _("Refund account recorded."))
                return redirect("portal-case", reference=case.reference)
    refund = refund_of_bond(bond)
    return render(
        request,
        "portal/refund_account.html",
        {
            "case": case,
            "bond": bond,
            "account": None if account is None else account.bank_account(),
            "account_recorded_at": None if account is None else account.recorded_at,
            "refund": refund,
            "transfers": refund_transfers(refund),
            "form": form,
            "may_record": may_record,
        },
        status=status,
    )


def refund_transfers(refund: RefundView | None) -> list[dict[str, object]]:
    """Every transfer of a refund, oldest first, a rejected one with the bank's reason in the
    reader's language (`bank_reasons`)."""
    if refund is None:
        return []
    return [
        {"transfer": t, "reason": bank_reason(t) if t in refund.failures else ""}
        for t in refund.transfers
    ]
