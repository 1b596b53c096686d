"""Signing in leads the cashier, the finance officer and the analyst to their own pages."""

from __future__ import annotations

import pytest

from tests.casework_world import person
from tests.pages import signed_in
from visabond.accounts.roles import Role

pytestmark = pytest.mark.usefixtures("pilot")


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.CASHIER, "/cashier/"),
        (Role.FINANCE_OFFICER, "/finance/"),
        (Role.ANALYST, "/console/stats/"),
    ],
)
def test_each_money_and_statistics_role_lands_on_its_own_page(role: Role, page: str) -> None:
    landing = signed_in(person("someone", role)).get("/accounts/landing/")
    assert (landing.status_code, landing["Location"]) == (302, page)
