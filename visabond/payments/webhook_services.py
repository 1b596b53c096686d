"""The payment provider's signed confirmations: checked, remembered by id, turned into payments.

Entry points open their own durable transactions (docs/writes.md), `entry_point_transaction`,
so their audit entries are chained at commit and confirmations do not wait on one another
for the audit trail's head. The provider follows the
Standard Webhooks specification (`signatures.py`), so a provider library implementing it can
call `POST /api/v1/payments/webhook`:

- unsigned, badly signed or stale (more than five minutes off) messages are answered 401
  and kept as a `RefusedAttempt` by their digest, never by their content;
- a signed message is remembered under its `webhook-id` with our answer: a redelivery gets
  the same answer and changes nothing; the same id with another body is refused (409) and
  recorded;
- a signed message that cannot be read is kept whole (quarantined) for
  `webhook_reprocess`, never dropped, and answered 422 naming the field;
- a readable one becomes a payment (`receipts.payment_receive`): applied, unapplied or
  quarantined for finance, posted to the ledger in the same transaction.

Concurrency: a bond named by a payment is row-locked before it is matched, so two payments
for one bond are matched one after the other (the second finds it posted, and is
quarantined). The same message delivered at once by many clients: the first to commit is
remembered; the others meet the unique `webhook_id` (PostgreSQL makes them wait for the
first), run again, and answer what the first answered. SQLite serialises writers at
`BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import Subquery

from visabond.audit.actors import Actor
from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, VisabondError
from visabond.core.writes import entry_point_transaction
from visabond.payments.models import (
    Channel,
    DeliveryState,
    Payment,
    WebhookDelivery,
    WebhookSecret,
)
from visabond.payments.receipts import Recorded, bond_named_locked, payment_receive
from visabond.payments.refusals import attempt_keep
from visabond.payments.schemas import confirmation_read
from visabond.payments.selectors import active_signing_keys
from visabond.payments.signatures import (
    SignatureRefused,
    SignedHeaders,
    headers_read,
    signature_verify,
)

PROVIDER: Actor = "payment provider"


@dataclass(frozen=True)
class Answer:
    """What the webhook endpoint answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any]


def webhook_receive(*, headers: Mapping[str, str], body: bytes, remote_addr: str = "") -> Answer:
    """Check, remember and process one message from the payment provider.

    An entry point. `headers` are the request's (names case-insensitive), `body` the exact
    bytes signed. Returns the answer to send: 200 with the payment recorded; 401 for an
    unsigned, badly signed or stale message; 409 for a webhook id seen with another body, or
    a payment id seen with other facts; 422 for a signed body that cannot be read (kept for
    `webhook_reprocess`). A redelivered id gets its first answer again, changing nothing.
    """
    digest = hashlib.sha256(body).hexdigest()
    try:
        signed = headers_read(headers)
        secret_id = _signer(signed, body)
    except SignatureRefused as refused:
        return _unproven(refused, headers, digest, len(body), remote_addr)
    for attempt in range(2):
        try:
            try:
                with entry_point_transaction():
                    active, known = _known(signed.webhook_id, secret_id)
                    if not active:
                        # Revoked since this process read the secrets: another may have signed.
                        secret_id = _signer(signed, body, fresh=True)
                    if known is not None:
                        return _redelivered(known, digest)
                    return _process(signed, body, digest, secret_id)
            except SignatureRefused as refused:
                return _unproven(refused, headers, digest, len(body), remote_addr)
            except VisabondError as refused:
                # Refused before anything was written; kept now, in a transaction of its own.
                with entry_point_transaction():
                    known = WebhookDelivery.objects.filter(webhook_id=signed.webhook_id).first()
                    if known is None:
                        _remember(
                            signed,
                            body,
                            digest,
                            secret_id,
                            state=DeliveryState.REFUSED,
                            answer=Answer(refused.http_status, refused.as_dict()),
                        )
                    attempt_keep(
                        channel=Channel.PROVIDER,
                        error=refused,
                        actor=PROVIDER,
                        webhook_id=signed.webhook_id,
                        body_sha256=digest,
                        body_size=len(body),
                        remote_addr=remote_addr,
                    )
                return Answer(refused.http_status, refused.as_dict())
        except IntegrityError:
            # Another delivery of this id (or this payment id) committed first: read it now.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _signer(signed: SignedHeaders, body: bytes, *, fresh: bool = False) -> int:
    """The id of the active secret that signed the message; `SignatureRefused` otherwise.

    The active secrets are kept per process (`active_signing_keys`): read again (`fresh`)
    when none of them verifies the message (a secret added since), and when the one that did
    turns out revoked in the message's transaction (`_known`).
    """
    now = clock.now()
    try:
        return signature_verify(signed, body, active_signing_keys(fresh=fresh), now=now)
    except SignatureRefused as refused:
        if fresh or refused.code != "webhook_signature_invalid":
            raise
        return signature_verify(signed, body, active_signing_keys(fresh=True), now=now)


def _unproven(
    refused: SignatureRefused, headers: Mapping[str, str], digest: str, size: int, remote_addr: str
) -> Answer:
    claimed = {k.lower(): v for k, v in headers.items()}.get("webhook-id", "")
    with entry_point_transaction():
        attempt_keep(
            channel=Channel.PROVIDER,
            error=refused,
            webhook_id=claimed,
            body_sha256=digest,
            body_size=size,
            remote_addr=remote_addr,
        )
    return Answer(refused.http_status, refused.as_dict())


def _known(webhook_id: str, secret_id: int) -> tuple[bool, WebhookDelivery | None]:
    """Whether the secret is still active, and the delivery of this webhook id if one was
    remembered: one query for a new message (the common case), two for a redelivery."""
    found = (
        WebhookSecret.objects.filter(pk=secret_id, revoked_at__isnull=True)
        .annotate(
            delivery=Subquery(
                WebhookDelivery.objects.filter(webhook_id=webhook_id).values("pk")[:1]
            )
        )
        .values_list("delivery", flat=True)
    )
    rows = list(found)
    if not rows:
        return False, None
    return True, None if rows[0] is None else WebhookDelivery.objects.get(pk=rows[0])


def webhook_reprocess(*, webhook_id: str, actor: Actor) -> Answer:
    """Read a kept (quarantined) message again and, if it reads now, record its payment.

    An entry point (`visabond payments reprocess`), for a message our reader could not read
    when it came (a reader fixed since). Still unreadable: it stays quarantined, answered
    422 naming the field. Its first answer to the provider is kept unchanged. Raises
    `NotFound` (`webhook_not_found`) and `Conflict` (`webhook_state`) for a message that is
    not quarantined.
    """
    with entry_point_transaction():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .filter(webhook_id=webhook_id)
            .first()
        )
        if delivery is None:
            raise NotFound(
                f"there is no message {webhook_id}", code="webhook_not_found", field="webhook_id"
            )
        if delivery.state != DeliveryState.QUARANTINED:
            raise Conflict(
                f"message {webhook_id} is {delivery.state}: only a quarantined one is read again",
                code="webhook_state",
                field="webhook_id",
            )
        delivery.reprocessed_at = clock.now()
        try:
            received = confirmation_read(bytes(delivery.body))
        except InvalidInput as still:
            delivery.save(update_fields=["reprocessed_at"])
            audit_record(
                AuditAction.WEBHOOK_REPROCESSED,
                subject=delivery,
                actor=actor,
                details={"webhook_id": webhook_id, "outcome": "unreadable", **still.as_dict()},
            )
            return Answer(still.http_status, still.as_dict())
        recorded = payment_receive(
            received, bond=bond_named_locked(received.reference), actor=actor
        )
        delivery.state = DeliveryState.PROCESSED
        delivery.payment = recorded.payment
        delivery.save(update_fields=["state", "reprocessed_at", "payment"])
        answer = _answer(recorded)
        audit_record(
            AuditAction.WEBHOOK_REPROCESSED,
            subject=delivery,
            actor=actor,
            details={"webhook_id": webhook_id, "outcome": "processed", **answer.body},
        )
    return answer


def _process(signed: SignedHeaders, body: bytes, digest: str, secret_id: int) -> Answer:
    try:
        received = confirmation_read(body)
    except InvalidInput as unreadable:
        answer = Answer(unreadable.http_status, {**unreadable.as_dict(), "kept": True})
        delivery = _remember(
            signed, body, digest, secret_id, state=DeliveryState.QUARANTINED, answer=answer
        )
        audit_record(
            AuditAction.WEBHOOK_QUARANTINED,
            subject=delivery,
            actor=PROVIDER,
            details={"webhook_id": signed.webhook_id, "sha256": digest, **unreadable.as_dict()},
        )
        return answer
    recorded = payment_receive(received, bond=bond_named_locked(received.reference), actor=PROVIDER)
    answer = _answer(recorded)
    _remember(
        signed,
        body,
        digest,
        secret_id,
        state=DeliveryState.PROCESSED,
        answer=answer,
        payment=recorded.payment,
    )
    return answer


def _redelivered(known: WebhookDelivery, digest: str) -> Answer:
    if known.body_sha256 != digest:
        raise Conflict(
            f"webhook id {known.webhook_id} was delivered before with another body: "
            "one id is one message",
            code="webhook_id_reused",
            field="webhook-id",
        )
    return Answer(known.answer_status, known.answer)


def _remember(
    signed: SignedHeaders,
    body: bytes,
    digest: str,
    secret_id: int,
    *,
    state: DeliveryState,
    answer: Answer,
    payment: Payment | None = None,
) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        webhook_id=signed.webhook_id,
        signed_at=signed.moment,
        body=body,
        body_sha256=digest,
        secret_id=secret_id,
        state=state,
        answer_status=answer.status,
        answer=answer.body,
        payment=payment,
    )


def _answer(recorded: Recorded) -> Answer:
    payment = recorded.payment
    return Answer(
        200,
        {
            "payment": payment.number,
            "disposition": payment.disposition,
            "reason": payment.reason,
            "bond": None if payment.bond is None else payment.bond.number,
        },
    )
