"""Accounts: creating users and granting roles, each grant in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from visabond.accounts.roles import Role, ensure_role_groups
from visabond.audit.services import AuditAction, audit_record
from visabond.core.errors import InvalidInput


def user_create(
    *,
    username: str,
    password: str,
    roles: Sequence[Role],
    staff: bool = False,
    actor_name: str = "visabond user",
) -> tuple[User, bool]:
    """Create the user if new (checking the password's strength), and grant the roles."""
    with transaction.atomic():
        ensure_role_groups()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": staff})
        if created:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise InvalidInput(
                    " ".join(error.messages), code="password_weak", field="password"
                ) from None
            user.set_password(password)
            user.save()
        for role in roles:
            user.groups.add(Group.objects.get(name=role.value))
            audit_record(
                AuditAction.USER_ROLE_GRANTED,
                subject=user,
                actor_name=actor_name,
                details={"role": role.value},
            )
    return user, created
