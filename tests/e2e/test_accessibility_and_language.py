"""What only a browser shows: axe-core on every page, the class list following the
destination, ISO dates in French date fields, the API documentation without the internet."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.e2e
AXE = Axe()  # axe-core's script ships inside the package: no network needed


def serious_violations(page: Page) -> list[str]:
    results: Any = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: Page, app_url: str) -> None:
    page.goto(app_url + "/accounts/login/")
    page.fill("#id_username", "policy")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Policy registry")


PUBLIC_PAGES = [
    "/requirements/",
    "/fr/requirements/?issuer=USA&nationality=BFA&visa_class=B1%2FB2&on=2025-11-01",
    "/requirements/?issuer=FRA&nationality=MLI&visa_class=*&on=2025-10-24",
    "/accounts/login/",
    "/fr/no-such-page/",
]
CONSOLE_PAGES = [
    "/console/",
    "/console/rules/new/",
    "/console/reciprocity/",
    "/fr/console/reciprocity/directives/new/",
]


def test_every_page_has_no_serious_or_critical_axe_finding(page: Page, app_url: str) -> None:
    found: dict[str, list[str]] = {}
    for number, path in enumerate(PUBLIC_PAGES):
        page.goto(app_url + path)
        found[path] = serious_violations(page)
        screenshot(page, f"axe-public-{number}")
    sign_in(page, app_url)
    page.goto(app_url + "/console/")
    rule_link = page.locator("#rules a").first.get_attribute("href")
    for number, path in enumerate([*CONSOLE_PAGES, str(rule_link)]):
        page.goto(app_url + path)
        found[path] = serious_violations(page)
        screenshot(page, f"axe-console-{number}")
    # A decision's preview, with its past-date warning and confirmation.
    page.goto(app_url + str(rule_link))
    page.fill("#id_withdraw-effective_from", "2026-03-01")
    page.fill("#id_withdraw-reason", "Checking the preview")
    page.fill("#id_withdraw-source_title", "Notice")
    page.click("#withdraw-form button[value=preview]")
    expect(page.locator("#withdraw-preview")).to_be_visible()
    found["withdrawal preview"] = serious_violations(page)
    screenshot(page, "axe-console-withdrawal-preview")
    assert {path: v for path, v in found.items() if v} == {}


def test_the_skip_link_leads_to_the_content(page: Page, app_url: str) -> None:
    page.goto(app_url + "/requirements/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_the_visa_classes_follow_the_destination(page: Page, app_url: str) -> None:
    page.goto(app_url + "/fr/requirements/")
    page.select_option("#id_issuer", "MLI")
    options = page.locator("#id_visa_class option")
    expect(options.first).to_have_attribute("value", "SHORT-STAY")
    expect(options.first).to_have_text(
        "Visa de court séjour : tourisme, affaires, visites familiales"
    )
    page.select_option("#id_nationality", "USA")
    page.fill("#id_on", "2025-11-15")
    page.click("#requirements-form button[type=submit]")
    expect(page.locator("#answer")).to_contain_text("ressortissants des États-Unis")
    screenshot(page, "10-mali-classes-fr")


def test_french_date_fields_show_the_date_asked(page: Page, app_url: str) -> None:
    page.goto(
        app_url + "/fr/requirements/?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-11-30"
    )
    expect(page.locator("#id_on")).to_have_value("2026-11-30")
    page.click("header .lang a[hreflang=en]")
    expect(page).to_have_url(re.compile(r"/requirements/\?issuer=USA&nationality=NGA"))
    expect(page.locator("#id_on")).to_have_value("2026-11-30")
    screenshot(page, "11-language-switch-keeps-the-question")


def test_the_api_documentation_works_without_the_internet(page: Page, app_url: str) -> None:
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(app_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(app_url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("visabond API")
    assert outside == []
    screenshot(page, "12-api-docs-offline")
