"""The one JSON API (django-ninja) and the one place errors become HTTP responses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from visabond.adjudication.api import router as adjudication_router
from visabond.border.api import router as border_router
from visabond.casework.api import router as casework_router
from visabond.core.errors import VisabondError
from visabond.payments.api import router as payments_router
from visabond.policy.api import public as requirements_router
from visabond.policy.api import router as policy_router

api = NinjaAPI(
    title="visabond API",
    version="1",
    description=(
        "Visa-bond program administration: policy registry, requirement lookup, consular "
        "casework and the money received for bonds (the payment provider's signed webhook, "
        "receipts, finance), and the border's records (batches of admissions, departures, "
        "status decisions and renewals from machine clients with a bearer key, or from border "
        "officers), and bond adjudications (decisions, second approvals, the obligor's "
        "contest). Sign in with the console's session; writes need Django's CSRF "
        "token (X-CSRFToken). Every error is {code, field, message}."
    ),
    urls_namespace="api",
)
api.add_router("/", requirements_router)
api.add_router("/policy", policy_router)
api.add_router("/cases", casework_router)
api.add_router("/payments", payments_router)
api.add_router("/border", border_router)
api.add_router("/adjudications", adjudication_router)


@api.exception_handler(VisabondError)
def application_error(request: HttpRequest, error: VisabondError) -> HttpResponse:
    return api.create_response(request, error.as_dict(), status=error.http_status)


@api.exception_handler(NinjaValidationError)
def schema_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "data")]
    body = {
        "code": "invalid",
        "field": ".".join(location) or None,
        "message": first.get("msg", "invalid input"),
        "errors": error.errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    body = {"code": "not_authenticated", "field": None, "message": "sign in first"}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's own refusals (a failed CSRF check) in the one error shape."""
    message = str(error)
    code = "csrf_failed" if "CSRF" in message else f"http_{error.status_code}"
    body = {"code": code, "field": None, "message": message}
    return api.create_response(request, body, status=error.status_code)
