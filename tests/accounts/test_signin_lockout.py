"""Sign-in is locked after repeated failures, by account name and by address (django-axes)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("people")


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one() -> None:
    client = Client()
    assert [sign_in(client, "policy_officer", "wrong") for _ in range(5)][:4] == [200] * 4
    assert sign_in(client, "policy_officer", PASSWORD) == 429
    # From another address too: the account name itself is locked.
    assert sign_in(Client(), "policy_officer", PASSWORD, address="10.0.0.2") == 429


def test_an_address_that_keeps_failing_is_locked_for_every_account() -> None:
    for name in ("a", "b", "c", "d", "e"):
        sign_in(Client(), name, "wrong", address="10.0.0.9")
    locked = Client().post(
        "/fr/accounts/login/",
        {"username": "auditor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert locked.status_code == 429
    assert "Connexion bloquée" in locked.content.decode()


def test_a_few_mistakes_then_the_right_password_signs_in() -> None:
    client = Client()
    assert [sign_in(client, "auditor", "wrong") for _ in range(2)] == [200, 200]
    assert sign_in(client, "auditor", PASSWORD) == 302
