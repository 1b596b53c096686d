"""The finance pages in French show states, the batch's reasons and amounts in French words
and figures, never a stored code ("sent", "awaiting_account", "cancelled") or an amount
written the English way."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client

from tests.casework_world import person, world
from tests.refunds_world import cancelled_bond, escrow_usd
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent

# An amount the French way: a narrow or plain no-break space groups the thousands.
FRENCH_AMOUNT = re.compile(r"10\s000,00\sUSD")
RAW_STATES = re.compile(r">(due|sent|paid|rejected|awaiting_account|cancelled|active)<|: sent<")


def test_the_french_refunds_page_shows_states_reasons_and_amounts_in_french(
    finance_client: Client,
) -> None:
    people = world()
    cancelled_bond(people)
    cancelled_bond(
        type(people)(applicant=person("amina", Role.APPLICANT), officer=people.officer),
        with_account=False,
        passport="MA7654321",
    )
    escrow_usd()
    batch = finance_client.post("/fr/finance/refunds/", {"action": "batch"}, follow=True)
    html = unescape(batch.content.decode())
    assert "l'obligé n'a pas donné de compte de remboursement" in html
    assert "the obligor has not given" not in html
    assert RAW_STATES.search(html) is None, RAW_STATES.search(html)
    assert "envoyé" in html
    assert FRENCH_AMOUNT.search(html)
    assert "10000.00" not in html
    assert AuditEvent.objects.filter(action="refund.batch_created").exists()


def test_the_french_ledger_page_shows_bond_states_and_amounts_in_french(
    finance_client: Client,
) -> None:
    cancelled_bond(world())
    assert finance_client.post("/fr/finance/ledger/verify/").status_code == 302
    html = finance_client.get("/fr/finance/ledger/").content.decode()
    bonds = html.split('id="bonds-USD"')[1].split("</table>")[0]
    assert '<tr data-state="cancelled"><td>annulée' in bonds
    assert FRENCH_AMOUNT.search(bonds)
    assert ">cancelled<" not in bonds


def test_the_french_sent_heading_counts_refunds_where_the_portal_column_is_a_date(
    finance_client: Client,
) -> None:
    """ "Sent" heads the refunds the bank has ("Envoyés") and the portal's date column
    ("Envoyé le"): one English word, two French ones."""
    cancelled_bond(world())
    escrow_usd()
    html = unescape(
        finance_client.post(
            "/fr/finance/refunds/", {"action": "batch"}, follow=True
        ).content.decode()
    )
    assert '<h2 id="sent-title">Envoyés (1)</h2>' in html
    assert "Envoyé le (" not in html


def test_the_french_ledger_names_accounts_and_writes_balances_the_french_way(
    finance_client: Client,
) -> None:
    cancelled_bond(world())
    assert finance_client.post("/fr/finance/ledger/verify/").status_code == 302
    html = unescape(finance_client.get("/fr/finance/ledger/").content.decode())
    report = html.split('id="report"')[1].split("</table>")[0]
    assert re.search(
        r"<td>Fonds sous séquestre</td><td>USD</td><td class=\"amount\">10\s000,00\sUSD", report
    )
    assert "Remboursements à payer" in report
    reconciliation = html.split('id="reconciliation-USD"')[1].split("</table>")[0]
    assert "Fonds sous séquestre" in reconciliation
    assert "Dû aux obligés" in reconciliation
    for code in ("escrow_cash", "refunds_payable", "obligor_liability", "10000.00"):
        assert code not in report + reconciliation, code
    bonds = html.split('id="bonds-USD"')[1].split("</table>")[0]
    assert "refunds_payable" not in bonds
    assert "Remboursements à payer" in bonds


def test_the_english_ledger_names_accounts_in_words(finance_client: Client) -> None:
    cancelled_bond(world())
    html = unescape(finance_client.get("/finance/ledger/").content.decode())
    report = html.split('id="report"')[1].split("</table>")[0]
    assert '<td>Escrow cash</td><td>USD</td><td class="amount">10,000.00 USD' in report
    assert "escrow_cash" not in report


def test_the_french_payment_page_names_the_channel_in_french(finance_client: Client) -> None:
    from tests.casework_world import directed_case
    from tests.finance.conftest import provider_payment

    case = directed_case(world())
    payment = provider_payment(reference=case.bond.number)
    french = unescape(
        finance_client.get(f"/fr/finance/payments/{payment.number}/").content.decode()
    )
    english = unescape(finance_client.get(f"/finance/payments/{payment.number}/").content.decode())
    assert "prestataire de paiement" in french
    assert "payment provider" in english
