"""The JSON API's sign-in: Django's session (with its CSRF check) and the caller's role,
both checked before the request body is read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from visabond.accounts.roles import Role, require_role


class RoleSession(SessionAuth):
    """A signed-in session holding one of `roles`.

    Ninja runs authentication before it validates the body, so a caller without the role
    is refused (403, `role_required`) whatever they sent, and learns nothing from the
    body's validation; without a session the answer is 401. Unsafe methods need Django's
    CSRF token, as the console's forms do.
    """

    def __init__(self, *roles: Role) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        require_role(user, *self.roles)
        return user
