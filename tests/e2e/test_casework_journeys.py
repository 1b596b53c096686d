"""Two applicants and their consular officers in a real browser against the running app.

The installation's clock runs on 2026-03-02 (`VISABOND_CLOCK_SHIFT_DAYS`), while the US pilot
is in force. One applicant (English; her officer reads French) goes from sign-up and
application through payment to the issued visa and its printed foil; another (French; her
officer reads English) from application to a refusal after payment, the refund account (a
refusal beside its field, in French), the refund batch and the bank's confirmation. The
payment provider is outside the system: the test confirms the payment as the provider's
confirmation would, through the step the payment entry points call.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.casework_world import td3
from tests.e2e.conftest import screenshot, serve
from tests.installation import run_visabond, seeded_installation
from tests.refunds_world import end_to_end_ids, status_report

pytestmark = pytest.mark.e2e

STORY_DAY = dt.date(2026, 3, 2)
ARRIVAL = STORY_DAY + dt.timedelta(days=30)
OFFICER_PASSWORD = "e2e-consul-password-9"
APPLICANT_PASSWORD = "plum-harbour-lantern-47"


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A seeded installation whose clock shows STORY_DAY, with an officer at Lilongwe (who
    reads French) and one at Dakar, and the server running."""
    data_dir = tmp_path_factory.mktemp("e2e-casework")
    shift = (STORY_DAY - dt.datetime.now(dt.UTC).date()).days
    env = seeded_installation(data_dir) | {"VISABOND_CLOCK_SHIFT_DAYS": str(shift)}
    for username, post, language in (
        ("consul-lilongwe", "lilongwe", "fr"),
        ("consul-dakar", "dakar", "en"),
    ):
        created = run_visabond(
            env,
            "user",
            "create",
            username,
            "--role",
            "consular_officer",
            "--language",
            language,
            "--password-stdin",
            stdin=OFFICER_PASSWORD + "\n",
        )
        assert created.returncode == 0, created.stderr
        assigned = run_visabond(env, "casework", "assign", username, "--post", post)
        assert assigned.returncode == 0, assigned.stderr
    for url in serve(env, data_dir):
        yield url, env


def tab(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def pay(env: dict[str, str], reference: str) -> None:
    """The payment provider confirms the directed amount (what the payment entry points do)."""
    code = (
        "from django.db import transaction\n"
        "from visabond.bonds.services import bond_locked\n"
        "from visabond.casework.models import Case\n"
        "from visabond.casework.services import case_bond_paid\n"
        f"case = Case.objects.get(reference={reference!r})\n"
        "with transaction.atomic(durable=True):\n"
        "    case_bond_paid(bond=bond_locked(case.bond.number), actor='payment provider',\n"
        f"                   from_unapplied=False, payment='e2e-{reference}')\n"
    )
    paid = run_visabond(env, "shell", "-c", code)
    assert paid.returncode == 0, paid.stderr


def sign_up(page: Page, base: str, username: str, language: str) -> None:
    prefix = "/fr" if language == "fr" else ""
    page.goto(base + prefix + "/accounts/sign-up/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.org")
    page.select_option("#id_preferred_language", language)
    page.fill("#id_password1", APPLICANT_PASSWORD)
    page.fill("#id_password2", APPLICANT_PASSWORD)
    page.click("#sign-up-form button[type=submit]")
    expect(page).to_have_url(re.compile(prefix + r"/portal/$"))


def fill_application(
    page: Page, *, post: str, passport: str, surname: str, given: str, birth: str, number: str
) -> None:
    page.click("#apply-link")
    page.select_option("#id_post", post)
    page.select_option("#id_visa_class", "B1/B2")
    page.fill("#id_passport_mrz", passport)
    page.fill("#id_surname", surname)
    page.fill("#id_given_names", given)
    page.fill("#id_birth_date", birth)
    page.fill("#id_passport_number", number)
    page.fill("#id_purpose", "Trade fair")
    page.fill("#id_intended_arrival", ARRIVAL.isoformat())
    page.fill("#id_intended_departure", (ARRIVAL + dt.timedelta(days=14)).isoformat())


def sign_in(page: Page, base: str, username: str, *, prefix: str = "") -> None:
    page.goto(base + prefix + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", OFFICER_PASSWORD)
    page.click("button[type=submit]")


def reference_of(page: Page) -> str:
    match = re.search(r"/portal/cases/([^/]+)/", page.url)
    assert match, page.url
    return match.group(1)


def interview_and_direct(officer: Page, base: str, reference: str, *, prefix: str) -> None:
    officer.goto(f"{base}{prefix}/console/cases/{reference}/")
    officer.fill("#id_interview-notes", "Interviewed in person")
    officer.click("#interview-form button[type=submit]")
    officer.click("#decide-link")
    officer.check("input[name=outcome][value=direct_bond]")
    officer.select_option("#id_amount", "10000.00")
    officer.select_option("#id_reason", "standard")
    officer.fill("#id_explanation", "Standard bond: ties at home established")


def pdf_lines(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def test_an_applicant_goes_from_application_through_payment_to_the_visa(
    browser: Browser, installation: tuple[str, dict[str, str]]
) -> None:
    base, env = installation
    applicant = tab(browser)
    sign_up(applicant, base, "grace", "en")
    passport = td3(surname="BANDA", given_names="GRACE", number="MA1234567")
    fill_application(
        applicant,
        post="lilongwe",
        passport=passport,
        surname="Bandah",
        given="Grace",
        birth="1990-04-02",
        number="MA1234567",
    )
    applicant.click("#apply-form button[type=submit]")
    expect(applicant.locator("#field-surname .errorlist")).to_contain_text(
        "the passport says 'BANDA'"
    )
    screenshot(applicant, "10-application-surname-differs-from-passport-en")
    applicant.fill("#id_surname", "Banda")
    applicant.click("#apply-form button[type=submit]")
    expect(applicant.locator("#case-state")).to_have_text("submitted")
    expect(applicant.locator("#next-step")).to_contain_text("Attend your interview")
    reference = reference_of(applicant)

    officer = tab(browser)
    sign_in(officer, base, "consul-lilongwe", prefix="/fr")
    expect(officer).to_have_url(re.compile(r"/fr/console/cases/$"))
    officer.fill("#id_q", "banda")
    officer.click("#case-search button[type=submit]")
    expect(officer.locator("#cases")).to_contain_text(reference)
    screenshot(officer, "11-console-cases-fr")
    interview_and_direct(officer, base, reference, prefix="/fr")
    rule = officer.locator("#rule-in-force")
    expect(rule).to_contain_text("22 CFR 41.11(c)")
    # Grouped and with the decimal mark as French writes them (a no-break space groups).
    expect(rule).to_contain_text(re.compile(r"5\s000,00 USD, 10\s000,00 USD, 15\s000,00 USD"))
    expect(rule).to_contain_text("Montants autorisés")
    screenshot(officer, "12-decision-beside-the-rule-fr")
    officer.click("#decision-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("caution demandée")
    expect(officer.locator("#decision")).to_contain_text("Standard bond: ties at home")

    applicant.reload()
    expect(applicant.locator("#next-step")).to_contain_text("Pay the bond")
    expect(applicant.locator("#next-step")).to_contain_text("days left")
    expect(applicant.locator("[data-milestone=directed]")).to_have_class("done")
    expect(applicant.locator("[data-milestone=paid]")).to_have_class("to-come")
    screenshot(applicant, "13-portal-bond-directed-en")

    pay(env, reference)
    officer.reload()
    officer.click("#issue-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("visa délivré")
    zone = officer.locator("#visa pre.mrz").inner_text().splitlines()
    assert [len(line) for line in zone] == [44, 44]
    screenshot(officer, "14-visa-issued-fr")

    officer.goto(f"{base}/fr/cases/{reference}/visa/")
    expect(officer.locator("#visa-zone")).to_contain_text(zone[1])
    screenshot(officer, "15-visa-foil-print-fr")
    pdf = officer.request.get(f"{base}/fr/cases/{reference}/visa.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    lines = pdf_lines(pdf.body())
    assert zone[0] in lines
    assert zone[1] in lines

    applicant.reload()
    expect(applicant.locator("#case-state")).to_have_text("visa issued")
    expect(applicant.locator("[data-milestone=paid]")).to_have_class("done")
    expect(applicant.locator("[data-milestone=visa_issued]")).to_have_class("done")
    expect(applicant.locator("#next-step")).to_contain_text("Travel before your visa expires")
    screenshot(applicant, "16-portal-visa-issued-en")
    notice = applicant.request.get(f"{base}/cases/{reference}/bond-notice.pdf")
    text = " ".join(pdf_lines(notice.body()))
    assert "When the bond is returned" in text
    assert "10,000.00 USD" in text


def test_an_applicant_refused_after_payment_follows_the_refund_to_its_confirmation_in_french(
    browser: Browser, installation: tuple[str, dict[str, str]]
) -> None:
    base, env = installation
    applicant = tab(browser)
    sign_up(applicant, base, "aminata", "fr")
    passport = td3(surname="DIOP", given_names="AMINATA", number="SN3000001", nationality="SEN")
    fill_application(
        applicant,
        post="dakar",
        passport=passport,
        surname="Diop",
        given="Aminata",
        birth="1990-04-02",
        number="SN3000001",
    )
    screenshot(applicant, "20-application-form-fr")
    applicant.click("#apply-form button[type=submit]")
    expect(applicant.locator("#case-state")).to_have_text("déposée")
    reference = reference_of(applicant)

    officer = tab(browser)
    sign_in(officer, base, "consul-dakar")
    expect(officer).to_have_url(re.compile(r"/console/cases/$"))
    interview_and_direct(officer, base, reference, prefix="")
    officer.click("#decision-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("bond directed")
    pay(env, reference)
    officer.reload()
    expect(officer.locator("#case-state")).to_have_text("bond posted")
    officer.fill("#id_refuse-explanation", "New information on the purpose of the trip")
    officer.click("#refuse-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("refused")
    expect(officer.locator("#bond")).to_contain_text("cancelled: refund due")
    screenshot(officer, "21-refused-after-posting-en")

    applicant.reload()
    expect(applicant.locator("#case-state")).to_have_text("refusée")
    expect(applicant.locator("#refusal")).to_contain_text("New information on the purpose")
    clock = applicant.locator("#refund-clock")
    expect(clock).to_contain_text("depuis l'annulation, sur les 30 que promet le programme")
    for done in ("directed", "paid", "refused", "cancelled"):
        expect(applicant.locator(f"[data-milestone={done}]")).to_have_class("done")
    expect(applicant.locator("[data-milestone=refund_confirmed]")).to_have_class("to-come")
    main = applicant.locator("main").inner_text()
    for english in ("Next step", "Refund clock", "to come", "Bond paid", "Your case"):
        assert english not in main
    screenshot(applicant, "22-portal-refund-due-fr")
    applicant.click("#refund-account-link")
    expect(applicant.locator("h1")).to_contain_text("Votre compte de remboursement")
    applicant.fill("#id_holder_name", "Aminata Diop")
    applicant.select_option("#id_country", "SN")
    applicant.fill("#id_account_number", "0152000048500003035")
    applicant.click("#refund-account-form button[type=submit]")
    expect(applicant.locator("#field-bic .errorlist")).to_contain_text(
        "Un numéro de compte ne suffit pas"
    )
    screenshot(applicant, "23-refund-account-bank-missing-fr")
    applicant.fill("#id_bic", "CBAOSNDA")
    applicant.click("#refund-account-form button[type=submit]")
    expect(applicant.locator("#refund")).to_contain_text("Le remboursement partira")

    # Finance sends the batch to the bank, and imports the bank's answer.
    batch_file, report_file = (
        Path(env["VISABOND_DATA_DIR"]) / "batch.xml",
        Path(env["VISABOND_DATA_DIR"]) / "status.xml",
    )
    for command in (
        ("refunds", "escrow-account", "USD", "--holder", "Visa Bond Escrow", "--country", "US",
         "--account-number", "4000123456", "--routing-number", "021000021"),
        ("refunds", "batch", "--output", str(batch_file)),
    ):  # fmt: skip
        done = run_visabond(env, *command)
        assert done.returncode == 0, done.stderr
    applicant.reload()
    expect(applicant.locator("#refund-state")).to_have_attribute("data-state", "sent")
    expect(applicant.locator("[data-milestone=refund_sent]")).to_have_class("done")
    document = batch_file.read_text(encoding="utf-8")
    report_file.write_bytes(
        status_report(document, dict.fromkeys(end_to_end_ids(document), "ACSC"))
    )
    confirmed = run_visabond(env, "refunds", "confirm", str(report_file))
    assert confirmed.returncode == 0, confirmed.stderr
    applicant.reload()
    expect(applicant.locator("#refund-state")).to_have_attribute("data-state", "paid")
    expect(applicant.locator("#refund")).to_contain_text("Votre banque a confirmé le remboursement")
    expect(applicant.locator("[data-milestone=refund_confirmed]")).to_have_class("done")
    expect(applicant.locator("#refund-clock")).to_contain_text("Remboursement confirmé le")
    screenshot(applicant, "24-portal-refund-confirmed-fr")


def test_a_walk_in_obligor_claims_the_case_with_the_code_printed_on_the_bond_notice(
    browser: Browser, installation: tuple[str, dict[str, str]]
) -> None:
    base, env = installation
    passport = td3(surname="NDIAYE", given_names="OUMAR", number="SN3000002", nationality="SEN")

    officer = tab(browser)
    sign_in(officer, base, "consul-dakar")
    # Oumar applied in person and has no account: the officer opens his case at the post.
    officer.goto(f"{base}/console/cases/")
    officer.click("#open-walk-in")
    officer.select_option("#id_visa_class", "B1/B2")
    officer.fill("#id_passport_mrz", passport)
    officer.fill("#id_surname", "Ndiaye")
    officer.fill("#id_given_names", "Oumar")
    officer.fill("#id_birth_date", "1990-04-02")
    officer.fill("#id_passport_number", "SN3000003")
    officer.fill("#id_purpose", "Trade fair")
    officer.fill("#id_intended_arrival", ARRIVAL.isoformat())
    officer.fill("#id_intended_departure", (ARRIVAL + dt.timedelta(days=14)).isoformat())
    officer.click("#walk-in-form button[type=submit]")
    expect(officer.locator("#field-passport_number .errorlist")).to_contain_text(
        "the passport says"
    )
    screenshot(officer, "29-walk-in-case-refused-beside-its-field-en")
    officer.fill("#id_passport_number", "SN3000002")
    officer.click("#walk-in-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("submitted")
    match = re.search(r"/console/cases/([^/]+)/$", officer.url)
    assert match, officer.url
    reference = match.group(1)
    interview_and_direct(officer, base, reference, prefix="")
    officer.click("#decision-form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("bond directed")
    expect(officer.locator("#claim-code-waiting")).to_be_visible()
    screenshot(officer, "30-walk-in-claim-code-waiting-en")
    officer.click("#print-claim-code")
    code = officer.locator("#claim-code").inner_text().strip()
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", code), code
    screenshot(officer, "31-bond-notice-with-claim-code-en")
    officer.reload()
    expect(officer.locator("#claim-code")).to_have_count(0)
    expect(officer.locator("#claim-code-printed")).to_be_visible()
    pay(env, reference)

    obligor = tab(browser)
    sign_up(obligor, base, "oumar", "en")
    obligor.click("#claim-link")
    obligor.fill("#id_reference", reference)
    obligor.fill("#id_claim_code", code)
    obligor.fill("#id_passport_number", "SN3000003")
    obligor.click("#claim-form button[type=submit]")
    expect(obligor.locator("#claim-errors")).to_contain_text("No case can be claimed")
    screenshot(obligor, "32-claim-refused-en")
    obligor.fill("#id_claim_code", code.lower().replace("-", " "))
    obligor.fill("#id_passport_number", "SN3000002")
    obligor.click("#claim-form button[type=submit]")
    expect(obligor.locator("#case-state")).to_have_text("bond posted")
    expect(obligor.locator("[data-milestone=paid]")).to_have_class("done")
    screenshot(obligor, "33-claimed-case-in-the-portal-en")
    obligor.goto(f"{base}/portal/cases/{reference}/refund-account/")
    obligor.fill("#id_holder_name", "Oumar Ndiaye")
    obligor.select_option("#id_country", "SN")
    obligor.fill("#id_account_number", "0152000048500003035")
    obligor.fill("#id_bic", "CBAOSNDA")
    obligor.click("#refund-account-form button[type=submit]")
    expect(obligor.locator(".messages")).to_contain_text("Refund account recorded")
    screenshot(obligor, "34-claimed-case-refund-account-en")
