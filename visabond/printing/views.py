"""Print pages and PDFs of the visa foil and the bond notice, for whoever may see the case.

The applicant prints their own; the post's officer and cashier, adjudicators, finance
officers and auditors those of the cases they may see (`casework.selectors.case_for`); for
anyone else a case is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from visabond.accounts.roles import has_role
from visabond.casework.claim_session import claim_code_take
from visabond.casework.models import Case, CaseClaim
from visabond.casework.selectors import CASE_READERS, case_for
from visabond.printing.documents import bond_notice_context, visa_foil_context
from visabond.printing.pdf import pdf_from_html

# What each document is: its template, what it says of a case, its file name.
DOCUMENTS: dict[str, tuple[str, Callable[[Case], dict[str, Any]]]] = {
    "visa": ("printing/visa_foil.html", visa_foil_context),
    "bond-notice": ("printing/bond_notice.html", bond_notice_context),
}


@login_required
def document(request: HttpRequest, reference: str, *, kind: str, pdf: bool) -> HttpResponse:
    """The document `kind` of a case, as a print page or (`pdf`) as a PDF; a bond notice
    carries a walk-in case's claim code the first time it is printed after the code was
    issued (`casework.claim_session`), and says on any later printing that the code was
    printed already."""
    if not has_role(request.user, *CASE_READERS):
        raise PermissionDenied(_("This page needs another role."))
    case = case_for(request.user, reference)
    template, context_of = DOCUMENTS[kind]
    context = {**context_of(case), "for_pdf": pdf}
    if kind == "bond-notice":
        # A walk-in case's claim code, printed once: on the first notice after it was issued.
        officer = request.user
        assert isinstance(officer, AbstractBaseUser), "the page is behind login_required"
        context["claim_code"] = claim_code_take(request, reference=case.reference, actor=officer)
        context["claim_url"] = request.build_absolute_uri(reverse("portal-claim"))
        if not context["claim_code"] and case.applicant_id is None:
            # Reprinted, or another printing at the same moment took the code: say so, so
            # that nobody hands over a notice believing it carries one.
            claim = CaseClaim.objects.filter(case=case, spent_at__isnull=True).first()
            context["claim_code_printed_at"] = None if claim is None else claim.code_printed_at
            # Issued where this session never held it (a decision through the API, another
            # officer's session): it exists only as a hash, so say a new one is needed.
            context["claim_code_elsewhere"] = claim is not None and claim.code_printed_at is None
    html = render_to_string(template, context, request=request)
    if not pdf:
        response = HttpResponse(html)
    else:
        response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{kind}-{case.reference}.pdf"'
    # A case's documents name a person; a claim code is printed once and must not be shown
    # again from a browser's cache or its back button.
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response
