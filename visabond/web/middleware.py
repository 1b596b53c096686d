"""Errors under /api/ that Django or ninja answer outside the API's handlers (405 and the like)
keep the API's one error shape `{code, field, message}`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

CODES = {405: "method_not_allowed", 404: "not_found", 413: "body_too_large"}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        shaped = JsonResponse(
            {
                "code": CODES.get(status, f"http_{status}"),
                "field": None,
                "message": (response.reason_phrase or "error").lower(),
            },
            status=status,
        )
        for header in ("Allow", "Retry-After", "Vary"):
            if header in response:
                shaped[header] = response[header]
        return shaped


def _api_refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "field": "body", "message": message}, status=status)


# Bodies Django's CSRF check parses as a form, after which the operation cannot read them.
# Other types (JSON, and the manifests carriers send as application/edifact) reach their
# operation, which refuses what it cannot read in the error shape.
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class ApiRequestGuardMiddleware:
    """Refuses an API request body that no operation can read, before anything reads it.

    A form or multipart body would be parsed by the CSRF check and then be unreadable by
    the operation (a server error), so it is refused (422 `body_not_json`); the operations
    read JSON, or a manifest's own text. A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` is refused as such
    (413 `body_too_large`) rather than as a bad request. HEAD is answered as GET without
    the body (RFC 9110 §9.3.2), as Django's own views do.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        if request.method == "HEAD":
            request.method = "GET"
            response = self.get_response(request)
            if isinstance(response, HttpResponse):
                response.content = b""
            return response
        length = request.META.get("CONTENT_LENGTH") or "0"
        has_body = length not in ("", "0") or "HTTP_TRANSFER_ENCODING" in request.META
        if has_body and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            largest = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if largest is not None and length.isdigit() and int(length) > largest:
                return _api_refusal(
                    413, "body_too_large", f"a request body is at most {largest:,} bytes"
                )
            if request.content_type in FORM_TYPES:
                return _api_refusal(
                    422,
                    "body_not_json",
                    f"the body is JSON (Content-Type: application/json), not "
                    f"{request.content_type}",
                )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends `CONTENT_SECURITY_POLICY` with every response: scripts only from this site, so
    markup that slipped through escaping still runs nothing (W3C CSP Level 3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
