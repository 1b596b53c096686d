"""The cashier's counter: a receipt recorded by case reference or bond number, once per
receipt number; anything else refused beside the field, in the page's language, changing
nothing; the day's receipts of the post only."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.casework_world import (
    World,
    directed_case,
    ledger_holds,
    officer_at,
    person,
    td3,
    today_is,
    world,
)
from tests.finance.conftest import cashier_at
from tests.pages import signed_in
from tests.web.test_console_french import assert_french
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.casework.models import Case
from visabond.casework.rules import CaseState
from visabond.ledger.models import LedgerTransaction
from visabond.payments.models import Payment

pytestmark = pytest.mark.usefixtures("pilot")


def receipt(case: Case, **change: str) -> dict[str, str]:
    return {
        "case_reference": case.reference,
        "amount": "10000.00",
        "currency": "USD",
        "receipt_number": "LLW-0001",
        "payer_name": "Grace Banda",
    } | change


def money_state() -> tuple[int, int]:
    return Payment.objects.count(), LedgerTransaction.objects.count()


def test_a_cashier_records_a_receipt_by_bond_number_and_it_posts_the_bond() -> None:
    case = directed_case(world())
    client = signed_in(cashier_at("lilongwe"))
    response = client.post("/cashier/", receipt(case, case_reference=case.bond.number))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.BOND_POSTED
    payment = Payment.objects.get()
    assert (payment.case_reference, payment.bond, payment.external_id) == (
        case.reference,
        case.bond,
        "LLW-0001",
    )
    assert AuditEvent.objects.filter(action="payment.received").count() == 1
    page = client.get("/cashier/").content.decode()
    assert f"Receipt LLW-0001 recorded as payment {payment.number}" in page
    assert 'data-receipt="LLW-0001"' in page
    assert ledger_holds()


def test_the_same_receipt_again_is_recorded_once() -> None:
    case = directed_case(world())
    client = signed_in(cashier_at("lilongwe"))
    client.post("/cashier/", receipt(case))
    before = money_state()
    again = client.post("/cashier/", receipt(case), follow=True)
    assert again.status_code == 200
    assert "was recorded before" in again.content.decode()
    assert money_state() == before


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_receipt_number_used_with_another_amount_is_refused_beside_it_changing_nothing(
    language: str,
) -> None:
    people = world()
    first = directed_case(people)
    second = directed_case(
        people, passport_mrz=td3(number="MA7654321"), passport_number="MA7654321"
    )
    client = signed_in(cashier_at("lilongwe"))
    client.post("/cashier/", receipt(first))
    before = money_state()
    prefix = "/fr" if language == "fr" else ""
    refused = client.post(f"{prefix}/cashier/", receipt(second, amount="5000"))
    assert refused.status_code == 409
    form = refused.context["form"]
    assert form.has_error("receipt_number", "receipt_number_reused")
    assert money_state() == before
    second.refresh_from_db()
    assert second.state == CaseState.BOND_DIRECTED
    html = refused.content.decode()
    if language == "fr":
        assert_french(html)
        assert "numéro de reçu" in html
    else:
        assert "one receipt number is one payment" in html


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"amount": "ten thousand"}, "amount", 422),
        ({"amount": "9000.00"}, "amount", 422),
        ({"currency": "EUR"}, "currency", 422),
        ({"case_reference": "C-0000-0000"}, "case_reference", 404),
        ({"receipt_number": " "}, "receipt_number", 422),
    ],
)
def test_a_receipt_that_breaks_a_rule_is_refused_beside_its_field(
    change: dict[str, str], field: str, status: int
) -> None:
    case = directed_case(world())
    client = signed_in(cashier_at("lilongwe"))
    before = money_state()
    refused = client.post("/fr/cashier/", receipt(case, **change))
    assert refused.status_code == status
    assert refused.context["form"].has_error(field)
    assert_french(refused.content.decode())
    assert money_state() == before


def test_a_cashier_sees_the_days_receipts_of_their_post_only() -> None:
    people = world()
    ours = directed_case(people)
    theirs = directed_case(
        World(applicant=people.applicant, officer=officer_at("lusaka")),
        post="lusaka",
        passport_mrz=td3(nationality="ZMB", number="ZN0000001"),
        passport_number="ZN0000001",
    )
    lilongwe = signed_in(cashier_at("lilongwe"))
    lilongwe.post("/cashier/", receipt(ours))
    signed_in(cashier_at("lusaka")).post("/cashier/", receipt(theirs, receipt_number="LUN-1"))
    page = lilongwe.get("/cashier/").content.decode()
    assert 'data-receipt="LLW-0001"' in page
    assert "LUN-1" not in page
    # The next day at the post (Lilongwe is UTC+2), yesterday's receipt is in the books only.
    with today_is(dt.datetime(2025, 9, 1, 22, 30, tzinfo=dt.UTC)):
        assert "LLW-0001" not in lilongwe.get("/cashier/").content.decode()


def test_only_a_cashier_reaches_the_counter() -> None:
    assert signed_in(person("fiona", Role.FINANCE_OFFICER)).get("/cashier/").status_code == 403
