"""Money in over the JSON API: the provider's signed webhook, cashiers' receipts, finance.

Thin handlers over `services`, `webhook_services` and `selectors`. Roles are checked by the
authentication of each route (`RoleSession`), so a caller without the role is answered 403
before the body is read; the session routes need Django's CSRF token as the policy API does.
The webhook is authenticated by its signature alone (Standard Webhooks), read from the raw
bytes before the body is parsed, so its body schema is declared here for the OpenAPI
document rather than parsed by django-ninja.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema, Status

from visabond.accounts.api_auth import RoleSession
from visabond.accounts.roles import Role
from visabond.core.money import Money
from visabond.payments import selectors, services, webhook_services
from visabond.payments.models import Payment
from visabond.payments.schemas import (
    ApplyIn,
    PaymentConfirmation,
    PaymentOut,
    PaymentReturnOut,
    ReceiptIn,
    ReceiptOut,
    ReturnIn,
    WebhookAccepted,
    WebhookAnswer,
    inline_json_schema,
)
from visabond.policy.schemas import ErrorOut
from visabond.refunds.api import account_json
from visabond.refunds.bank_accounts import BankAccount

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


CASHIER = RoleSession(Role.CASHIER)
FINANCE = RoleSession(Role.FINANCE_OFFICER)
FINANCE_READS = RoleSession(Role.FINANCE_OFFICER, Role.AUDITOR)

router = Router(tags=["payments"])


@router.post(
    "/webhook",
    auth=None,
    response={200: WebhookAnswer, 202: WebhookAccepted, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_json_schema(PaymentConfirmation)}},
        },
        "parameters": [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        ],
    },
)
def webhook(request: HttpRequest) -> HttpResponse:
    """A payment confirmation from the provider, signed per the Standard Webhooks specification.

    `webhook-signature` is `v1,` + base64 of HMAC-SHA256(secret, `{id}.{timestamp}.{body}`);
    a message more than five minutes off, unsigned, or signed by no active secret is
    answered 401. A signed, readable message is kept in the inbox and committed before any
    answer. 200 (`outcome` "applied"): it was applied before the answer (no other batch was
    being applied, so this request applied the inbox itself), with the payment it became.
    202 (`outcome` "accepted"): it is kept but not applied yet, because the server's inbox
    applier was in the middle of a batch (under load, the usual answer) or its application
    failed and waits for a retry; it will be applied, and is not to be sent again. Both are
    success. A redelivered `webhook-id` gets the answer of what it became (202 while still
    pending); the same id with another body is refused (409). A body that cannot be read is
    kept for reprocessing and answered 422 naming the field.
    """
    answer = webhook_services.webhook_receive(
        headers=dict(request.headers),
        body=request.body,
        remote_addr=str(request.META.get("REMOTE_ADDR", "")),
    )
    return JsonResponse(answer.body, status=answer.status)


def payment_json(payment: Payment) -> dict[str, object]:
    """A payment as the API shows it (`PaymentOut`)."""
    return {
        "number": payment.number,
        "channel": payment.channel,
        "external_id": payment.external_id,
        "post": None if payment.post is None else payment.post.code,
        "amount": payment.money.as_string(),
        "currency": payment.currency,
        "payer_name": payment.payer_name,
        "reference": payment.reference,
        "case_reference": payment.case_reference,
        "bond": None if payment.bond is None else payment.bond.number,
        "received_at": payment.received_at,
        "recorded_at": payment.recorded_at,
        "recorded_by": payment.recorded_by_name,
        "disposition": payment.disposition,
        "reason": payment.reason,
        "decided_at": payment.decided_at,
        "decision_reason": payment.decision_reason,
        "refund": None if payment.refund is None else payment.refund.number,
    }


@router.post("/receipts", auth=CASHIER, response={200: ReceiptOut, 201: ReceiptOut, **ERRORS})
def receipt_record(request: HttpRequest, data: ReceiptIn) -> Status[dict[str, object]]:
    """A cashier records the money taken at their post for one of its cases (201; 200 when the
    same receipt was recorded before). Another amount or case under a receipt number already
    used is refused (409) and recorded."""
    recorded = services.receipt_record(
        receipt=services.Receipt(
            receipt_number=data.receipt_number,
            paid=Money.of(data.amount, data.currency),
            case_reference=data.case_reference,
            payer_name=data.payer_name,
        ),
        actor=request.user,  # type: ignore[arg-type]
    )
    body = {**payment_json(recorded.payment), "created": recorded.created}
    return Status(201 if recorded.created else 200, body)


@router.get("/receipts", auth=CASHIER, response={200: list[PaymentOut], **ERRORS})
def receipts_list(request: HttpRequest) -> list[dict[str, object]]:
    """The receipts recorded at the cashier's post, newest first."""
    return [payment_json(p) for p in selectors.receipts_at_post(request.user)[:200]]


@router.get("/quarantine", auth=FINANCE_READS, response={200: list[PaymentOut], **ERRORS})
def quarantine_list(
    request: HttpRequest, disposition: str | None = None
) -> list[dict[str, object]]:
    """Payments awaiting finance: quarantined (did not match their direction) and unapplied
    (no direction: kept under the program's rule), oldest first."""
    wanted = selectors.disposition_awaiting(disposition) if disposition else None
    return [payment_json(p) for p in selectors.payments_awaiting_finance(disposition=wanted)]


@router.post("/{number}/apply", auth=FINANCE, response={200: PaymentOut, **ERRORS})
def payment_apply(request: HttpRequest, number: str, data: ApplyIn) -> dict[str, object]:
    """Apply quarantined money to a case's directed bond of exactly its amount and currency."""
    payment = services.payment_apply(
        payment_number=number,
        case_reference=data.case_reference,
        reason=data.reason,
        actor=request.user,  # type: ignore[arg-type]
    )
    return payment_json(payment)


def return_json(returned: services.Returned) -> dict[str, object]:
    """A payment returned, as the API shows it (`PaymentReturnOut`)."""
    payment, refund = returned.payment, returned.refund
    return {
        "payment": payment.number,
        "refund": refund.number,
        "refund_state": refund.state,
        "amount": refund.money.as_string(),
        "currency": refund.currency,
        "payee": account_json(BankAccount.from_json(refund.payee)),
        "reason": payment.decision_reason,
        "exception": returned.exception,
        "decided_at": payment.decided_at,
        "decided_by": "" if payment.decided_by is None else payment.decided_by.get_username(),
    }


@router.post("/{number}/return", auth=FINANCE, response={201: PaymentReturnOut, **ERRORS})
def payment_return(request: HttpRequest, number: str, data: ReturnIn) -> Status[dict[str, object]]:
    """Return quarantined money to its payer's account; unapplied money only with `exception`
    and a reason (the program's rule is that it is not returned). The account is checked
    before anything changes (422 naming the field: `iban`, `bic`, `routing_number`...); the
    refund it opens is paid by the next refund batch."""
    returned = services.payment_return(
        payment_number=number,
        payee=data.checked(),
        reason=data.reason,
        exception=data.exception,
        actor=request.user,  # type: ignore[arg-type]
    )
    return Status(201, return_json(returned))


@router.get("/{number}", auth=FINANCE_READS, response={200: PaymentOut, **ERRORS})
def payment_get(request: HttpRequest, number: str) -> dict[str, object]:
    """One payment by its number (`P-...`), whatever became of it: a returned one names the
    refund that pays it back (`GET /api/v1/refunds` follows it to the bank)."""
    return payment_json(selectors.payment_by_number(number))
