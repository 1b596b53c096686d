"""Who acts in the payments tests, and the provider's signing secret."""

from __future__ import annotations

import pytest

from tests.casework_world import person, world
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.casework.services import post_assign
from visabond.payments.secret_services import webhook_secret_add


def cashier_at(post: str, username: str | None = None) -> User:
    cashier = person(username or f"cashier-{post}", Role.CASHIER)
    post_assign(user=cashier, post_code=post, actor="test setup")
    return cashier


@pytest.fixture
def secret(pilot: None) -> str:
    """An active signing secret, as `visabond payments secret add` gives it to the provider."""
    _, value = webhook_secret_add(label="provider", actor="test setup")
    return value


@pytest.fixture
def finance(pilot: None) -> User:
    return person("fiona", Role.FINANCE_OFFICER)


__all__ = ["cashier_at", "world"]
