"""Money in over the JSON API: the provider's signed webhook, cashiers' receipts, finance.

Thin handlers over `services`, `webhook_services` and `selectors`. Roles are checked by the
authentication of each route (`RoleSession`), so a caller without the role is answered 403
before the body is read; the session routes need Django's CSRF token as the policy API does.
The webhook is authenticated by its signature alone (Standard Webhooks), read from the raw
bytes before the body is parsed, so its body schema is declared here for the OpenAPI
document rather than parsed by django-ninja.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema, Status
from ninja.security import SessionAuth

from visabond.accounts.roles import Role, roles_of
from visabond.core.errors import PermissionDenied
from visabond.core.money import Money
from visabond.payments import selectors, services, webhook_services
from visabond.payments.models import Payment, PaymentReturn
from visabond.payments.schemas import (
    ApplyIn,
    PaymentConfirmation,
    PaymentOut,
    PaymentReturnOut,
    ReceiptIn,
    ReceiptOut,
    ReturnIn,
    WebhookAnswer,
    inline_json_schema,
)
from visabond.policy.schemas import ErrorOut

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class RoleSession(SessionAuth):
    """Django's session (with its CSRF check on writes) and one of `roles`, checked before
    the body is read: a signed-in caller without the role is answered 403."""

    def __init__(self, *roles: Role) -> None:
        super().__init__()
        self.roles = set(roles)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not roles_of(user) & self.roles:
            names = " or ".join(sorted(r.value.replace("_", " ") for r in self.roles))
            raise PermissionDenied(f"this needs the role of {names}", code="role_required")
        return user


CASHIER = RoleSession(Role.CASHIER)
FINANCE = RoleSession(Role.FINANCE_OFFICER)
FINANCE_READS = RoleSession(Role.FINANCE_OFFICER, Role.AUDITOR)

router = Router(tags=["payments"])


@router.post(
    "/webhook",
    auth=None,
    response={200: WebhookAnswer, **ERRORS},
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
    answered 401. A redelivered `webhook-id` gets its first answer again; the same id with
    another body is refused (409). A body that cannot be read is kept for reprocessing and
    answered 422 naming the field.
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


def return_json(returned: PaymentReturn) -> dict[str, object]:
    return {
        "payment": returned.payment.number,
        "amount": returned.money.as_string(),
        "currency": returned.currency,
        "payee_name": returned.payee_name,
        "reason": returned.reason,
        "exception": returned.exception,
        "requested_at": returned.requested_at,
        "requested_by": returned.requested_by_name,
    }


@router.post("/{number}/return", auth=FINANCE, response={201: PaymentReturnOut, **ERRORS})
def payment_return(request: HttpRequest, number: str, data: ReturnIn) -> Status[dict[str, object]]:
    """Return quarantined money to its payer; unapplied money only with `exception` and a
    reason (the program's rule is that it is not returned)."""
    returned = services.payment_return(
        payment_number=number,
        reason=data.reason,
        exception=data.exception,
        actor=request.user,  # type: ignore[arg-type]
    )
    return Status(201, return_json(returned))
