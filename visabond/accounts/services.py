"""Accounts: creating users and granting roles, each in the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from visabond.accounts.models import User
from visabond.accounts.roles import Role, ensure_role_groups
from visabond.audit.actors import Actor
from visabond.audit.services import AuditAction, audit_record
from visabond.core.errors import Conflict, InvalidInput


def _validate_username(username: str) -> None:
    # Django's own rule for user names (letters, digits and @.+-_, at most 150): a name is
    # shown in the console and the audit trail, so it holds no markup or blanks.
    field = User._meta.get_field("username")
    try:
        field.run_validators(username)
        if not username:
            raise ValidationError("a user name is required")
    except ValidationError as error:
        raise InvalidInput(
            f"{username[:40]!r} is not a user name: 1 to {field.max_length} letters, digits "
            "and @ . + - _",
            code="username_invalid",
            field="username",
        ) from error


def user_create(
    *,
    username: str,
    password: str,
    roles: Sequence[Role],
    staff: bool = False,
    preferred_language: str = "en",
    email: str = "",
    actor: Actor = "visabond user",
) -> tuple[User, bool]:
    """Create the user if new (checking the password's strength), and grant the roles.

    An entry point: one durable transaction; a user name Django would refuse
    (`username_invalid`) or a weak password (`password_weak`) changes nothing. Returns the user and whether it was created; an existing user keeps its
    password and gains the roles it lacked. Each creation and grant is audited as `actor`.
    """
    _validate_username(username)
    with transaction.atomic(durable=True):
        ensure_role_groups()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": staff,
                "preferred_language": preferred_language,
                "email": email,
            },
        )
        if created:
            _set_strong_password(user, password)
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


def applicant_sign_up(
    *, username: str, email: str, password: str, preferred_language: str = "en"
) -> User:
    """A self-service account with the applicant role, and nothing else.

    An entry point: one durable transaction. Unlike `user_create`, an existing name is
    refused (`username_taken`, compared without case) rather than given a role, so nobody
    signs up into another's account. The password must pass every validator of
    `AUTH_PASSWORD_VALIDATORS` (`password_weak`); the name, Django's user-name rule
    (`username_invalid`); the address, an e-mail address (`email_invalid`). The creation
    and the grant are audited with the new person as actor.
    """
    # NFKC, as signing in reads the name (`AbstractBaseUser.normalize_username`): a name in
    # full-width letters would make an account its owner can never sign in to.
    name = User.normalize_username(username.strip())
    _valid(User.username_validator, name, field="username")
    _valid(validate_email, email.strip(), field="email")
    with transaction.atomic(durable=True):
        if not name or User.objects.filter(username__iexact=name).exists():
            raise Conflict(
                f"the user name {name!r} is taken: choose another",
                code="username_taken",
                field="username",
            )
        user = User(username=name, email=email.strip(), preferred_language=preferred_language)
        _set_strong_password(user, password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # pragma: no cover - the same name signed up a moment before
            raise Conflict(
                f"the user name {name!r} is taken: choose another",
                code="username_taken",
                field="username",
            ) from None
        ensure_role_groups()
        user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
        audit_record(AuditAction.USER_CREATED, subject=user, actor=user)
        audit_record(
            AuditAction.USER_ROLE_GRANTED,
            subject=user,
            actor=user,
            details={"role": Role.APPLICANT.value},
        )
    return user


def _valid(check: Callable[[str], object], value: str, *, field: str) -> None:
    try:
        check(value)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code=f"{field}_invalid", field=field) from None


def _set_strong_password(user: User, password: str) -> None:
    """Set the password if it passes `AUTH_PASSWORD_VALIDATORS`; `password_weak` if not."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), code="password_weak", field="password"
        ) from None
    user.set_password(password)
