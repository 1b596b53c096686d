"""Print pages and PDFs of the visa foil and the bond notice, for whoever may see the case.

The applicant prints their own; the post's officer and cashier, adjudicators, finance
officers and auditors those of the cases they may see (`casework.selectors.case_for`); for
anyone else a case is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role
from visabond.casework.models import Case
from visabond.casework.selectors import case_for
from visabond.printing.documents import bond_notice_context, visa_foil_context
from visabond.printing.pdf import pdf_from_html

# Who reads cases at all; each sees only the cases `case_for` lets them see.
READERS = (
    Role.APPLICANT,
    Role.CONSULAR_OFFICER,
    Role.CASHIER,
    Role.FINANCE_OFFICER,
    Role.BOND_ADJUDICATOR,
    Role.AUDITOR,
)


def _document(
    request: HttpRequest,
    reference: str,
    *,
    template: str,
    context_of: Callable[[Case], dict[str, Any]],
    pdf: bool,
    name: str,
) -> HttpResponse:
    if not has_role(request.user, *READERS):
        raise PermissionDenied(_("This page needs another role."))
    case = case_for(request.user, reference)
    context = {**context_of(case), "for_pdf": pdf}
    html = render_to_string(template, context, request=request)
    if not pdf:
        return HttpResponse(html)
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{case.reference}.pdf"'
    return response


@login_required
def visa_foil(request: HttpRequest, reference: str) -> HttpResponse:
    return _document(
        request,
        reference,
        template="printing/visa_foil.html",
        context_of=visa_foil_context,
        pdf=False,
        name="visa",
    )


@login_required
def visa_foil_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    return _document(
        request,
        reference,
        template="printing/visa_foil.html",
        context_of=visa_foil_context,
        pdf=True,
        name="visa",
    )


@login_required
def bond_notice(request: HttpRequest, reference: str) -> HttpResponse:
    return _document(
        request,
        reference,
        template="printing/bond_notice.html",
        context_of=bond_notice_context,
        pdf=False,
        name="bond-notice",
    )


@login_required
def bond_notice_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    return _document(
        request,
        reference,
        template="printing/bond_notice.html",
        context_of=bond_notice_context,
        pdf=True,
        name="bond-notice",
    )
