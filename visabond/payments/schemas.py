"""The JSON shapes of money in: the provider's signed confirmation, receipts, finance's decisions.

`PaymentConfirmation` is the body of `POST /api/v1/payments/webhook` (Standard Webhooks'
recommended envelope: `type`, `timestamp`, `data`). It is read only after the signature is
checked, from the exact bytes signed (`confirmation_read`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, ValidationError

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.payments.models import Channel
from visabond.payments.receipts import Received
from visabond.refunds.schemas import AccountIn, AccountOut


class PayerIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class PaymentData(Schema):
    payment_id: str = Field(
        ..., min_length=1, max_length=100, description="the provider's id: one id is one payment"
    )
    amount: str = Field(
        ...,
        description="decimal string with no more decimals than the currency has",
        examples=["10000.00"],
    )
    currency: str = Field(..., description="ISO 4217", examples=["USD"])
    reference: str = Field(
        "",
        max_length=40,
        description="what the payer named: the bond number (B-...) or the case reference (C-...)",
    )
    case_reference: str = Field(
        "", max_length=40, description="the case reference, when given beside the bond number"
    )
    paid_at: AwareDatetime = Field(..., description="when the provider received the money")
    payer: PayerIn = PayerIn(name="", email="")


class PaymentConfirmation(Schema):
    """A payment the provider received for the program."""

    type: Literal["payment.succeeded"]
    timestamp: AwareDatetime
    data: PaymentData


def confirmation_read(body: bytes) -> Received:
    """The sum a signed confirmation reports, or `InvalidInput` naming the field at fault.

    Codes: `body_unreadable` (not JSON), `invalid` (the schema: the field is the path, such
    as `data.amount`), and Money's own (`amount_precision`, `currency_unknown`...).
    """
    try:
        message = PaymentConfirmation.model_validate_json(body)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first.get("loc", ()))
        if first.get("type") == "json_invalid":
            raise InvalidInput(
                f"the body is not JSON: {first.get('msg', '')}", code="body_unreadable"
            ) from None
        raise InvalidInput(
            f"{location or 'body'}: {first.get('msg', 'invalid')}",
            code="invalid",
            field=location or None,
        ) from None
    data = message.data
    paid = Money.of(data.amount, data.currency, field="data.amount", currency_field="data.currency")
    if not paid.is_positive():
        raise InvalidInput(
            "a payment moves a positive amount", code="amount_not_positive", field="data.amount"
        )
    texts = {
        "data.payment_id": data.payment_id.strip(),
        "data.payer.name": data.payer.name.strip(),
        "data.payer.email": data.payer.email.strip(),
        "data.reference": data.reference.strip(),
        "data.case_reference": data.case_reference.strip(),
    }
    for field, text in texts.items():
        if "\x00" in text:  # PostgreSQL's text cannot hold it: the message could never apply
            raise InvalidInput(f"{field} holds a NUL character", code="invalid", field=field)
    if not texts["data.payment_id"]:
        raise InvalidInput(
            "data.payment_id is blank: the provider's id of the payment is required",
            code="invalid",
            field="data.payment_id",
        )
    return Received(
        channel=Channel.PROVIDER,
        external_id=texts["data.payment_id"],
        paid=paid,
        payer_name=texts["data.payer.name"],
        payer_email=texts["data.payer.email"],
        reference=texts["data.reference"],
        case_reference=texts["data.case_reference"],
        received_at=_paid_at(data.paid_at),
    )


# A payment's moment, as the provider reports it: within what a payment of this program can
# carry (a moment at the ends of the calendar cannot even be converted to UTC).
EARLIEST_PAYMENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST_PAYMENT = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)


def _paid_at(moment: dt.datetime) -> dt.datetime:
    try:
        utc = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST_PAYMENT <= utc <= LATEST_PAYMENT:
        raise InvalidInput(
            f"data.paid_at {moment.isoformat()} is not a moment between "
            f"{EARLIEST_PAYMENT.date()} and {LATEST_PAYMENT.date()} (UTC)",
            code="invalid",
            field="data.paid_at",
        )
    return utc


def inline_json_schema(model: type[Schema]) -> dict[str, Any]:
    """A model's JSON schema with its nested definitions inlined, for an OpenAPI request body
    that the view reads itself (the signature is checked on the raw bytes first)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return resolved(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolved(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolved(item) for item in node]
        return node

    inlined: dict[str, Any] = resolved(schema)
    return inlined


class WebhookAnswer(Schema):
    """200: the message was applied (by this request's batch, or by the batch it waited for)."""

    outcome: Literal["applied"] = Field(
        ..., description="applied: the message became the payment below"
    )
    payment: str = Field(..., description="our number of the payment recorded")
    disposition: str = Field(..., description="applied, unapplied or quarantined")
    reason: str
    bond: str | None = Field(None, description="the bond the payment named or posted")


class WebhookAccepted(Schema):
    """202: the message is kept in the inbox (committed) and will be applied by the next
    batch: the server's inbox applier was in the middle of one (under load, the usual
    answer), a backlog larger than one batch, or its application failed and awaits
    `visabond payments apply`. Success for the provider: nothing to send again; a
    redelivery of the same webhook-id is answered with what it became."""

    outcome: Literal["accepted"] = Field(..., description="accepted for application")
    webhook_id: str
    message: str


class ReceiptIn(Schema):
    receipt_number: str = Field(..., max_length=100)
    amount: str = Field(..., description="decimal string", examples=["10000.00"])
    currency: str = Field(..., examples=["USD"])
    case_reference: str = Field(..., max_length=40)
    payer_name: str = Field(..., max_length=200)


class PaymentOut(Schema):
    number: str
    channel: str
    external_id: str
    post: str | None
    amount: str
    currency: str
    payer_name: str
    reference: str
    case_reference: str
    bond: str | None
    received_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    disposition: str
    reason: str
    decided_at: dt.datetime | None
    decision_reason: str
    refund: str | None = Field(None, description="the refund paying a returned payment back")


class ReceiptOut(PaymentOut):
    created: bool = Field(..., description="false when the same receipt was recorded before")


class ApplyIn(Schema):
    case_reference: str = Field(..., max_length=40)
    reason: str = Field(..., max_length=2000)


class ReturnIn(AccountIn):
    """A return to the payer: why, and the payer's account the refund is paid to."""

    reason: str = Field(..., max_length=2000)
    exception: bool = Field(
        False,
        description="return money paid without a direction: an exception to the program's rule",
    )


class PaymentReturnOut(Schema):
    payment: str
    refund: str = Field(..., description="the refund that pays it back (R-...)")
    refund_state: str = Field(..., description="due, sent (in a batch) or paid (bank confirmed)")
    amount: str
    currency: str
    payee: AccountOut
    reason: str
    exception: bool
    decided_at: dt.datetime
    decided_by: str
