"""People: the project's own user model, created with roles, every grant audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from visabond.accounts.legacy import adopt_auth_user_table
from visabond.accounts.models import User
from visabond.accounts.roles import Role, roles_of
from visabond.accounts.services import user_create
from visabond.audit.models import AuditEvent
from visabond.core.errors import InvalidInput

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def test_the_user_model_is_the_projects_own_with_a_preferred_language() -> None:
    assert get_user_model() is User
    user, created = user_create(
        username="amadou", password=PASSWORD, roles=[Role.POLICY_OFFICER], preferred_language="fr"
    )
    user.refresh_from_db()
    assert created
    assert user.preferred_language == "fr"
    assert user._meta.db_table == "auth_user"


def test_creating_a_user_audits_the_creation_and_each_role_once() -> None:
    user_create(username="ada", password=PASSWORD, roles=[Role.AUDITOR], actor="visabond user")
    user, created = user_create(
        username="ada", password="ignored-for-an-existing-user", roles=[Role.AUDITOR, Role.ANALYST]
    )
    assert not created
    assert user.check_password(PASSWORD)
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.AUDITOR, Role.ANALYST}
    actions = list(AuditEvent.objects.values_list("action", "details"))
    assert actions == [
        ("account.created", {}),
        ("account.role_granted", {"role": "auditor"}),
        ("account.role_granted", {"role": "analyst"}),
    ]


def test_a_weak_password_creates_nothing() -> None:
    with pytest.raises(InvalidInput) as caught:
        user_create(username="bob", password="123", roles=[Role.AUDITOR])
    assert (caught.value.code, caught.value.field) == ("password_weak", "password")
    assert not User.objects.filter(username="bob").exists()
    assert AuditEvent.objects.count() == 0


def test_a_database_made_with_accounts_user_needs_no_adoption() -> None:
    assert adopt_auth_user_table(connection) is False
