"""The cashier's counter and the finance officer's console: receipts at the post; the
payments finance decides, refunds going out and the bank's answers, the ledger.

Thin pages over the payments, refunds and ledger services and selectors (every rule and
every audit entry is theirs): a cashier reaches the counter only; a finance officer the
console, where an auditor reads but decides nothing. Every write is one service call; its
refusal is shown beside the field it names, in the page's language, and the page answers
with the refusal's status, having changed nothing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visabond.accounts.roles import Role, has_role
from visabond.core import clock
from visabond.core.errors import InvalidInput, InvalidQuery, VisabondError, gettext_noop
from visabond.core.money import Money
from visabond.finance import presenters, selectors, services
from visabond.finance.forms import (
    REFUSALS,
    ApplyForm,
    ConfirmationUploadForm,
    LedgerReportForm,
    ReceiptForm,
    ReturnForm,
)
from visabond.payments import selectors as payment_selectors
from visabond.payments import services as payment_services
from visabond.payments.matching import Disposition
from visabond.payments.models import Payment
from visabond.refunds import confirmation_services
from visabond.refunds import selectors as refund_selectors
from visabond.refunds import services as refund_services
from visabond.refunds.bank_accounts import bank_account
from visabond.web.access import page_user
from visabond.web.forms import add_service_error
from visabond.web.localized import error_text
from visabond.web.throttle import attempt_allowed
from visabond.web.views import throttled

# Fields a service names that the console's forms call otherwise.
ALIASES = {"document": "file", "OrgnlEndToEndId": "file", "OrgnlMsgId": "file"}


def _refused(form: forms.Form, error: VisabondError) -> int:
    """Show a service's refusal beside its field, in the page's language; its status."""
    said = REFUSALS.get(error.code) or error_text(error)
    add_service_error(form, error, aliases=ALIASES, messages={error.code: said})
    return error.http_status


def _finance(request: HttpRequest) -> AbstractBaseUser:
    """A finance officer, or an auditor who reads what finance sees."""
    return page_user(request, Role.FINANCE_OFFICER, Role.AUDITOR)


def _deciding(request: HttpRequest) -> AbstractBaseUser:
    return page_user(request, Role.FINANCE_OFFICER)


def _action(request: HttpRequest, allowed: tuple[str, ...]) -> str:
    action = request.POST.get("action", "")
    if action not in allowed:
        raise InvalidInput(
            f"unknown action {action!r}: one of {', '.join(allowed)}",
            code="action_unknown",
            field="action",
        )
    return action


# -- the cashier's counter ----------------------------------------------------------------


@login_required
def cashier_home(request: HttpRequest) -> HttpResponse:
    """Record a receipt at the post (idempotent on its number), and the post's receipts of
    the day."""
    cashier = page_user(request, Role.CASHIER)
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = payment_services.receipt_record(
                    receipt=payment_services.Receipt(
                        receipt_number=data["receipt_number"],
                        paid=Money.of(data["amount"], data["currency"]),
                        case_reference=data["case_reference"],
                        payer_name=data["payer_name"],
                    ),
                    actor=cashier,
                )
            except VisabondError as error:
                status = _refused(form, error)
            else:
                messages.success(request, presenters.receipt_said(recorded))
                return redirect("cashier-home")
    post, day, receipts = payment_selectors.receipts_of_day_at_post(cashier, at=clock.now())
    context = {"form": form, "post": post, "receipts": list(receipts[:500]), "day": day}
    return render(request, "finance/cashier.html", context, status=status)


# -- money awaiting finance ---------------------------------------------------------------


@login_required
def finance_home(request: HttpRequest) -> HttpResponse:
    """Payments awaiting finance: quarantined (they did not match their direction) and
    unapplied (no direction, kept under the program's rule), oldest first."""
    _finance(request)
    awaiting = list(payment_selectors.payments_awaiting_finance()[:500])
    rows = {
        d.value: [p for p in awaiting if p.disposition == d.value]
        for d in (Disposition.QUARANTINED, Disposition.UNAPPLIED)
    }
    return render(request, "finance/payments.html", {"rows": rows})


@login_required
def finance_payment(request: HttpRequest, number: str) -> HttpResponse:
    """One payment: apply quarantined money to a case, or return it (unapplied money only as
    an exception), each with a reason."""
    user = _finance(request)
    payment = payment_selectors.payment_by_number(number)
    posted = _action(request, ("apply", "return")) if request.method == "POST" else ""
    if posted:
        user = _deciding(request)
    apply_form = ApplyForm(request.POST if posted == "apply" else None, prefix="apply")
    return_form = ReturnForm(request.POST if posted == "return" else None, prefix="return")
    status = 200
    if posted:
        form: forms.Form = apply_form if posted == "apply" else return_form
        status = 422
        if form.is_valid():
            try:
                said = _decide(posted, payment, form.cleaned_data, user)
            except VisabondError as error:
                status = _refused(form, error)
            else:
                messages.success(request, said)
                return redirect("finance-payment", number=payment.number)
    awaiting = payment.disposition in (Disposition.QUARANTINED, Disposition.UNAPPLIED)
    context = {
        "payment": payment,
        "apply_form": apply_form,
        "return_form": return_form,
        "can_decide": awaiting and has_role(request.user, Role.FINANCE_OFFICER),
        "can_apply": payment.disposition == Disposition.QUARANTINED,
        "unapplied": payment.disposition == Disposition.UNAPPLIED,
    }
    return render(request, "finance/payment.html", context, status=status)


def _decide(action: str, payment: Payment, data: dict[str, Any], user: AbstractBaseUser) -> str:
    if action == "apply":
        applied = payment_services.payment_apply(
            payment_number=payment.number,
            case_reference=data["case_reference"],
            reason=data["reason"],
            actor=user,
        )
        assert applied.bond is not None
        return _("Payment %(payment)s applied: bond %(bond)s posted.") % {
            "payment": applied.number,
            "bond": applied.bond.number,
        }
    returned = payment_services.payment_return(
        payment_number=payment.number,
        payee=bank_account(
            holder_name=data["holder_name"],
            country=data["country"],
            iban=data["iban"],
            account_number=data["account_number"],
            bic=data["bic"],
            routing_number=data["routing_number"],
        ),
        reason=data["reason"],
        exception=data["exception"],
        actor=user,
    )
    return _("Payment %(payment)s returned: refund %(refund)s goes with the next batch.") % {
        "payment": returned.payment.number,
        "refund": returned.refund.number,
    }


# -- refunds going out, the bank's answers ------------------------------------------------


@login_required
def finance_refunds(request: HttpRequest) -> HttpResponse:
    """Refunds payable, failed (due again), sent and confirmed; the batch for the bank
    (pain.001) and the bank's status report (pain.002) with what it posted and retried."""
    user = _finance(request)
    upload = ConfirmationUploadForm()
    status = 200
    outcome = None
    if request.method == "POST":
        user = _deciding(request)
        if _action(request, ("batch", "confirm")) == "batch":
            made = refund_services.refund_batch_create(actor=user)
            for said in presenters.batch_said(made):
                messages.info(request, said)
            return redirect("finance-refunds")
        upload = ConfirmationUploadForm(request.POST, request.FILES)
        status = 422
        if upload.is_valid():
            sent = upload.cleaned_data["file"]
            try:
                outcome = confirmation_services.refund_confirmation_import(
                    content=sent.read(), name=sent.name or "", actor=user
                )
            except VisabondError as error:
                status = _refused(upload, error)
            else:
                status = 200
                upload = ConfirmationUploadForm()
    refunds = list(refund_selectors.refunds_listed()[:500])
    context = {
        "sections": presenters.refund_sections(refunds, refund_selectors.refund_clocks()),
        "batches": list(selectors.refund_batches_recent()),
        "held": list(selectors.confirmation_files_held()),
        "upload": upload,
        "outcome": outcome,
        "can_decide": has_role(request.user, Role.FINANCE_OFFICER),
    }
    return render(request, "finance/refunds.html", context, status=status)


@login_required
def finance_batch_file(request: HttpRequest, message_id: str) -> HttpResponse:
    """A batch's pain.001 document, as sent to the bank, for download."""
    _finance(request)
    batch = selectors.refund_batch(message_id)
    response = HttpResponse(batch.document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response


# -- the ledger ---------------------------------------------------------------------------


@login_required
def finance_ledger(request: HttpRequest) -> HttpResponse:
    """The latest verification of the ledger kept (its moment, who ran it, how old it is,
    what it found, the reconciliation by currency and bond state), and the balances at the
    end of a day. The page does not verify the ledger itself: at a million transactions that
    takes seconds (`finance_ledger_verify` does, on demand)."""
    user = _finance(request)
    form = LedgerReportForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # No table at all: an empty one would read as a day with nothing posted.
        return _ledger_page(request, user, form=form, report=None, status=400)
    as_of = form.cleaned_data["as_of"] if form.is_bound else None
    report = selectors.ledger_report(as_of=as_of)
    return _ledger_page(request, user, form=form, as_of=as_of, report=report)


@login_required
@require_POST
def finance_ledger_verify(request: HttpRequest) -> HttpResponse:
    """A finance officer runs `ledger verify` now (`services.ledger_verification_run`);
    refused while another run is going (409), and at most `LEDGER_VERIFY_RATE` runs per
    officer and window (429)."""
    user = _deciding(request)
    allowed, wait = attempt_allowed(
        scope="ledger-verify", ident=f"user:{user.pk}", setting="LEDGER_VERIFY_RATE"
    )
    if not allowed:
        return throttled(request, wait, back="finance-ledger", label=_("Back to the ledger"))
    try:
        services.ledger_verification_run(actor=user)
    except VisabondError as error:
        refusal = str(REFUSALS.get(error.code) or error_text(error))
        return _ledger_page(
            request, user, form=LedgerReportForm(), refusal=refusal, status=error.http_status
        )
    messages.success(request, _("The ledger was verified."))
    return redirect("finance-ledger")


def _ledger_page(
    request: HttpRequest,
    user: AbstractBaseUser,
    *,
    form: LedgerReportForm,
    as_of: Any = None,
    report: Any = (),  # None: not shown, the day asked for being malformed
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    verification = selectors.ledger_verification_latest()
    age = "" if verification is None else timesince(verification.started_at, now=clock.now())
    context = {
        "verification": verification,
        "reconciliation": (
            []
            if verification is None
            else presenters.reconciliation_shown(verification.reconciliation)
        ),
        "age": age,
        "running": selectors.ledger_verification_running(),
        "may_verify": has_role(user, Role.FINANCE_OFFICER),
        "refusal": refusal,
        "form": form,
        "as_of": as_of,
        "report": None if report is None else presenters.report_shown(report),
    }
    return render(request, "finance/ledger.html", context, status=status)


@login_required
def finance_ledger_csv(request: HttpRequest) -> HttpResponse:
    """The balances at the end of `as_of` (YYYY-MM-DD, UTC; every posting without it) as CSV,
    the file `visabond ledger report --format csv` writes."""
    _finance(request)
    form = LedgerReportForm(request.GET)
    if not form.is_valid():
        raise InvalidQuery(
            gettext_noop("as_of: “%(value)s” is not a date written YYYY-MM-DD (e.g. 2026-03-31)"),
            code="date_format",
            field="as_of",
            params={"value": request.GET.get("as_of", "")},
        )
    as_of = form.cleaned_data["as_of"]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(selectors.REPORT_HEADER)
    writer.writerows(selectors.ledger_report(as_of=as_of))
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"ledger-{as_of.isoformat() if as_of else 'all'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
