"""The payment provider's signed confirmations: checked, kept in the inbox by id, applied.

Entry points open their own durable transactions (docs/writes.md), `entry_point_transaction`,
so their audit entries are chained at commit and confirmations do not wait on one another
for the audit trail's head. The provider follows the
Standard Webhooks specification (`signatures.py`), so a provider library implementing it can
call `POST /api/v1/payments/webhook`, and, as the specification recommends, it is answered
fast and the message processed after it is stored:

- unsigned, badly signed or stale (more than five minutes off) messages are answered 401
  and kept as a `RefusedAttempt` by their digest, never by their content;
- a signed message is kept under its `webhook-id` (one insert) and committed: a
  redelivery gets the answer of what it became and changes nothing; the same id with
  another body is refused (409) and recorded;
- a signed message that cannot be read is kept whole (quarantined) for
  `webhook_reprocess`, never dropped, and answered 422 naming the field;
- a readable one waits in the inbox (`pending`; on PostgreSQL kept in one statement) and
  is applied in a batch (`inbox_services`): it becomes a payment (`receipts.py`: applied,
  unapplied or quarantined for finance, posted to the ledger). With the follow-mode
  applier that `visabond serve` runs (`settings.PAYMENTS_INBOX_FOLLOWED`), the request
  applies the inbox itself only when the applier's turn is free, and otherwise answers
  202 "accepted" at once; without one, it applies beside any other applier. The answer is
  200 with the payment when the message was applied by the time it is sent (by this
  request, or by another whose batch claimed it first: this one waits for that batch's
  commit), 202 "accepted" when it is kept but not applied yet (the applier at work, a
  backlog larger than a batch, or its application failed and awaits `visabond payments
  apply`).

Concurrency: the same message delivered at once by many clients: the first to commit its
inbox row keeps it; the others meet the unique `webhook_id` (PostgreSQL makes them wait for
the first), run again, find it, and answer what it became once applied. Two appliers never
claim one message (`FOR UPDATE SKIP LOCKED`); the bonds a batch names are row-locked before
they are matched, so two payments for one bond are matched one after the other (the second
finds it posted, and is quarantined). SQLite serialises writers at `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Subquery

from visabond.audit.actors import Actor
from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, VisabondError
from visabond.core.writes import entry_point_transaction
from visabond.payments.answers import Answer, answer_accepted, answer_applied
from visabond.payments.inbox_services import APPLIER_LOCK, PROVIDER, webhook_inbox_apply
from visabond.payments.models import (
    Channel,
    DeliveryState,
    Payment,
    WebhookDelivery,
    WebhookSecret,
)
from visabond.payments.receipts import bond_named_locked, payment_receive
from visabond.payments.refusals import attempt_keep
from visabond.payments.schemas import confirmation_read
from visabond.payments.selectors import active_signing_keys
from visabond.payments.signatures import (
    SignatureRefused,
    SignedHeaders,
    headers_read,
    signature_verify,
)

# How long a request waits for the batch of another that claimed its message (PostgreSQL).
WAIT_FOR_BATCH = "10s"
APPLY_ROUNDS = 2

logger = logging.getLogger(__name__)

__all__ = ["PROVIDER", "Answer", "webhook_receive", "webhook_reprocess"]


def webhook_receive(*, headers: Mapping[str, str], body: bytes, remote_addr: str = "") -> Answer:
    """Check and keep one message from the payment provider, then apply the inbox.

    An entry point. `headers` are the request's (names case-insensitive), `body` the exact
    bytes signed. Returns the answer to send: 200 with the payment the message reported,
    once applied (`outcome` "applied"); 202 when it is kept but not applied yet (`outcome`
    "accepted"); 401 for an unsigned, badly signed or stale message; 409 for a webhook id
    seen with another body, or a payment id seen with other facts; 422 for a signed body
    that cannot be read (kept for `webhook_reprocess`). A redelivered id gets the answer of
    what its first delivery became, changing nothing.
    """
    digest = hashlib.sha256(body).hexdigest()
    try:
        signed = headers_read(headers)
        secret_id = _signer(signed, body)
    except SignatureRefused as refused:
        return _unproven(refused, headers, digest, len(body), remote_addr)
    followed = bool(getattr(settings, "PAYMENTS_INBOX_FOLLOWED", False))
    if connection.vendor == "postgresql" and _readable(body):
        kept = _kept_at_once(signed, body, digest, secret_id, remote_addr, followed=followed)
        if isinstance(kept, Answer):
            return kept  # a redelivery of a message applied: what it became
        if kept is not None:
            pk, turn_free = kept
            if followed and not turn_free:
                return answer_accepted(signed.webhook_id)  # the applier at work takes it
            return _applied(pk, signed.webhook_id, followed=followed)
    for attempt in range(2):
        try:
            try:
                with entry_point_transaction():
                    active, known = _known(signed.webhook_id, secret_id)
                    if not active:
                        # Revoked since this process read the secrets: another may have signed.
                        secret_id = _signer(signed, body, fresh=True)
                    delivered_before = known is not None
                    if known is not None:
                        _same_body(known, digest)
                    else:
                        known = _kept(signed, body, digest, secret_id, remote_addr)
                if known.state != DeliveryState.PENDING:
                    return Answer(known.answer_status, known.answer)
                return _applied(
                    known.pk, known.webhook_id, followed=followed, redelivered=delivered_before
                )
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
                            remote_addr=remote_addr,
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
            # Another delivery of this id committed first: read it now.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _kept(
    signed: SignedHeaders, body: bytes, digest: str, secret_id: int, remote_addr: str
) -> WebhookDelivery:
    """The message kept in the inbox: pending when it reads, quarantined (audited) when not."""
    try:
        confirmation_read(body)
    except InvalidInput as unreadable:
        answer = Answer(unreadable.http_status, {**unreadable.as_dict(), "kept": True})
        delivery = _remember(
            signed,
            body,
            digest,
            secret_id,
            state=DeliveryState.QUARANTINED,
            answer=answer,
            remote_addr=remote_addr,
        )
        audit_record(
            AuditAction.WEBHOOK_QUARANTINED,
            subject=delivery,
            actor=PROVIDER,
            details={"webhook_id": signed.webhook_id, "sha256": digest, **unreadable.as_dict()},
        )
        return delivery
    return _remember(
        signed,
        body,
        digest,
        secret_id,
        state=DeliveryState.PENDING,
        answer=answer_accepted(signed.webhook_id),
        remote_addr=remote_addr,
    )


def _applied(pk: int, webhook_id: str, *, followed: bool, redelivered: bool = False) -> Answer:
    """Apply the inbox, this message (row `pk`) included, and answer what it became.

    With a follow-mode applier running (`followed`: `visabond serve` starts one), the
    request only tries the applier's turn, and answers 202 at once when another applier has
    it (that applier's next batch takes the message). Without one, the request claims
    beside any other applier. A message another request's batch claimed first is waited for
    (that batch's commit, at most `WAIT_FOR_BATCH`); one still pending after that, or whose
    application failed, is answered 202: it is kept, and applied by the next batch or
    `visabond payments apply`. A redelivery of a pending message waits first: its first
    delivery is applying it.
    """
    if redelivered:
        after = _after_batch(pk)
        if after is not None and after.state != DeliveryState.PENDING:
            return Answer(after.answer_status, after.answer)
    for _ in range(APPLY_ROUNDS):
        try:
            run = webhook_inbox_apply(turn="try" if followed else "none")
        except DatabaseError:
            # Kept and committed: the next batch applies it. The provider is told so.
            logger.exception("applying the inbox failed after keeping %s", webhook_id)
            break
        if pk in run.answers:
            return run.answers[pk]
        if run.busy:
            break  # pending, and the applier at work takes it in its next batch
        after = _after_batch(pk)
        if after is None or after.apply_error:
            break
        if after.state != DeliveryState.PENDING:
            return Answer(after.answer_status, after.answer)
    return answer_accepted(webhook_id)


def _readable(body: bytes) -> bool:
    try:
        confirmation_read(body)
    except InvalidInput:
        return False
    return True


# A new, readable message signed by a secret still active, kept in one statement (the
# common case, PostgreSQL); for an id seen before with the same body and already applied,
# the same statement reads its answer (a redelivery). Nothing comes back for a secret
# revoked since this process read it, or the same id delivered at once by another client
# (PostgreSQL waits for its commit; this statement's snapshot predates it): the general
# path answers those, as it does a redelivery still pending or with another body.
KEEP = """
WITH secret AS (
    SELECT id FROM payments_webhooksecret WHERE id = %s AND revoked_at IS NULL
), kept AS (
    INSERT INTO payments_webhookdelivery
        (webhook_id, signed_at, received_at, remote_addr, body, body_sha256, secret_id,
         state, answer_status, answer)
    SELECT %s, %s, %s, %s, %s, %s, secret.id, %s, %s, %s::jsonb FROM secret
    ON CONFLICT (webhook_id) DO NOTHING
    RETURNING id, {turn} AS turn_free
)
SELECT id, turn_free, NULL, NULL, NULL FROM kept
UNION ALL
SELECT known.id, false, known.state, known.answer_status, known.answer::text
FROM payments_webhookdelivery AS known, secret
WHERE known.webhook_id = %s AND known.body_sha256 = %s AND NOT EXISTS (SELECT FROM kept)
"""
KEEP_TRYING_TURN = KEEP.format(turn="pg_try_advisory_xact_lock(%s)")
KEEP_ONLY = KEEP.format(turn="true")


def _kept_at_once(
    signed: SignedHeaders,
    body: bytes,
    digest: str,
    secret_id: int,
    remote_addr: str,
    *,
    followed: bool,
) -> tuple[int, bool] | Answer | None:
    """The new message kept pending and committed: its row id, and whether the applier's
    turn was free as it was kept (tried only with a follow-mode applier); or the answer of
    the same message applied before. None for anything else (the general path's)."""
    accepted = answer_accepted(signed.webhook_id)
    inserted: list[Any] = [
        signed.webhook_id,
        signed.moment,
        clock.now(),
        remote_addr[:64],
        body,
        digest,
        DeliveryState.PENDING.value,
        accepted.status,
        json.dumps(accepted.body),
    ]
    turn = [APPLIER_LOCK] if followed else []
    with entry_point_transaction(), connection.cursor() as cursor:
        cursor.execute(
            KEEP_TRYING_TURN if followed else KEEP_ONLY,
            [secret_id, *inserted, *turn, signed.webhook_id, digest],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, turn_free, state, status, answer = row
    if state is None:
        return int(pk), bool(turn_free)
    if state == DeliveryState.PENDING:
        return None
    return Answer(int(status), json.loads(answer))


ANSWERED = ("state", "answer_status", "answer", "apply_error", "webhook_id")


def _after_batch(pk: int) -> WebhookDelivery | None:
    """The message once no batch holds it (None when the wait ran out)."""
    try:
        with transaction.atomic(durable=True):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{WAIT_FOR_BATCH}'")
            return (
                WebhookDelivery.objects.select_for_update(of=("self",)).only(*ANSWERED).get(pk=pk)
            )
    except DatabaseError:
        return None


def _signer(signed: SignedHeaders, body: bytes, *, fresh: bool = False) -> int:
    """The id of the active secret that signed the message; `SignatureRefused` otherwise.

    The active secrets are kept per process (`active_signing_keys`): read again (`fresh`)
    when none of them verifies the message (a secret added since), and when the one that did
    turns out revoked in the message's transaction (`_known`). The timestamp is checked
    against the real time (`clock.wall_now`): a provider signs with it, even when a
    demonstration's clock lives on another day.
    """
    now = clock.wall_now()
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
        answer = answer_applied(recorded.payment)
        audit_record(
            AuditAction.WEBHOOK_REPROCESSED,
            subject=delivery,
            actor=actor,
            details={"webhook_id": webhook_id, "outcome": "processed", **answer.body},
        )
    return answer


def _same_body(known: WebhookDelivery, digest: str) -> None:
    if known.body_sha256 != digest:
        raise Conflict(
            f"webhook id {known.webhook_id} was delivered before with another body: "
            "one id is one message",
            code="webhook_id_reused",
            field="webhook-id",
        )


def _remember(
    signed: SignedHeaders,
    body: bytes,
    digest: str,
    secret_id: int,
    *,
    state: DeliveryState,
    answer: Answer,
    remote_addr: str = "",
    payment: Payment | None = None,
) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        webhook_id=signed.webhook_id,
        remote_addr=remote_addr[:64],
        signed_at=signed.moment,
        body=body,
        body_sha256=digest,
        secret_id=secret_id,
        state=state,
        answer_status=answer.status,
        answer=answer.body,
        payment=payment,
    )
