"""The roles people hold in the program, as Django groups, and the checks views make."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, PermissionsMixin

from visabond.core.errors import PermissionDenied


class Role(StrEnum):
    POLICY_OFFICER = "policy_officer"
    CONSULAR_OFFICER = "consular_officer"
    BOND_ADJUDICATOR = "bond_adjudicator"
    FINANCE_OFFICER = "finance_officer"
    CASHIER = "cashier"
    BORDER_OFFICER = "border_officer"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    APPLICANT = "applicant"


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[Role]:
    if not user.is_authenticated or not isinstance(user, PermissionsMixin):
        return set()
    # Kept on the user object, which lives as long as the request that loaded it.
    cached: set[Role] | None = user.__dict__.get("_visabond_roles")
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {r for r in Role if r.value in names}
        user.__dict__["_visabond_roles"] = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def require_role_of_actor(actor: AbstractBaseUser | str, *roles: Role) -> None:
    """Like `require_role` for an actor of a service: a person must hold one of `roles`; a
    named process (an operator's command, e.g. "visabond refunds batch") acts with the
    authority of the operator who runs it."""
    if not isinstance(actor, str):
        require_role(actor, *roles)


def require_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> None:
    if not has_role(user, *roles):
        names = " or ".join(r.value.replace("_", " ") for r in roles)
        raise PermissionDenied(f"this needs the role of {names}", code="role_required")
