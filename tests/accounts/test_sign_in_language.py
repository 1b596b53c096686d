"""After sign-in the console opens in the language the person reads (`--language`)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create

pytestmark = pytest.mark.usefixtures("people")


def sign_in(path: str, username: str) -> tuple[Client, str]:
    client = Client()
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    # Sign-in leads to the landing, which sends each role to its own page.
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    return client, landing["Location"]


@pytest.mark.django_db
def test_a_french_reader_lands_on_the_french_console_and_can_switch() -> None:
    user_create(
        username="amadou", password=PASSWORD, roles=[Role.POLICY_OFFICER], preferred_language="fr"
    )
    client, landing = sign_in("/accounts/login/", "amadou")
    assert landing == "/fr/console/"
    assert "Registre des mesures" in client.get(landing).content.decode()
    # The links switch the language from there on.
    assert "Policy registry" in client.get("/console/").content.decode()
    # `/` follows the language chosen at sign-in.
    visitor = Client()
    visitor.cookies = client.cookies
    assert visitor.get("/")["Location"] == "/fr/requirements/"


@pytest.mark.django_db
def test_an_english_reader_signing_in_on_the_french_page_lands_in_english() -> None:
    assert User.objects.get(username="policy_officer").preferred_language == "en"
    _, landing = sign_in("/fr/accounts/login/", "policy_officer")
    assert landing == "/console/"
