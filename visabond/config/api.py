"""The one JSON API (django-ninja) and the one place errors become HTTP responses.

Every error answers `{code, field, message}` (`ErrorOut`): refusals of the application,
schema errors, unparsable bodies, missing CSRF tokens, sign-in and role checks, throttling,
unknown query parameters. Roles are checked by the operation's `auth`, before its body or
query is read, so a signed-in person without the role gets 403 whatever they sent.
"""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import BaseModel

from visabond.adjudication.api import router as adjudication_router
from visabond.border.api import router as border_router
from visabond.border.upload_api import router as border_uploads_router
from visabond.casework.api import router as casework_router
from visabond.core.errors import InvalidInput, VisabondError
from visabond.core.text import refuse_control_characters
from visabond.payments.api import router as payments_router
from visabond.policy.api import public as requirements_router
from visabond.policy.api import router as policy_router
from visabond.refunds.api import router as refunds_router

# Integers a body may carry: far beyond any field's range, short of Python's 4,300-digit
# limit, whose error would read as "not valid JSON".
LONGEST_INTEGER = 30


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > LONGEST_INTEGER:
        raise InvalidInput(
            f"a number of {len(text.lstrip('-')):,} digits is beyond every field's range",
            code="number_too_large",
            field="body",
        )
    return int(text)


def _constant(name: str) -> float:
    raise InvalidInput(f"{name} is not a JSON number", code="body_unparsable", field="body")


def _refuse_control_characters(value: object, path: str) -> None:
    """Every string of a JSON document, and every key, is text (`core.text`)."""
    if isinstance(value, str):
        refuse_control_characters(value, field=path or "body")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_control_characters(item, f"{path}.{i}" if path else str(i))
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_control_characters(key, field=path or "body")
            _refuse_control_characters(item, f"{path}.{key}" if path else key)


class StrictJsonParser(Parser):
    """JSON bodies and query strings as every operation reads them.

    A body is one JSON object of text without control characters (PostgreSQL cannot store
    NUL) and of integers of at most `LONGEST_INTEGER` digits; a query parameter is given
    once. Each refusal is `InvalidInput` naming the field (422).
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body, parse_int=_integer, parse_constant=_constant)
        if not isinstance(data, dict):
            raise InvalidInput(
                f"the body is one JSON object {{...}}, not {type(data).__name__}",
                code="body_not_object",
                field="body",
            )
        _refuse_control_characters(data, "")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            if len(values) > 1 and key not in list_fields:
                raise InvalidInput(
                    f"{key} is given {len(values)} times; give it once",
                    code="parameter_repeated",
                    field=key,
                )
            for value in values:
                refuse_control_characters(value, field=key)
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    parser=StrictJsonParser(),
    title="visabond API",
    version="1",
    description=(
        "Visa-bond program administration: policy registry, requirement lookup, consular "
        "casework, the money received for bonds (the payment provider's signed webhook, "
        "receipts, finance), the refunds paid back, the border's records (batches of "
        "admissions, departures, status decisions and renewals from machine clients with a "
        "bearer key, or from border officers) and bond adjudications (decisions, second "
        "approvals, the obligor's contest). Sign in with the console's session; writes need "
        "Django's CSRF token (X-CSRFToken). Every error is {code, field, message}."
    ),
    urls_namespace="api",
)


def _query_names(view: Callable[..., Any]) -> set[str]:
    """The query parameters an operation declares: its plain arguments and its Query schemas'
    fields (not the names of its request, schema and return arguments)."""
    names: set[str] = set()
    for name, hint in typing.get_type_hints(view, include_extras=True).items():
        model = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= {f.alias or n for n, f in model.model_fields.items()}
        elif name not in ("request", "return") and model is not HttpRequest:
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
                f"{', '.join(sorted(known)) or 'none'}",
                code="parameter_unknown",
                field=unknown[0],
            )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query_parameters, mode="operation")
api.add_router("/", requirements_router)
api.add_router("/policy", policy_router)
api.add_router("/cases", casework_router)
api.add_router("/payments", payments_router)
api.add_router("/refunds", refunds_router)
api.add_router("/border/uploads", border_uploads_router)
api.add_router("/border", border_router)
api.add_router("/adjudications", adjudication_router)


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
    # ninja wraps whatever the body parser raises in a 400; the parser's own refusals say
    # what is wrong with the body, and keep their status.
    if isinstance(error.__cause__, VisabondError):
        return application_error(request, error.__cause__)
    code, field, message = _HTTP_ERRORS.get(
        error.status_code, (f"http_{error.status_code}", None, str(error))
    )
    return error_response(
        request, status=error.status_code, code=code, field=field, message=message
    )


@api.exception_handler(MultiPartParserError)
def body_unreadable(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    # Django reads a form body when the CSRF check looks for its token: a multipart
    # Content-Type without a boundary fails there, before any operation runs.
    return error_response(
        request,
        status=400,
        code="body_unparsable",
        field="body",
        message=f"the request body cannot be read as its Content-Type says: {error}",
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message="not found")
