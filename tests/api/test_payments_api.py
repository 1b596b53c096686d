"""Money in over real HTTP against the running app: the signed webhook, cashiers' receipts and
finance's decisions; roles answered before the body is read; errors in the one shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.casework_world import PASSWORD, directed_case, person, world
from tests.http_client import Response, Session
from tests.payments.conftest import cashier_at
from tests.payments.provider import confirmation, signed
from visabond.accounts.roles import Role
from visabond.casework.models import Case
from visabond.payments.models import Payment, RefusedAttempt
from visabond.payments.secret_services import webhook_secret_add
from visabond.refunds.models import Refund

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server: Any, pilot: None) -> str:
    return str(live_server.url)


@pytest.fixture
def case(server: str) -> Case:
    case = directed_case(world())
    cashier_at("lilongwe", "cashier")
    cashier_at("lusaka", "cashier-lusaka")
    person("finance", Role.FINANCE_OFFICER)
    person("auditor", Role.AUDITOR)
    person("applicant", Role.APPLICANT)
    return case


def as_user(server: str, username: str | None) -> Session:
    session = Session(server)
    if username:
        session.login(username, PASSWORD)
    return session


def deliver(server: str, payload: dict[str, Any] | bytes, secret: str) -> Response:
    message = signed(payload, secrets=[secret])
    return Session(server).request(
        "POST", "/api/v1/payments/webhook", data=message.body, headers=message.headers
    )


def receipt_body(case: Case, **change: object) -> dict[str, object]:
    return {
        "receipt_number": "R-1",
        "amount": "10000.00",
        "currency": "USD",
        "case_reference": case.reference,
        "payer_name": "Grace Banda",
    } | change


def test_the_provider_confirms_a_payment_signed_with_its_own_library(
    server: str, case: Case
) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    response = deliver(server, confirmation(reference=case.bond.number), secret)
    assert response.status == 200, response.text
    assert response.json()["disposition"] == "applied"
    case.bond.refresh_from_db()
    assert case.bond.state == "posted"


def test_an_unsigned_message_is_401_in_the_error_shape_and_recorded(
    server: str, case: Case
) -> None:
    response = Session(server).request(
        "POST",
        "/api/v1/payments/webhook",
        data=b'{"type": "payment.succeeded"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 401
    assert response.json() == {
        "code": "webhook_header_missing",
        "field": "webhook-id",
        "message": "a signed message carries the webhook-id header",
    }
    assert RefusedAttempt.objects.get().remote_addr == "127.0.0.1"
    assert not Payment.objects.exists()


def test_the_openapi_document_describes_the_webhooks_payload(server: str) -> None:
    document = Session(server).get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/payments/webhook"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"type", "timestamp", "data"}
    data = schema["properties"]["data"]
    assert {"payment_id", "amount", "currency", "reference", "paid_at"} <= set(data["properties"])
    assert {p["name"] for p in operation["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    assert "ReceiptIn" in document["components"]["schemas"]
    answers = operation["responses"]
    assert {"200", "202"} <= set(answers)
    schemas = document["components"]["schemas"]
    accepted = answers["202"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    applied = answers["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert schemas[accepted]["properties"]["outcome"]["const"] == "accepted"
    assert schemas[applied]["properties"]["outcome"]["const"] == "applied"


# The payer's account a return is paid to: the ISO 13616 registry's example IBAN.
PAYEE = {"holder_name": "John Payer", "country": "GB", "iban": "GB82 WEST 1234 5698 7654 32"}

ROUTES = [
    ("POST", "/api/v1/payments/receipts", {"cashier": 201}),
    ("GET", "/api/v1/payments/receipts", {"cashier": 200}),
    ("GET", "/api/v1/payments/quarantine", {"finance": 200, "auditor": 200}),
    ("POST", "/api/v1/payments/P-0000-0000/apply", {"finance": 404}),
    ("POST", "/api/v1/payments/P-0000-0000/return", {"finance": 404}),
    ("GET", "/api/v1/payments/P-0000-0000", {"finance": 404, "auditor": 404}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
@pytest.mark.parametrize(
    "who", [None, "applicant", "officer-lilongwe", "auditor", "cashier", "finance"]
)
def test_every_route_answers_each_role_as_it_should(
    server: str,
    case: Case,
    method: str,
    path: str,
    allowed: dict[str, int],
    who: str | None,
) -> None:
    session = as_user(server, who)
    if method == "GET":
        status = session.get(path).status
    else:
        body = (
            receipt_body(case)
            if path.endswith("receipts")
            else {"reason": "r", "case_reference": "C-1", **PAYEE}
        )
        status = session.post_json(path, body).status
    expected = 401 if who is None else allowed.get(who, 403)
    assert status == expected


def test_the_role_is_checked_before_the_body_is_read(server: str, case: Case) -> None:
    response = as_user(server, "finance").post_json("/api/v1/payments/receipts", {"nonsense": 1})
    assert response.status == 403
    assert response.json()["code"] == "role_required"
    assert as_user(server, "cashier").post_json("/api/v1/payments/receipts", {}).status == 422


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"amount": 10000.0}, 422, "invalid", "amount"),
        ({"amount": "10000.001"}, 422, "amount_precision", "amount"),
        ({"amount": "9000.00"}, 422, "amount_mismatch", "amount"),
        ({"currency": "EUR"}, 422, "currency_mismatch", "currency"),
        ({"currency": "USX"}, 422, "currency_unknown", "currency"),
        ({"case_reference": "C-0000-0000"}, 404, "case_not_found", "case_reference"),
        ({"payer_name": ""}, 422, "required", "payer_name"),
    ],
)
def test_a_bad_receipt_names_the_field_and_the_rule_and_changes_nothing(
    server: str, case: Case, change: dict[str, object], status: int, code: str, field: str
) -> None:
    response = as_user(server, "cashier").post_json(
        "/api/v1/payments/receipts", receipt_body(case, **change)
    )
    assert response.status == status, response.text
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Payment.objects.exists()


def test_a_receipt_is_idempotent_and_its_number_reused_is_409(server: str, case: Case) -> None:
    cashier = as_user(server, "cashier")
    first = cashier.post_json("/api/v1/payments/receipts", receipt_body(case))
    assert first.status == 201
    again = cashier.post_json("/api/v1/payments/receipts", receipt_body(case))
    assert (again.status, again.json()["number"]) == (200, first.json()["number"])
    assert again.json()["created"] is False
    reused = cashier.post_json("/api/v1/payments/receipts", receipt_body(case, amount="5000.00"))
    assert (reused.status, reused.json()["code"]) == (409, "receipt_number_reused")
    listed = cashier.get("/api/v1/payments/receipts").json()
    assert [r["number"] for r in listed] == [first.json()["number"]]
    assert as_user(server, "cashier-lusaka").get("/api/v1/payments/receipts").json() == []


def test_a_receipt_without_the_csrf_token_is_refused(server: str, case: Case) -> None:
    session = as_user(server, "cashier")
    response = session.request(
        "POST",
        "/api/v1/payments/receipts",
        data=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 403
    assert not Payment.objects.exists()


def test_finance_lists_quarantined_money_and_returns_it(server: str, case: Case) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    number = deliver(
        server, confirmation(reference=case.bond.number, amount="9000.00"), secret
    ).json()["payment"]
    finance = as_user(server, "finance")
    listed = finance.get("/api/v1/payments/quarantine", disposition="quarantined").json()
    assert [(p["number"], p["disposition"]) for p in listed] == [(number, "quarantined")]
    assert finance.get("/api/v1/payments/quarantine", disposition="applied").status == 422
    applied = finance.post_json(
        f"/api/v1/payments/{number}/apply",
        {"case_reference": case.reference, "reason": "try"},
    )
    assert (applied.status, applied.json()["field"]) == (422, "amount")
    returned = finance.post_json(
        f"/api/v1/payments/{number}/return", {"reason": "short payment", **PAYEE}
    )
    assert returned.status == 201, returned.text
    body = returned.json()
    refund = Refund.objects.get()
    assert (body["amount"], body["exception"], body["refund"], body["refund_state"]) == (
        "9000.00",
        False,
        refund.number,
        "due",
    )
    assert body["payee"] == {
        "holder_name": "John Payer",
        "country": "GB",
        "account": "GB82 WEST 1234 5698 7654 32",
        "bank": "",
    }
    assert (body["decided_by"], body["reason"]) == ("finance", "short payment")
    assert finance.get("/api/v1/payments/quarantine").json() == []
    looked_up = finance.get(f"/api/v1/payments/{number.lower()}").json()
    assert (looked_up["disposition"], looked_up["refund"]) == ("returned", refund.number)
    assert as_user(server, "auditor").get(f"/api/v1/payments/{number}").status == 200
    missing = finance.get("/api/v1/payments/P-0000-0000")
    assert (missing.status, missing.json()["code"]) == (404, "payment_not_found")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"iban": "GB82 WEST 1234 5698 7654 33"}, "iban_check_digits", "iban"),
        ({"country": "FR"}, "iban_country_mismatch", "iban"),
        ({"holder_name": " "}, "holder_name_missing", "holder_name"),
        ({"iban": "", "account_number": "1002345678", "country": "MW"}, "bank_missing", "bic"),
        ({"iban": "", "account_number": "1", "country": "US", "routing_number": "021000022"},
         "routing_check_digit", "routing_number"),
        ({"bic": "NBMAMWMW"}, "bic_country_mismatch", "bic"),
        ({"country": "Atlantis"}, "country_unknown", "country"),
    ],
)  # fmt: skip
def test_a_return_to_an_account_that_fails_its_checks_names_the_field_and_changes_nothing(
    server: str, case: Case, change: dict[str, str], code: str, field: str
) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    number = deliver(
        server, confirmation(reference=case.bond.number, amount="9000.00"), secret
    ).json()["payment"]
    response = as_user(server, "finance").post_json(
        f"/api/v1/payments/{number}/return", {"reason": "short payment", **PAYEE, **change}
    )
    assert response.status == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Payment.objects.get(number=number).disposition == "quarantined"
    assert not Refund.objects.exists()
