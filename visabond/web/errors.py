"""Pages answer an application error with its own status (404, 409, 422), never a 500.

The JSON API maps `VisabondError` in `visabond.config.api`; this middleware does the same
for the server-rendered pages, from the same `http_status`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
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


class MethodNotAllowedPageMiddleware:
    """A page's empty 405 (`require_POST`, `require_http_methods`) becomes the site's page
    saying which methods the address takes (RFC 9110 §15.5.6: the `Allow` header is kept).

    Django has no 405 handler to set (only 400, 403, 404 and 500); the JSON API keeps its
    own error shape (`visabond.web.middleware.ApiErrorShapeMiddleware`). Placed after the
    locale and authentication middleware, so the page is in the visitor's language and
    layout.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponseNotAllowed)
            or response.content
            or request.path_info.startswith("/api/")
        ):
            return response
        allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
        context = {"allowed": ", ".join(allowed), "takes_get": "GET" in allowed}
        page = render(request, "405.html", context, status=405)
        page["Allow"] = response["Allow"]
        return page
