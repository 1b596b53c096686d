from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from visabond.accounts.roles import Role, roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    held = roles_of(request.user)
    return {"user_roles": {r.value for r in held}, "is_policy_officer": Role.POLICY_OFFICER in held}
