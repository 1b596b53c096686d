"""Where a person lands after signing in: the page of the work their role does."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from visabond.accounts.roles import Role, roles_of

# The first role a person holds, in this order, picks their landing page (by URL name).
LANDINGS = (
    (Role.CONSULAR_OFFICER, "console-cases"),
    (Role.POLICY_OFFICER, "console-home"),
    (Role.AUDITOR, "console-home"),
    (Role.APPLICANT, "portal-home"),
)


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Send a signed-in person to their role's page; anyone else to the requirements page."""
    held = roles_of(request.user)
    for role, name in LANDINGS:
        if role in held:
            return redirect(name)
    return redirect("requirements-page")
