"""The finance console: quarantined money applied or returned with a reason, unapplied money
returned only as an exception, the refund batch made and downloaded, the bank's report
imported showing what it posted and what waits for a retry, the ledger checked and reported.
Every refusal is shown beside its field, in the page's language, and changes nothing."""

from __future__ import annotations

import csv
import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.casework_world import directed_case, ledger_holds, person, world
from tests.finance.conftest import provider_payment
from tests.pages import signed_in
from tests.refunds_world import GB_IBAN, cancelled_bond, end_to_end_ids, escrow_usd, status_report
from tests.web.test_console_french import assert_french
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.casework.rules import CaseState
from visabond.ledger.models import LedgerTransaction
from visabond.payments.models import Payment
from visabond.refunds.models import ConfirmationFile, Refund, RefundBatch

pytestmark = pytest.mark.usefixtures("pilot")

PAYEE = {
    "return-holder_name": "John Payer",
    "return-country": "GB",
    "return-iban": GB_IBAN,
    "return-reason": "short payment: back to the payer",
}


def moved() -> tuple[int, int, int]:
    """What a decision writes: ledger transactions, refunds, payments decided."""
    return (
        LedgerTransaction.objects.count(),
        Refund.objects.count(),
        Payment.objects.exclude(decided_at=None).count(),
    )


def test_the_home_lists_quarantined_and_unapplied_payments(finance_client: Client) -> None:
    case = directed_case(world())
    wrong = provider_payment(reference=case.bond.number, amount="9000.00")
    stray = provider_payment(reference="")
    page = finance_client.get("/finance/").content.decode()
    quarantined, unapplied = page.split('id="unapplied-title"')
    assert f'data-payment="{wrong.number}"' in quarantined
    assert f'data-payment="{stray.number}"' in unapplied


def test_finance_applies_quarantined_money_to_the_case_it_was_meant_for(
    finance_client: Client,
) -> None:
    people = world()
    meant = directed_case(people)
    payment = provider_payment(reference=meant.bond.number, case_reference="C-0000-0000")
    assert payment.disposition == "quarantined"
    page = f"/finance/payments/{payment.number}/"
    done = finance_client.post(
        page,
        {
            "action": "apply",
            "apply-case_reference": meant.reference,
            "apply-reason": "the bank slip names this case",
        },
        follow=True,
    )
    assert done.status_code == 200
    assert f"Payment {payment.number} applied: bond {meant.bond.number} posted." in (
        done.content.decode()
    )
    meant.refresh_from_db()
    assert meant.state == CaseState.BOND_POSTED
    entry = AuditEvent.objects.get(action="payment.applied")
    assert entry.details["decision_reason"] == "the bank slip names this case"
    assert ledger_holds()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_money_that_does_not_match_the_case_is_not_applied(
    finance_client: Client, language: str
) -> None:
    case = directed_case(world())
    payment = provider_payment(reference=case.bond.number, amount="9000.00")
    before = moved()
    prefix = "/fr" if language == "fr" else ""
    refused = finance_client.post(
        f"{prefix}/finance/payments/{payment.number}/",
        {"action": "apply", "apply-case_reference": case.reference, "apply-reason": "try"},
    )
    assert refused.status_code == 422
    assert refused.context["apply_form"].has_error("__all__", "amount_mismatch")
    assert moved() == before
    if language == "fr":
        assert "n'est pas celui de la caution" in assert_french(refused.content.decode())[0]


def test_a_return_to_a_mistyped_account_is_refused_beside_the_iban(
    finance_client: Client,
) -> None:
    case = directed_case(world())
    payment = provider_payment(reference=case.bond.number, amount="9000.00")
    before = moved()
    refused = finance_client.post(
        f"/fr/finance/payments/{payment.number}/",
        {"action": "return", **PAYEE, "return-iban": "GB83 WEST 1234 5698 7654 32"},
    )
    assert refused.status_code == 422
    assert refused.context["return_form"].has_error("iban", "iban_check_digits")
    assert_french(refused.content.decode())
    assert moved() == before


def test_unapplied_money_is_returned_only_as_an_exception_with_a_reason(
    finance_client: Client,
) -> None:
    stray = provider_payment(reference="")
    page = f"/finance/payments/{stray.number}/"
    before = moved()
    kept = finance_client.post(page, {"action": "return", **PAYEE})
    assert kept.status_code == 409
    assert kept.context["return_form"].has_error("exception", "unapplied_not_returned")
    assert moved() == before
    returned = finance_client.post(
        page, {"action": "return", **PAYEE, "return-exception": "on"}, follow=True
    )
    refund = Refund.objects.get(payment_reference=stray.number)
    assert f"refund {refund.number} goes with the next batch" in returned.content.decode()
    entry = AuditEvent.objects.get(action="payment.returned")
    assert (entry.details["exception"], entry.details["was"]) == (True, "unapplied")
    assert ledger_holds()


def test_an_auditor_reads_the_console_but_decides_nothing(finance: object) -> None:
    case = directed_case(world())
    payment = provider_payment(reference=case.bond.number, amount="9000.00")
    auditor = signed_in(person("audrey", Role.AUDITOR))
    page = auditor.get(f"/finance/payments/{payment.number}/")
    assert page.status_code == 200
    assert 'id="apply-form"' not in page.content.decode()
    before = moved()
    refused = auditor.post(
        f"/finance/payments/{payment.number}/",
        {"action": "apply", "apply-case_reference": case.reference, "apply-reason": "x"},
    )
    assert refused.status_code == 403
    assert auditor.post("/finance/refunds/", {"action": "batch"}).status_code == 403
    assert moved() == before


def test_a_refund_batch_is_made_downloaded_and_confirmed_by_the_banks_report(
    finance_client: Client,
) -> None:
    people = world()
    bond = cancelled_bond(people)
    escrow_usd()
    before = finance_client.get("/finance/refunds/").content.decode()
    payable = before.split('id="refunds-payable"')[1].split("</table>")[0]
    assert f'data-bond="{bond.number}"' in payable
    made = finance_client.post("/finance/refunds/", {"action": "batch"}, follow=True)
    batch = RefundBatch.objects.get()
    assert f"Batch {batch.message_id} made with 1 transfers" in made.content.decode()
    download = finance_client.get(f"/finance/refunds/batches/{batch.message_id}.xml")
    assert download["Content-Disposition"] == f'attachment; filename="{batch.message_id}.xml"'
    document = download.content.decode()
    [sent] = end_to_end_ids(document)
    page = finance_client.get("/finance/refunds/").content.decode()
    assert f'data-refund="{sent.rsplit("-", 1)[0]}"' in page.split('id="refunds-sent"')[1]

    report = SimpleUploadedFile("status.xml", status_report(document, {sent: "ACSC"}))
    confirmed = finance_client.post("/finance/refunds/", {"action": "confirm", "file": report})
    assert confirmed.status_code == 200
    html = confirmed.content.decode()
    assert f'id="outcome-paid">{sent}<' in html
    assert 'id="outcome-rejected">—<' in html
    assert f'data-refund="{sent.rsplit("-", 1)[0]}"' in html.split('id="refunds-confirmed"')[1]
    bond.refresh_from_db()
    assert bond.state == "refunded"
    assert ledger_holds()


def test_a_rejected_transfer_shows_as_failed_with_the_banks_reason(
    finance_client: Client,
) -> None:
    cancelled_bond(world())
    escrow_usd()
    finance_client.post("/finance/refunds/", {"action": "batch"})
    document = RefundBatch.objects.get().document
    [sent] = end_to_end_ids(document)
    report = SimpleUploadedFile("status.xml", status_report(document, {sent: ("RJCT", "AC04")}))
    rejected = finance_client.post("/finance/refunds/", {"action": "confirm", "file": report})
    html = rejected.content.decode()
    assert f'id="outcome-rejected">{sent}<' in html
    failed = html.split('id="refunds-failed"')[1].split("</table>")[0]
    assert "AC04" in failed
    assert ledger_holds()


def test_a_file_that_is_no_status_report_is_held_and_refused_beside_the_file(
    finance_client: Client,
) -> None:
    before = moved()
    refused = finance_client.post(
        "/fr/finance/refunds/",
        {"action": "confirm", "file": SimpleUploadedFile("x.xml", b"not xml")},
    )
    assert refused.status_code == 422
    assert refused.context["upload"].has_error("file", "pain002_unreadable")
    assert_french(refused.content.decode())
    assert moved() == before
    assert ConfirmationFile.objects.get().state == "held"
    assert 'id="held"' in refused.content.decode()


def test_the_ledger_page_verifies_on_demand_reconciles_and_reports_as_of_a_day(
    finance_client: Client,
) -> None:
    people = world()
    cancelled_bond(people)
    assert "has not been verified yet" in finance_client.get("/finance/ledger/").content.decode()
    assert finance_client.post("/finance/ledger/verify/").status_code == 302
    page = finance_client.get("/finance/ledger/")
    html = page.content.decode()
    assert "The ledger held" in html
    assert "on 2025-09-01 09:00 UTC (0\xa0minutes ago) by fiona" in html
    bonds = html.split('id="bonds-USD"')[1].split("</table>")[0]
    assert (
        '<tr data-state="cancelled"><td>cancelled: refund due</td><td>1</td><td class="amount">10,000.00 USD'
        in (bonds)
    )
    before = finance_client.get("/finance/ledger/report.csv", {"as_of": "2025-08-31"})
    assert list(csv.reader(io.StringIO(before.content.decode()))) == [
        ["account", "currency", "balance"]
    ]
    today = finance_client.get("/finance/ledger/report.csv", {"as_of": "2025-09-01"})
    rows = list(csv.reader(io.StringIO(today.content.decode())))
    assert ["refunds_payable", "USD", "10000.00"] in rows
    assert ["escrow_cash", "USD", "10000.00"] in rows
    assert finance_client.get("/finance/ledger/", {"as_of": "1 Sept"}).status_code == 400
    assert finance_client.get("/finance/ledger/report.csv", {"as_of": "x"}).status_code == 400


@pytest.mark.parametrize(
    "typed",
    [
        "2026-13-45",
        "notadate",
        "03/02/2026",
        # Forms Python's readers take but ISO's YYYY-MM-DD is not: no zero padding,
        # other scripts' digits, a sign, a line after it.
        "2026-3-2",
        "\uff12026-03-02",
        "\u0662\u0660\u0662\u0666-03-02",
        "+2026-03-02",
        "2026-03-02\n",
    ],
)
def test_a_malformed_day_on_the_ledger_page_is_said_with_its_field_and_form_not_an_empty_table(
    finance_client: Client, typed: str
) -> None:
    """A day the page cannot read shows no balances rather than a table that reads as
    "nothing posted", and the form keeps what was typed, to be corrected."""
    cancelled_bond(world())
    page = finance_client.get("/finance/ledger/", {"as_of": typed})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="report"' not in html
    assert (
        "No balances are shown: “Balances at the end of” must be a date written YYYY-MM-DD." in html
    )
    assert f"“{typed}” is not a date written YYYY-MM-DD (e.g. 2026-03-31)." in html
    assert f'name="as_of" value="{typed}"' in html
    assert 'id="report-form"' in html


def test_the_ledger_csv_of_a_malformed_day_is_refused_naming_the_parameter(
    finance_client: Client,
) -> None:
    refused = finance_client.get("/finance/ledger/report.csv", {"as_of": "2026-02-30"})
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/html")
    assert "as_of: “2026-02-30” is not a date written YYYY-MM-DD" in refused.content.decode()


def test_a_malformed_day_on_the_french_ledger_page_is_said_in_french(
    finance_client: Client,
) -> None:
    page = finance_client.get("/fr/finance/ledger/", {"as_of": "2026-13-45"})
    assert page.status_code == 400
    html = unescape(page.content.decode())
    assert "« 2026-13-45 » n'est pas une date écrite AAAA-MM-JJ" in html
    assert "Aucun solde n'est affiché" in html
