"""The obligor's refund in the portal: the account recorded through the refunds part (checked,
refusals beside their field in English and French), and the bond-status page telling where
the refund stands: awaiting the account, sent, sent back by the bank with its reason and a way
to mend the account, sent again, confirmed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from tests.casework_world import World, directed_case, person, today_is, world
from tests.pages import signed_in
from tests.refunds_world import cancelled_bond, end_to_end_ids, escrow_usd, status_report
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond
from visabond.refunds.confirmation_services import refund_confirmation_import
from visabond.refunds.models import RefundAccount
from visabond.refunds.services import refund_batch_create

pytestmark = pytest.mark.usefixtures("pilot")

# A Malawian account: Malawi has no IBAN, so an account number and the bank's BIC.
MALAWI = {
    "holder_name": "Grace Banda",
    "country": "MW",
    "iban": "",
    "account_number": "1002345678",
    "bic": "NBMAMWMW",
    "routing_number": "",
}


def page_of(client: Client, bond: Bond, suffix: str = "", *, prefix: str = "") -> str:
    response = client.get(f"{prefix}/portal/cases/{bond.case.reference}/{suffix}")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def record(client: Client, bond: Bond, *, prefix: str = "", **changes: str) -> tuple[int, str]:
    response = client.post(
        f"{prefix}/portal/cases/{bond.case.reference}/refund-account/", {**MALAWI, **changes}
    )
    return response.status_code, html.unescape(response.content.decode())


def field_block(text: str, name: str) -> str:
    start = text.index(f'id="field-{name}"')
    return text[start : text.index("</div>", start)]


def section(text: str, name: str) -> str:
    start = text.index(f'id="{name}"')
    return text[start : text.index("</section>", start)]


def refused_bond(people: World) -> Bond:
    """A bond paid, then cancelled by a refusal: its refund is due, no account given yet."""
    return cancelled_bond(people, with_account=False)


def test_the_obligor_records_the_refund_account_and_it_is_kept_checked() -> None:
    people = world()
    bond = refused_bond(people)
    client = signed_in(people.applicant)
    status, _ = record(client, bond, account_number="1002 3456 78", bic="nbmamwmw")
    assert status == 302
    account = RefundAccount.objects.get(obligor=people.applicant)
    assert (account.account_number, account.bic, account.country, account.iban) == (
        "1002345678",
        "NBMAMWMW",
        "MW",
        "",
    )
    entry = AuditEvent.objects.get(action="refund.account_recorded")
    assert entry.details["after"]["account_number"] == "1002345678"
    text = page_of(client, bond, "refund-account/")
    assert "1002345678" in section(text, "current-account")
    assert 'value="Grace Banda"' in text  # the form starts from the account kept


@pytest.mark.parametrize(
    ("changes", "field", "english", "french"),
    [
        (
            {"country": "GB", "account_number": "", "bic": "", "iban": "GB82WEST12345698765433"},
            "iban",
            "its check digits do not match (ISO 13616)",
            "ses chiffres de contrôle ne correspondent pas (ISO 13616)",
        ),
        (
            {"bic": ""},
            "bic",
            "An account number needs its bank",
            "Un numéro de compte ne suffit pas",
        ),
        (
            {"bic": "DEUTDEFF"},
            "bic",
            "This BIC is of a bank in another country",
            "Ce BIC est celui d'une banque d'un autre pays",
        ),
        (
            {"iban": "GB82WEST12345698765432"},
            "account_number",
            "either an IBAN or an account number, not both",
            "soit un IBAN, soit un numéro de compte, pas les deux",
        ),
        (
            {"country": "US", "bic": "", "routing_number": "021000022"},
            "routing_number",
            "This is not an ABA routing number",
            "Ce n'est pas un numéro de routage ABA",
        ),
    ],
)
def test_an_account_that_fails_its_checks_is_refused_beside_its_field_in_english_and_french(
    changes: dict[str, str], field: str, english: str, french: str
) -> None:
    people = world()
    bond = refused_bond(people)
    client = signed_in(people.applicant)
    status, text = record(client, bond, **changes)
    assert status == 422
    assert english in field_block(text, field)
    status, text = record(client, bond, prefix="/fr", **changes)
    assert status == 422
    assert french in field_block(text, field)
    assert not RefundAccount.objects.exists()


def test_a_refund_account_is_refused_on_a_bond_no_refund_can_be_due_on() -> None:
    people = world()
    case = directed_case(people)
    status, _ = record(signed_in(people.applicant), case.bond)
    assert status == 409
    assert not RefundAccount.objects.exists()


def test_the_bond_status_page_asks_for_the_account_the_refund_waits_for() -> None:
    people = world()
    bond = refused_bond(people)
    text = page_of(signed_in(people.applicant), bond)
    refund = section(text, "refund")
    assert 'data-state="awaiting_account"' in refund
    assert "10,000.00 USD" in refund
    assert 'id="mend-account-link"' in refund


def test_the_bond_status_page_follows_the_refund_sent_back_mended_sent_again_and_confirmed() -> (
    None
):
    people = world()
    bond = refused_bond(people)
    client = signed_in(people.applicant)
    assert record(client, bond)[0] == 302
    escrow_usd()
    first = refund_batch_create(actor="visabond refunds batch").batch
    assert first is not None
    text = page_of(client, bond)
    assert 'data-state="sent"' in section(text, "refund")
    assert 'data-milestone="refund_sent"' in text
    assert "1002345678" in section(text, "refund-transfers")

    (sent,) = end_to_end_ids(first.document)
    refund_confirmation_import(
        content=status_report(first.document, {sent: ("RJCT", "AC04")}), name="a", actor="bank"
    )
    text = page_of(client, bond)
    refund = section(text, "refund")
    assert 'data-state="due"' in refund
    assert "Your bank sent the last transfer back" in refund
    assert "AC04 — closed account number" in refund
    assert 'id="mend-account-link"' in refund
    assert '<li class="to-come" data-milestone="refund_sent">' in text
    french = section(page_of(client, bond, prefix="/fr"), "refund")
    assert "AC04 — numéro de compte clôturé" in french

    assert record(client, bond, account_number="2003456789")[0] == 302
    second = refund_batch_create(actor="visabond refunds batch").batch
    assert second is not None
    (again,) = end_to_end_ids(second.document)
    assert "2003456789" in second.document
    with today_is(dt.datetime(2025, 9, 20, 9, 0, tzinfo=dt.UTC)):
        refund_confirmation_import(
            content=status_report(second.document, {again: "ACSC"}), name="b", actor="bank"
        )
        text = page_of(client, bond)
    refund = section(text, "refund")
    assert 'data-state="paid"' in refund
    assert [row.split("<td>")[2].split("<")[0] for row in refund.split("<tr ")[1:]] == [
        "1002345678",
        "2003456789",
    ]
    assert 'id="mend-account-link"' not in refund
    assert '<li class="done" data-milestone="refund_confirmed">' in text
    assert "Refund confirmed on 2025-09-20." in section(text, "refund-clock")


def test_another_applicant_cannot_record_an_account_on_a_bond_not_theirs() -> None:
    people = world()
    bond = refused_bond(people)
    stranger = signed_in(person("intruder", Role.APPLICANT))
    status, _ = record(stranger, bond)
    assert status == 404
    assert not RefundAccount.objects.exists()
