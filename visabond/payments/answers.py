"""What the webhook endpoint answers the provider, per message.

A message applied says what its payment became (200, `outcome` "applied"); a message kept
in the inbox but not applied yet says so (202, `outcome` "accepted"): both are success to
the provider (Standard Webhooks: any 2xx), which does not send it again. Refusals are the
API's errors (`code`, `field`, `message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from visabond.payments.models import Payment


@dataclass(frozen=True)
class Answer:
    """What the webhook endpoint answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any]


def answer_applied(payment: Payment) -> Answer:
    """200: the message was applied: the number of the payment it reported (recorded now or
    before, under its payment id), its disposition and why, and the bond it named or posted."""
    return Answer(
        200,
        {
            "outcome": "applied",
            "payment": payment.number,
            "disposition": payment.disposition,
            "reason": payment.reason,
            "bond": None if payment.bond is None else payment.bond.number,
        },
    )


def answer_accepted(webhook_id: str) -> Answer:
    """202: the message is kept in the inbox and will be applied; nothing to send again."""
    return Answer(
        202,
        {
            "outcome": "accepted",
            "webhook_id": webhook_id,
            "message": "kept in the inbox; it will be applied shortly (a redelivery of this "
            "webhook-id gets what it became)",
        },
    )
