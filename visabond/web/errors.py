"""Pages answer an application error with its own status (404, 409, 422), never a 500.

The JSON API maps `VisabondError` in `visabond.config.api`; this middleware does the same
for the server-rendered pages, from the same `http_status`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from visabond.core.errors import VisabondError
from visabond.web.localized import error_text


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, VisabondError):
            return None
        # The page's language, as refusals beside a field are (`web/localized.error_text`).
        context = {"error": exception, "message": error_text(exception)}
        return render(request, "web/error.html", context, status=exception.http_status)
