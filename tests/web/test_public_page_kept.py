"""The public page kept between registry changes: asked again it is served as drawn, and
anything that changes what it shows (a registry write, the day, a signed-in visitor, the
language) draws it anew."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.conftest import usd
from tests.web.console import signed_in
from visabond.policy import services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import Program
from visabond.policy.rules import Period, RuleTerms

pytestmark = pytest.mark.usefixtures("seeded", "people")
KENYA = "/requirements/?issuer=USA&nationality=KEN&visa_class=B1%2FB2&on=2026-03-02"


def get(path: str, client: Client | None = None) -> str:
    response = (client or Client()).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_asked_again_costs_only_the_registry_stamp(django_assert_num_queries: Any) -> None:
    first = get(KENYA)
    with django_assert_num_queries(1):
        again = get(KENYA)
    assert again == first


def test_a_registry_write_is_on_the_page_at_once() -> None:
    assert "No bond is required" in get(KENYA)
    services.rule_designate(
        program=Program.objects.get(code="us-visa-bond-pilot"),
        nationality="KEN",
        visa_class="B1/B2",
        terms=RuleTerms(bond_required=True, amounts=(usd(5000),), standard_amount=usd(5000)),
        period=Period(dt.date(2026, 3, 1)),
        announced_on=dt.date(2026, 2, 10),
        reason="added",
        sources=[Source("Notice")],
        author=Author("officer"),
        confirm_past=True,
    )
    assert "A bond is required" in get(KENYA)


def test_the_empty_form_starts_from_the_day_it_is_asked(today_is: Any) -> None:
    today_is(dt.date(2026, 5, 4))
    assert 'name="on" value="2026-05-04"' in get("/requirements/")
    today_is(dt.date(2026, 5, 5))
    assert 'name="on" value="2026-05-05"' in get("/requirements/")


def test_a_signed_in_visitor_never_gets_the_page_drawn_for_the_public() -> None:
    assert "Sign out" not in get(KENYA)
    officer = get(KENYA, signed_in("policy_officer"))
    assert "Sign out" in officer
    assert "policy_officer" in officer


def test_each_language_has_its_own_page() -> None:
    get(KENYA)
    french = get("/fr" + KENYA)
    assert "Aucune caution n&#x27;est exigée" in french or "Aucune caution n'est exigée" in french
