"""The one application error type, with a stable code, the field at fault and a readable message.

Its `http_status` is the one place its HTTP status is decided: the JSON API answers with it
(`visabond.config.api`), the pages render it (`visabond.web.errors`), and the command line
turns it into exit code 2 (`visabond.cli.base`).

A message that reaches a page is written as a template marked with `gettext_noop` and its
values given as `params`: `message` is the English sentence (the API, the command line and
logs use it), and a page translates `template` into its own language and fills in the values
written its way (`visabond.web.messages.error_text`).
"""

from __future__ import annotations

from collections.abc import Mapping


def gettext_noop(message: str) -> str:
    """Marks `message` for the French catalogue (`makemessages` extracts calls by this name)
    without translating it: this module and the plain-Python rules import no Django."""
    return message


def _plain(value: object) -> object:
    """A value as the English message writes it: a list or tuple as its items joined by
    commas ("BOS, JFK, IAD"), never Python's notation for it."""
    if isinstance(value, list | tuple):
        return ", ".join(str(_plain(v)) for v in value)
    return value


class VisabondError(Exception):
    """A request the system refuses, naming the field and the rule it breaks."""

    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.params: dict[str, object] = dict(params or {})
        self.message = (
            message % {name: _plain(v) for name, v in self.params.items()}
            if self.params
            else message
        )
        super().__init__(self.message)
        self.code = code
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(VisabondError):
    """The input breaks a rule of form or meaning (an unknown country, an impossible date)."""

    http_status = 422


class InvalidQuery(VisabondError):
    """A page's or a download's query string gives a filter a value of the wrong form (a day
    not written YYYY-MM-DD): the request is malformed (RFC 9110 §15.5.1), and nothing is
    shown as if the filter had matched nothing."""

    http_status = 400


class NotFound(VisabondError):
    http_status = 404


class Conflict(VisabondError):
    """The input is well formed but contradicts what is recorded (an overlapping rule)."""

    http_status = 409


class PermissionDenied(VisabondError):
    http_status = 403
