"""The one application error type, with a stable code, the field at fault and a readable message.

Its `http_status` is the one place its HTTP status is decided: the JSON API answers with it
(`visabond.config.api`), the pages render it (`visabond.web.errors`), and the command line
turns it into exit code 2 (`visabond.cli.base`).
"""

from __future__ import annotations


class VisabondError(Exception):
    """A request the system refuses, naming the field and the rule it breaks."""

    http_status = 400

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(VisabondError):
    """The input breaks a rule of form or meaning (an unknown country, an impossible date)."""

    http_status = 422


class NotFound(VisabondError):
    http_status = 404


class Conflict(VisabondError):
    """The input is well formed but contradicts what is recorded (an overlapping rule)."""

    http_status = 409


class PermissionDenied(VisabondError):
    http_status = 403
