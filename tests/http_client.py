"""A small HTTP client over the standard library, with cookies and Django's CSRF token."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Session:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310 - loopback test server
        try:
            with self.opener.open(request, timeout=30) as reply:
                return Response(reply.status, reply.read(), dict(reply.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read(), dict(error.headers))

    def get(self, path: str, **params: str) -> Response:
        return self.request("GET", path, params=params or None)

    def csrf_token(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        self.get("/accounts/login/")
        return self.csrf_token()

    def post_json(self, path: str, payload: object) -> Response:
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.csrf_token(),
            "Referer": self.base_url + "/",
        }
        return self.request("POST", path, data=json.dumps(payload).encode(), headers=headers)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token(), **fields}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base_url + "/",
        }
        return self.request("POST", path, data=body, headers=headers)

    def login(self, username: str, password: str) -> None:
        response = self.post_form("/accounts/login/", {"username": username, "password": password})
        assert response.status == 302, f"login failed for {username}: {response.status}"
