"""The one JSON API (django-ninja) and the one place errors become HTTP responses.

Every error answers `{code, field, message}` (`ErrorOut`): refusals of the application,
schema errors, unparsable bodies, missing CSRF tokens, sign-in and role checks, throttling,
unknown query parameters. Roles are checked by the operation's `auth`, before its body or
query is read, so a signed-in person without the role gets 403 whatever they sent.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from visabond.core.errors import InvalidInput, VisabondError
from visabond.policy.api import public as requirements_router
from visabond.policy.api import router as policy_router

api = NinjaAPI(
    title="visabond API",
    version="1",
    description=(
        "Visa-bond program administration: policy registry and requirement lookup. "
        "Every error answers {code, field, message}."
    ),
    urls_namespace="api",
)


def _query_names(view: Callable[..., Any]) -> set[str]:
    """The query parameters an operation declares: its plain arguments and its Query schemas."""
    names: set[str] = set()
    for name, hint in typing.get_type_hints(view, include_extras=True).items():
        model = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= {f.alias or n for n, f in model.model_fields.items()}
        names.add(name)
    return names


def refuse_unknown_query_parameters(view: Callable[..., Any]) -> Callable[..., Any]:
    """An operation refuses query parameters it does not declare instead of ignoring them."""
    known = _query_names(view)

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise InvalidInput(
                f"unknown query parameter {unknown[0]!r}; this operation takes "
                f"{', '.join(sorted(known - {'request'} - {'data'})) or 'none'}",
                code="parameter_unknown",
                field=unknown[0],
            )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query_parameters, mode="operation")
api.add_router("/", requirements_router)
api.add_router("/policy", policy_router)


def error_response(
    request: HttpRequest, *, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "field": field, "message": message}, status=status
    )


@api.exception_handler(VisabondError)
def application_error(request: HttpRequest, error: VisabondError) -> HttpResponse:
    return api.create_response(request, error.as_dict(), status=error.http_status)


def _field(location: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "data")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def schema_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """The first broken rule as the error, and every one of them in `errors`."""
    every = [
        {
            "code": str(e.get("type", "invalid")),
            "field": _field(e.get("loc", ())),
            "message": str(e.get("msg", "invalid input")),
        }
        for e in error.errors
    ]
    first = every[0] if every else {"code": "invalid", "field": None, "message": "invalid input"}
    body = {"code": "invalid", "field": first["field"], "message": first["message"]}
    return api.create_response(request, body | {"errors": every}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(request, status=401, code="not_authenticated", message="sign in first")


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    response = error_response(
        request,
        status=429,
        code="rate_limited",
        message="this address has asked more often than a person does; wait and ask again",
    )
    if error.wait:
        response.headers["Retry-After"] = str(int(error.wait) + 1)
    return response


# ninja raises HttpError for a body it cannot parse (400) and a failed CSRF check (403).
_HTTP_ERRORS = {
    400: ("body_unparsable", "body", "the request body is not valid JSON"),
    403: (
        "csrf_failed",
        None,
        "the CSRF token is missing or wrong: send the csrftoken cookie's value in X-CSRFToken",
    ),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code, field, message = _HTTP_ERRORS.get(
        error.status_code, (f"http_{error.status_code}", None, str(error))
    )
    return error_response(
        request, status=error.status_code, code=code, field=field, message=message
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message="not found")
