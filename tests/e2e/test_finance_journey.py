"""A finance officer, in a real browser against the running app, applies a quarantined
confirmation to the case it was meant for, then sends a refund batch and imports the bank's
confirmation of it.

The installation's clock shows 2026-03-02 (`VISABOND_CLOCK_SHIFT_DAYS`), while the US pilot
is in force. Two cases are prepared through the services the consular console and the
provider's webhook call: Grace's bond is directed and the provider confirms its amount under
another case's reference (quarantined); Amina's bond was paid and her visa refused, so its
refund is due, to the account she recorded. The finance officer signs in (landing on the
finance console), applies Grace's payment with a reason, makes the batch, downloads its
pain.001; the test plays the bank, answering with a pain.002 that settles the transfer;
the officer uploads it and sees the refund confirmed; the ledger holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.casework_world import td3
from tests.e2e.conftest import ARTIFACTS, screenshot, serve
from tests.e2e.test_accessibility_and_language import serious_violations
from tests.e2e.test_border_journey import shifted
from tests.e2e.test_casework_journeys import tab
from tests.installation import run_visabond, seeded_installation
from tests.refunds_world import end_to_end_ids, status_report

pytestmark = pytest.mark.e2e

STORY_DAY = dt.date(2026, 3, 2)
PASSWORD = "e2e-finance-password-4"

# Grace's bond directed and paid through the provider naming another case (quarantined);
# Amina's bond paid, her visa refused (refund due, to the account she recorded); the
# program's USD escrow account. Prints Grace's case, bond and payment.
MONEY_WAITING = """
import datetime as dt, json
from django.db import transaction
from standardwebhooks import Webhook
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.bonds.services import bond_locked
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.services import (
    Application, case_bond_paid, case_decide, case_interview, case_refuse, case_submit,
    post_assign,
)
from visabond.core import clock
from visabond.core.money import Money
from visabond.payments.secret_services import webhook_secret_add
from visabond.payments.webhook_services import webhook_receive
from visabond.refunds.account_services import escrow_account_record, refund_account_record
from visabond.casework.models import ConsularPost
from visabond.casework.selectors import post_today
today = post_today(ConsularPost.objects.get(code="lilongwe"))  # the post's day, not UTC's
consul, _ = user_create(username="consul", password="consul-e2e-password-5",
                        roles=[Role.CONSULAR_OFFICER], preferred_language="en")
post_assign(user=consul, post_code="lilongwe", actor="e2e setup")

def directed(username, surname, given, number, passport):
    person, _ = user_create(username=username, password="applicant-e2e-password-5",
                            roles=[Role.APPLICANT], preferred_language="en")
    case = case_submit(application=Application(
        post="lilongwe", visa_class="B1/B2", passport_mrz=passport, surname=surname,
        given_names=given, birth_date=dt.date(1990, 4, 2), passport_number=number,
        purpose="Trade fair", intended_arrival=today,
        intended_departure=today + dt.timedelta(days=3),
    ), applicant=person, actor=person)
    case_interview(reference=case.reference, notes="interviewed", actor=consul)
    case = case_decide(reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=BondChoice(
        amount=Money.of("10000", "USD"), reason=AmountReason.STANDARD,
        explanation="standard amount"), actor=consul)
    return person, case

grace_user, grace = directed("grace", "Banda", "Grace", "MA1234567", GRACE)
amina_user, amina = directed("amina", "Phiri", "Amina", "MA7654321", AMINA)
with transaction.atomic(durable=True):
    case_bond_paid(bond=bond_locked(amina.bond.number), actor="payment provider",
                   from_unapplied=False, payment="e2e-amina")
case_refuse(reference=amina.reference, explanation="new information", actor=consul)
refund_account_record(obligor=amina_user, holder_name="Amina Phiri", country="MWI",
                      account_number="1002345678", bic="NBMAMWMW", actor=amina_user)
escrow_account_record(currency="USD", holder_name="US Department of State Visa Bond Escrow",
                      country="US", account_number="4000123456", routing_number="021000021",
                      actor="e2e setup")
_, secret = webhook_secret_add(label="provider", actor="e2e setup")
now = clock.now()
body = json.dumps({"type": "payment.succeeded", "timestamp": now.isoformat(), "data": {
    "payment_id": "pay_e2e_grace", "amount": "10000.00", "currency": "USD",
    "reference": grace.bond.number, "case_reference": amina.reference,
    "paid_at": now.isoformat(), "payer": {"name": "Grace Banda", "email": "g@example.org"}}})
signed_at = clock.wall_now()  # a provider signs with the real time
headers = {"webhook-id": "msg_e2e_grace", "webhook-timestamp": str(int(signed_at.timestamp())),
           "webhook-signature": Webhook(secret).sign("msg_e2e_grace", signed_at, body)}
answer = webhook_receive(headers=headers, body=body.encode())
print(json.dumps({"case": grace.reference, "bond": grace.bond.number,
                  "payment": answer.body["payment"], "amina_bond": amina.bond.number}))
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A seeded installation on STORY_DAY with a finance officer and money waiting."""
    data_dir = tmp_path_factory.mktemp("e2e-finance")
    env = shifted(seeded_installation(data_dir), STORY_DAY)
    created = run_visabond(
        env,
        "user",
        "create",
        "finance",
        "--role",
        "finance_officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    return data_dir, env


def sign_in(page: Page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "finance")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_a_finance_officer_applies_a_quarantined_confirmation_and_a_refund_batch_is_confirmed(
    browser: Browser, installation: tuple[Path, dict[str, str]]
) -> None:
    data_dir, env = installation
    prepared = f"GRACE = {td3()!r}\nAMINA = {td3(number='MA7654321', surname='PHIRI', given_names='AMINA')!r}\n"
    made = run_visabond(env, "shell", "-c", prepared + MONEY_WAITING)
    assert made.returncode == 0, made.stderr
    story = json.loads(made.stdout.strip().splitlines()[-1])
    found: dict[str, list[str]] = {}
    with closing(serve(env, data_dir)) as server:
        base = next(server)
        officer = tab(browser)
        sign_in(officer, base)
        expect(officer).to_have_url(re.compile(r"/finance/$"))
        row = officer.locator(f"#quarantined tr[data-payment='{story['payment']}']")
        expect(row).to_contain_text("10,000.00 USD")
        found["finance: awaiting"] = serious_violations(officer)
        screenshot(officer, "40-finance-quarantine")

        row.locator("a").click()
        expect(officer.locator("#payment-disposition")).to_have_text("quarantined")
        officer.fill("#id_apply-case_reference", story["case"])
        officer.fill("#id_apply-reason", "The bank slip names Grace's case; the payer mistyped it")
        found["finance: payment"] = serious_violations(officer)
        screenshot(officer, "41-finance-apply")
        officer.click("#apply-form button[type=submit]")
        expect(officer.locator(".messages")).to_contain_text(
            f"applied: bond {story['bond']} posted."
        )
        expect(officer.locator("#payment-disposition")).to_have_text("applied")
        expect(officer.locator("#payment-bond")).to_have_text(story["bond"])
        screenshot(officer, "42-finance-applied")

        officer.click("#finance-nav a[href$='/finance/refunds/']")
        # Amina's bond is cancelled: its refund is payable, its clock running.
        payable = officer.locator(f"#refunds-payable tr[data-bond='{story['amina_bond']}']")
        expect(payable).to_contain_text("day 0 of")
        officer.click("#batch-form button[type=submit]")
        expect(officer.locator(".messages")).to_contain_text("made with 1 transfers")
        expect(officer.locator("#refunds-sent")).to_contain_text(story["amina_bond"])
        found["finance: refunds sent"] = serious_violations(officer)
        screenshot(officer, "43-finance-batch-sent")
        with officer.expect_download() as download_info:
            officer.locator("#batches a.batch-file").first.click()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pain001 = ARTIFACTS / "finance-batch.pain001.xml"
        download_info.value.save_as(pain001)

        # The bank reads our pain.001 and confirms the transfer (ACSC) in its pain.002.
        document = pain001.read_text(encoding="utf-8")
        [sent] = end_to_end_ids(document)
        pain002 = ARTIFACTS / "finance-bank-status.pain002.xml"
        pain002.write_bytes(status_report(document, {sent: "ACSC"}))
        officer.set_input_files("#id_file", str(pain002))
        officer.click("#confirmation-form button[type=submit]")
        expect(officer.locator("#outcome-paid")).to_have_text(sent)
        expect(officer.locator("#refunds-confirmed")).to_contain_text(story["amina_bond"])
        found["finance: refund confirmed"] = serious_violations(officer)
        screenshot(officer, "44-finance-refund-confirmed")

        officer.click("#finance-nav a[href$='/finance/ledger/']")
        officer.click("#verify-form button[type=submit]")
        expect(officer.locator("#ledger-verdict")).to_contain_text("The ledger held")
        expect(officer.locator("#bonds-USD tr[data-state='refunded']")).to_contain_text("1")
        screenshot(officer, "45-finance-ledger")

    verified = run_visabond(env, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert {name: v for name, v in found.items() if v} == {}
