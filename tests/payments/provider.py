"""A payment provider as the tests play it: messages signed by the `standardwebhooks` library.

The signatures come from the specification's own Python library, never from our code, so
a test passing proves our check agrees with what a real provider library sends.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks import Webhook

from visabond.core import clock


def confirmation(
    *,
    reference: str,
    amount: str = "10000.00",
    currency: str = "USD",
    payment_id: str | None = None,
    case_reference: str = "",
    payer: str = "Grace Banda",
) -> dict[str, Any]:
    """The body of a `payment.succeeded` message (the schema of `PaymentConfirmation`)."""
    now = clock.now().isoformat()
    return {
        "type": "payment.succeeded",
        "timestamp": now,
        "data": {
            "payment_id": payment_id or f"pay_{uuid.uuid4().hex[:16]}",
            "amount": amount,
            "currency": currency,
            "reference": reference,
            "case_reference": case_reference,
            "paid_at": now,
            "payer": {"name": payer, "email": "grace@example.org"},
        },
    }


@dataclass
class Signed:
    """A message ready to send: its headers and the exact bytes signed."""

    headers: dict[str, str]
    body: bytes
    webhook_id: str = field(default="")


def signed(
    payload: dict[str, Any] | bytes,
    *,
    secrets: list[str],
    webhook_id: str | None = None,
    at: dt.datetime | None = None,
) -> Signed:
    """Sign `payload` with every one of `secrets` (a rotation sends several signatures)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    message_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    moment = at or clock.now()
    signatures = " ".join(
        Webhook(secret).sign(message_id, moment, body.decode()) for secret in secrets
    )
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signatures,
        "Content-Type": "application/json",
    }
    return Signed(headers=headers, body=body, webhook_id=message_id)
