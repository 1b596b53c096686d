"""Keeping a refused request: the one step both the cashier's and the provider's doors use."""

from __future__ import annotations

from typing import Any

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.core.errors import VisabondError
from visabond.core.writes import within_caller_transaction
from visabond.payments.models import Channel, RefusedAttempt

LONGEST_TEXT = 2000


def attempt_keep(
    *,
    channel: Channel,
    error: VisabondError,
    actor: Actor | None = None,
    webhook_id: str = "",
    external_id: str = "",
    body_sha256: str = "",
    body_size: int = 0,
    remote_addr: str = "",
    claimed: dict[str, Any] | None = None,
) -> RefusedAttempt:
    """Keep a refused request: what was refused, why, and what identifies it.

    A step: runs inside the caller's transaction, opened after the refused one rolled back,
    so the refusal changed nothing else. A refusal to a known party (a signed-in person, a
    signed message: `actor`) is an audit entry too; an unsigned message is not, since nobody
    vouches for it and it must not be able to lengthen the audit trail at will.
    """
    with within_caller_transaction("attempt_keep"):
        attempt = RefusedAttempt.objects.create(
            channel=channel,
            code=error.code[:40],
            field=(error.field or "")[:40],
            message=error.message[:LONGEST_TEXT],
            webhook_id=webhook_id[:200],
            external_id=external_id[:100],
            body_sha256=body_sha256,
            body_size=body_size,
            remote_addr=remote_addr[:64],
            claimed=claimed or {},
            actor_name="" if actor is None else actor_name(actor),
        )
        if actor is not None:
            audit_record(
                AuditAction.PAYMENT_REFUSED,
                subject=attempt,
                actor=actor,
                details={
                    "channel": channel.value,
                    **error.as_dict(),
                    "webhook_id": attempt.webhook_id,
                    "external_id": attempt.external_id,
                    "claimed": attempt.claimed,
                },
            )
    return attempt
