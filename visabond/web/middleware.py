"""Errors under /api/ that Django or ninja answer outside the API's handlers (405 and the like)
keep the API's one error shape `{code, field, message}`."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse

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
