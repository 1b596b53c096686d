"""Pages every part of the site shares: the home redirect, the landing after sign-in, the
error pages.

Errors under /api/ answer in the API's one error shape `{code, field, message}`; elsewhere
a page in the visitor's language that says what happened and leads back.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, roles_of


def home(request: HttpRequest) -> HttpResponse:
    """`/` leads to the requirements page in the visitor's language (cookie, then Accept-Language)."""
    language = translation.get_language_from_path(request.path_info)
    if language is None:
        language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        target = reverse("requirements-page")
    response = HttpResponseRedirect(target)
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def api_error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "field": field, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django could not read: too many parameters (`DATA_UPLOAD_MAX_NUMBER_FIELDS`),
    a form too large to hold in memory, a host not allowed."""
    too_many = isinstance(exception, TooManyFieldsSent)
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if _is_api(request):
        if too_many:
            return api_error(
                "too_many_parameters",
                f"a request carries at most {limit:,} parameters",
                400,
                field="query",
            )
        return api_error("bad_request", "the server could not read this request", 400)
    # The request's own parameters cannot be read (the page's language links read them):
    # the page is drawn from the template alone, as the 500 page is.
    context = {"limit": limit if too_many else None}
    return HttpResponse(loader.render_to_string("400.html", context), status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return api_error("not_found", f"there is no API resource at {request.path_info}", 404)
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return api_error("permission_denied", "this needs another role", 403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return api_error("server_error", "the server failed; nothing was recorded", 500)
    # No context processors: the failure may be the database they would read.
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (an expired page, or a request from another site)."""
    message = _(
        "This form has expired or did not come from this site. Reload the page and send it again."
    )
    if _is_api(request):
        return api_error("csrf_failed", message, 403)
    return render(request, "403.html", {"reason": message}, status=403)


def throttled(
    request: HttpRequest, wait: int, *, back: str = "requirements-page", label: str = ""
) -> HttpResponse:
    """The page for a caller (an address, an account, a case) that tried more often than a
    person does, linking back to the page it asked on (`back`, a URL name, in the page's
    language; `label` its words). `wait` is in seconds (the Retry-After header); the page
    says it in whole minutes, rounded up."""
    context = {
        "wait_minutes": max(1, -(-wait // 60)),
        "back": reverse(back),
        "back_label": label or _("Back to the requirements page"),
    }
    response = render(request, "web/throttled.html", context, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


# The first role a person holds, in this order, picks their landing page (by URL name).
LANDINGS = (
    (Role.CONSULAR_OFFICER, "console-cases"),
    (Role.POLICY_OFFICER, "console-home"),
    (Role.AUDITOR, "console-home"),
    (Role.BORDER_OFFICER, "border-admit"),
    (Role.BOND_ADJUDICATOR, "adjudications"),
    (Role.FINANCE_OFFICER, "finance-home"),
    (Role.CASHIER, "cashier-home"),
    (Role.ANALYST, "stats-home"),
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
