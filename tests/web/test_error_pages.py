"""Error pages are the project's own, in the visitor's language, with a way back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from tests.conftest import PASSWORD
from visabond.web.views import server_error


@pytest.mark.parametrize(
    ("path", "text"),
    [("/no-such-page/", "Page not found"), ("/fr/no-such-page/", "Page introuvable")],
)
def test_404_is_our_page_with_a_way_back(path: str, text: str, db: None) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert 'href="/' in html
    assert "requirements/" in html


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(("prefix", "text"), [("", "Access refused"), ("/fr", "Accès refusé")])
def test_403_is_our_page_in_both_languages(prefix: str, text: str) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "applicant", "password": PASSWORD})
    response = client.get(f"{prefix}/console/")
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Server error"), ("fr", "Erreur du serveur")]
)
def test_500_is_our_page_in_both_languages(language: str, text: str) -> None:
    with translation.override(language):
        response = server_error(RequestFactory().get("/requirements/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert text in html
    assert "requirements/" in html


def test_a_form_without_its_csrf_token_gets_our_403_page(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/fr/accounts/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("prefix", "text"),
    [("", "there is no rule 999999"), ("/fr", "il n&#x27;existe pas de règle 999999")],
)
def test_a_refusal_of_a_service_is_shown_in_the_pages_language(prefix: str, text: str) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "policy_officer", "password": PASSWORD})
    response = client.get(f"{prefix}/console/rules/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'data-code="rule_not_found">{text}</h1>' in html


TOO_MANY = "&".join(f"p{i}=1" for i in range(1_001))


@pytest.mark.parametrize(
    ("prefix", "text"),
    [("", "at most 1000 parameters"), ("/fr", "au plus 1000 paramètres")],
)
def test_too_many_parameters_get_our_400_page_in_the_visitors_language(
    prefix: str, text: str, db: None
) -> None:
    response = Client().get(f"{prefix}/requirements/?{TOO_MANY}")
    assert response.status_code == 400
    assert text in response.content.decode()


def test_too_many_parameters_to_the_api_are_named_in_the_error_shape(db: None) -> None:
    response = Client().get(f"/api/v1/requirements?{TOO_MANY}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_parameters",
        "field": "query",
        "message": "a request carries at most 1,000 parameters",
    }


@pytest.mark.parametrize(
    ("prefix", "title", "takes"),
    [
        ("", "Method not allowed", "This address takes POST requests, not GET."),
        ("/fr", "Méthode non permise", "Cette adresse reçoit des requêtes POST, pas GET."),
    ],
)
@pytest.mark.parametrize("page", ["/finance/ledger/verify/", "/departure-check/evidence/"])
def test_a_page_asked_with_a_method_it_does_not_take_says_which_it_takes(
    page: str, prefix: str, title: str, takes: str, db: None
) -> None:
    from visabond.accounts.roles import Role
    from visabond.accounts.services import user_create

    user_create(username="fiona", password=PASSWORD, roles=[Role.FINANCE_OFFICER])
    client = Client()
    client.post("/accounts/login/", {"username": "fiona", "password": PASSWORD})
    response = client.get(f"{prefix}{page}")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert title in html
    assert takes in html
    assert "visabond/site.css" in html  # the site's layout, not an empty body


def test_the_api_keeps_its_own_405_shape(db: None) -> None:
    response = Client().delete("/api/v1/requirements")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
