"""A traveller and a policy officer in a real browser against the running app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.e2e


def test_traveller_checks_the_requirements_in_english_then_french(page: Page, app_url: str) -> None:
    page.goto(app_url + "/requirements/")
    page.select_option("#id_issuer", "USA")
    page.select_option("#id_nationality", "GMB")
    page.select_option("#id_visa_class", "B1/B2")
    page.fill("#id_on", "2025-10-11")
    page.click("button[type=submit]")
    answer = page.locator("#answer")
    expect(answer).to_contain_text("A bond is required")
    expect(answer).to_contain_text("5,000 USD, 10,000 USD, 15,000 USD")
    expect(answer).to_contain_text("Washington Dulles International Airport (IAD)")
    screenshot(page, "01-requirements-gambia-en")

    page.goto(
        app_url + "/fr/requirements/?issuer=USA&nationality=GMB&visa_class=B1%2FB2&on=2025-10-10"
    )
    expect(page.locator("#answer")).to_contain_text("Aucune caution n'est exigée")
    screenshot(page, "02-requirements-gambia-day-before-fr")


def test_traveller_sees_the_error_beside_the_field(page: Page, app_url: str) -> None:
    page.goto(
        app_url + "/requirements/?issuer=USA&nationality=MLI&visa_class=SHORT-STAY&on=2025-10-24"
    )
    expect(page.locator(".errorlist")).to_contain_text("USA has no visa class")
    expect(page.locator("#answer")).to_have_count(0)


def test_policy_officer_designates_a_country_and_handles_the_reciprocity_review(
    page: Page, app_url: str
) -> None:
    page.goto(app_url + "/console/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "policy")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Policy registry")
    expect(page.locator("svg.chart").first).to_be_visible()
    screenshot(page, "03-console-registry")

    page.click("text=Designate")
    page.select_option("#id_program", label="Visa Bond Pilot Program")
    page.select_option("#id_nationality", "KEN")
    page.fill("#id_amounts", "5000, 10000, 15000")
    page.fill("#id_standard_amount", "10000")
    page.fill("#id_ports", "BOS JFK IAD")
    page.fill("#id_effective_from", "2026-03-01")
    page.fill("#id_announced_on", "2026-02-20")
    page.fill("#id_reason", "Designation for the end-to-end journey")
    page.fill("#id_source_title", "End-to-end notice")
    # The public answer it gives comes first; only then can it be recorded.
    expect(page.locator("#designate-form button[value=record]")).to_have_count(0)
    page.click("#designate-form button[value=preview]")
    preview = page.locator("#designate-preview")
    expect(preview).to_contain_text(
        "From 2026-03-01, for B1/B2: a bond is required (5,000 USD, 10,000 USD, 15,000 USD)"
    )
    expect(preview).to_contain_text("This date has passed")
    screenshot(page, "04a-designation-previewed")
    page.click("#designate-form button[value=record]")
    expect(page.locator("#id_effective_from_error")).to_contain_text("confirm that the date")
    page.check("#id_confirm_past")
    page.click("#designate-form button[value=record]")
    expect(page.locator(".messages")).to_contain_text("Designation recorded.")
    expect(page.locator(".messages")).to_contain_text("promises 15 days' notice")
    expect(page.locator("#timeline")).to_contain_text("2026-03-01 – 2026-08-05")
    screenshot(page, "04-rule-kenya-designated")

    page.goto(
        app_url + "/requirements/?issuer=USA&nationality=KEN&visa_class=B1%2FB2&on=2026-03-02"
    )
    expect(page.locator("#answer")).to_contain_text("A bond is required")

    page.goto(app_url + "/console/reciprocity/")
    review = page.locator(".review").first
    expect(review).to_contain_text("withdraw")
    review.locator("textarea[name=reason]").fill("Mali keeps its measure in force")
    review.locator("button[value=reject]").click()
    expect(page.locator(".messages")).to_contain_text("decided")
    expect(page.locator("main")).to_contain_text("Nothing to review.")
    screenshot(page, "05-reciprocity-review-decided")
