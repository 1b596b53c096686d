"""A bonded traveller admitted at JFK and her bond forfeited, in a real browser against the
running app.

The installation's clock shows 2026-03-02 (`VISABOND_CLOCK_SHIFT_DAYS`), while the US pilot
is in force. Grace's case was decided with a $15,000 bond (above the program's $10,000
second-approval amount), paid and her visa issued, through the services the consular
console calls (its pages have their own journey). A border officer types her passport's and
visa's zones at JFK, sees the bond's conditions and admits her until 2026-03-05. Five days
later (the server restarted with its clock moved on) the sweep finds no departure and opens
an adjudication; one adjudicator confirms the breach, the page says it waits for a second,
and another adjudicator approves: the bond is forfeited and the ledger balances.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.casework_world import td3
from tests.e2e.conftest import screenshot, serve
from tests.e2e.test_accessibility_and_language import serious_violations
from tests.e2e.test_casework_journeys import tab
from tests.installation import run_visabond, seeded_installation

pytestmark = pytest.mark.e2e

STORY_DAY = dt.date(2026, 3, 2)
ADMIT_UNTIL = STORY_DAY + dt.timedelta(days=3)
SWEEP_DAY = STORY_DAY + dt.timedelta(days=5)
PASSWORD = "e2e-border-password-3"
PASSPORT = td3()
Found = dict[str, list[str]]

# Grace's case through the consular services: a $15,000 bond for the extent of her
# contacts (90 FR 37378), paid, and her visa issued. Prints her visa's zone and bond.
BONDED_TRAVELLER = """
import datetime as dt, json
from django.db import transaction
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.bonds.services import bond_locked
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.services import (
    Application, case_bond_paid, case_decide, case_interview, case_issue_visa, case_submit,
    post_assign,
)
from visabond.core import clock
from visabond.core.money import Money
from visabond.casework.models import ConsularPost
from visabond.casework.selectors import post_today
today = post_today(ConsularPost.objects.get(code="lilongwe"))  # the post's day, not UTC's
grace, _ = user_create(username="grace", password="grace-e2e-password-5",
                       roles=[Role.APPLICANT], preferred_language="en")
consul, _ = user_create(username="consul", password="consul-e2e-password-5",
                        roles=[Role.CONSULAR_OFFICER], preferred_language="en")
post_assign(user=consul, post_code="lilongwe", actor="e2e setup")
case = case_submit(application=Application(
    post="lilongwe", visa_class="B1/B2", passport_mrz=PASSPORT, surname="Banda",
    given_names="Grace", birth_date=dt.date(1990, 4, 2), passport_number="MA1234567",
    purpose="Trade fair", intended_arrival=today, intended_departure=today + dt.timedelta(days=3),
), applicant=grace, actor=grace)
case_interview(reference=case.reference, notes="interviewed", actor=consul)
case = case_decide(reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=BondChoice(
    amount=Money.of("15000", "USD"), reason=AmountReason.EXTENT_OF_CONTACTS,
    explanation="extensive contacts in the United States"), actor=consul)
with transaction.atomic(durable=True):
    case_bond_paid(bond=bond_locked(case.bond.number), actor="payment provider",
                   from_unapplied=False, payment="e2e-border")
visa = case_issue_visa(reference=case.reference, actor=consul)
print(json.dumps({"bond": case.bond.number, "visa": [visa.mrz_line1, visa.mrz_line2],
                  "ports": visa.ports}))
"""


def shifted(env: dict[str, str], day: dt.date) -> dict[str, str]:
    return env | {"VISABOND_CLOCK_SHIFT_DAYS": str((day - dt.datetime.now(dt.UTC).date()).days)}


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A seeded installation on STORY_DAY with a border officer and two adjudicators."""
    data_dir = tmp_path_factory.mktemp("e2e-border")
    env = shifted(seeded_installation(data_dir), STORY_DAY)
    for username, role in (
        ("border-jfk", "border_officer"),
        ("adjudicator-one", "bond_adjudicator"),
        ("adjudicator-two", "bond_adjudicator"),
    ):
        created = run_visabond(
            env,
            "user",
            "create",
            username,
            "--role",
            role,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert created.returncode == 0, created.stderr
    return data_dir, env


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def admit_at_jfk(browser: Browser, base: str, traveller: dict[str, Any], found: Found) -> None:
    """On STORY_DAY at JFK: the border officer types both zones, reads the bond's
    conditions, and admits the traveller."""
    officer = tab(browser)
    sign_in(officer, base, "border-jfk")
    expect(officer).to_have_url(re.compile(r"/border/admit/$"))
    officer.fill("#id_passport_mrz", PASSPORT)
    officer.fill("#id_visa_mrz", "\n".join(traveller["visa"]))
    officer.fill("#id_port", "JFK")
    officer.fill("#id_visa_class", "B2")
    officer.fill("#id_admit_until", ADMIT_UNTIL.isoformat())
    officer.click("#read-button")
    expect(officer.locator("#conditions")).to_be_visible()
    expect(officer.locator("#bond-number")).to_have_text(traveller["bond"])
    expect(officer.locator("#bond-amount")).to_have_text("15,000.00 USD")
    expect(officer.locator("#designated-ports")).to_contain_text("JFK")
    issued_on = (STORY_DAY - dt.timedelta(days=1), STORY_DAY)  # the post's day of issue
    expect(officer.locator("#visa-validity")).to_contain_text(
        re.compile("Valid (" + "|".join(day.isoformat() for day in issued_on) + ")")
    )
    expect(officer.locator("#longest-stay")).to_be_visible()
    expect(officer.locator("#port-warning")).to_have_count(0)
    expect(officer.locator(".admission-warning")).to_have_count(0)
    found["admit: conditions"] = serious_violations(officer)
    screenshot(officer, "30-border-admit-conditions-jfk")
    officer.click("#admit-button")
    expect(officer.locator(".messages")).to_contain_text(
        f"Admission recorded until {ADMIT_UNTIL.isoformat()}: bond {traveller['bond']}."
    )
    screenshot(officer, "31-border-admission-recorded")
    # Her zones read again while her stay is open: the read step warns before any confirm.
    officer.fill("#id_passport_mrz", PASSPORT)
    officer.fill("#id_visa_mrz", "\n".join(traveller["visa"]))
    officer.fill("#id_port", "JFK")
    officer.fill("#id_visa_class", "B2")
    officer.click("#read-button")
    warning = officer.locator("#admission-warning-admission_open")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("(rule admission_open)")
    # JFK's own day of the admission: the day before STORY_DAY until 05:00 UTC.
    expect(warning).to_contain_text(
        re.compile("at JFK on (" + "|".join(day.isoformat() for day in issued_on) + ")")
    )
    expect(warning).to_contain_text("has no departure recorded")
    found["admit: open stay warned"] = serious_violations(officer)


def forfeit_with_two_adjudicators(
    browser: Browser, base: str, traveller: dict[str, Any], found: Found
) -> None:
    """One adjudicator confirms the breach; the page says it waits for another, who
    approves it."""
    first = tab(browser)
    sign_in(first, base, "adjudicator-one")
    expect(first).to_have_url(re.compile(r"/adjudications/$"))
    row = first.locator(f"#adjudications tr[data-bond='{traveller['bond']}']")
    expect(row).to_contain_text("no departure by the end of the authorized stay")
    row.locator("a").click()
    expect(first.locator("#deciding-evidence")).to_have_text("none: no departure recorded")
    first.check("input[name='decide-breach'][value=breach]")
    first.fill("#id_decide-reason", "No departure recorded at any port; no extension")
    found["adjudication: open"] = serious_violations(first)
    screenshot(first, "32-adjudication-open")
    first.click("#decision-form button[type=submit]")
    expect(first.locator("#adjudication-state")).to_have_text("awaiting a second adjudicator")
    expect(first.locator("#awaiting")).to_contain_text("adjudicator-one confirmed the breach")
    expect(first.locator("#not-you")).to_be_visible()
    expect(first.locator("#approval-form button[type=submit]")).to_be_disabled()
    found["adjudication: awaiting approval"] = serious_violations(first)
    screenshot(first, "33-adjudication-awaiting-second")

    second = tab(browser)
    sign_in(second, base, "adjudicator-two")
    second.goto(first.url)
    expect(second.locator("#not-you")).to_have_count(0)
    second.check("input[name='approve-approve'][value=approve]")
    second.fill("#id_approve-reason", "The evidence holds: no departure")
    second.click("#approval-form button[type=submit]")
    expect(second.locator("#adjudication-state")).to_have_text("forfeited")
    expect(second.locator("#bond-state")).to_have_text("forfeited")
    expect(second.locator("#decided-by")).to_contain_text("adjudicator-one")
    expect(second.locator("#approved-by")).to_contain_text("adjudicator-two")
    screenshot(second, "34-adjudication-forfeited")


def test_a_border_officer_admits_at_jfk_and_two_adjudicators_forfeit_the_bond(
    browser: Browser, installation: tuple[Path, dict[str, str]]
) -> None:
    data_dir, env = installation
    # Issued the day before at Lilongwe (UTC+2): whatever the hour, the visa is valid at JFK
    # on STORY_DAY, which issuing on STORY_DAY itself is not after 22:00 UTC.
    issued_env = shifted(env, STORY_DAY - dt.timedelta(days=1))
    made = run_visabond(issued_env, "shell", "-c", f"PASSPORT = {PASSPORT!r}\n" + BONDED_TRAVELLER)
    assert made.returncode == 0, made.stderr
    traveller = json.loads(made.stdout.strip().splitlines()[-1])
    assert "JFK" in traveller["ports"]
    found: Found = {}
    with closing(serve(env, data_dir)) as server:
        admit_at_jfk(browser, next(server), traveller, found)

    # Five days on, no departure: the sweep opens an adjudication (overstay).
    later = shifted(env, SWEEP_DAY)
    swept = run_visabond(later, "sweep")
    assert swept.returncode == 0, swept.stderr
    assert "breach suspected (adjudication opened): overstay" in swept.stdout
    with closing(serve(later, data_dir)) as server:
        forfeit_with_two_adjudicators(browser, next(server), traveller, found)

    verified = run_visabond(later, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    bond = run_visabond(
        later,
        "shell",
        "-c",
        "from visabond.bonds.models import Bond\n"
        f"print(Bond.objects.get(number={traveller['bond']!r}).state)",
    )
    assert bond.stdout.strip().splitlines()[-1] == "forfeited"
    assert {name: v for name, v in found.items() if v} == {}
