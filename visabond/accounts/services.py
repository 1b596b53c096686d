"""Accounts: creating users and granting roles, each in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from visabond.accounts.models import User
from visabond.accounts.roles import Role, ensure_role_groups
from visabond.audit.services import Actor, AuditAction, audit_record
from visabond.core.errors import InvalidInput


def user_create(
    *,
    username: str,
    password: str,
    roles: Sequence[Role],
    staff: bool = False,
    preferred_language: str = "en",
    actor: Actor = "visabond user",
) -> tuple[User, bool]:
    """Create the user if new (checking the password's strength), and grant the roles.

    An entry point: one durable transaction; a weak password (`password_weak`) changes
    nothing. Returns the user and whether it was created; an existing user keeps its
    password and gains the roles it lacked. Each creation and grant is audited as `actor`.
    """
    with transaction.atomic(durable=True):
        ensure_role_groups()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": staff, "preferred_language": preferred_language},
        )
        if created:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise InvalidInput(
                    " ".join(error.messages), code="password_weak", field="password"
                ) from None
            user.set_password(password)
            user.save()
            audit_record(AuditAction.USER_CREATED, subject=user, actor=actor)
        held = set(user.groups.values_list("name", flat=True))
        for role in roles:
            if role.value in held:
                continue
            user.groups.add(Group.objects.get(name=role.value))
            audit_record(
                AuditAction.USER_ROLE_GRANTED,
                subject=user,
                actor=actor,
                details={"role": role.value},
            )
    return user, created
