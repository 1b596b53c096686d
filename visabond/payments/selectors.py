"""Reads of money in, for the API, the console and the command line.

Every function returns rows or plain values; none changes anything. The console's pages
call these with the signed-in user's role already checked (finance officer, cashier,
auditor), as the API does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Q, QuerySet

from visabond.casework.models import Case, ConsularPost
from visabond.casework.selectors import post_of
from visabond.core.errors import InvalidInput, NotFound
from visabond.core.references import normalise_reference
from visabond.payments import vault
from visabond.payments.matching import Disposition
from visabond.payments.models import (
    Channel,
    DeliveryState,
    Payment,
    RefusedAttempt,
    WebhookDelivery,
    WebhookSecret,
)
from visabond.payments.signatures import secret_key

logger = logging.getLogger(__name__)

AWAITING_FINANCE = (Disposition.QUARANTINED, Disposition.UNAPPLIED)


# The active secrets' rows (id, ciphertext) as this process last read them: see below.
_active_rows: list[tuple[int, str]] | None = None


def active_signing_keys(*, fresh: bool = False) -> list[tuple[int, bytes]]:
    """(secret id, HMAC key) of every secret not revoked: all may sign during a rotation.

    The rows are read once per process and kept (a confirmation is then checked without a
    query), and read again when `fresh`: the webhook asks for that when no kept secret
    verifies a message (one may have been added since) and when the secret that verified
    it turns out revoked (`webhook_services` checks that in the message's own transaction),
    so a revocation holds from its commit on, in every process.

    A secret the configured VISABOND_SECRETS_KEY cannot open (the key was changed without
    keeping the old one) verifies nothing: it is left out, and the error log names it (by
    id only), so the provider's messages are refused (401, retried later) instead of failing.
    """
    global _active_rows
    rows = _active_rows
    if fresh or rows is None:
        rows = list(
            WebhookSecret.objects.filter(revoked_at__isnull=True).values_list("pk", "ciphertext")
        )
        _active_rows = rows
    keys = []
    for pk, token in rows:
        try:
            keys.append((pk, secret_key(vault.unseal(token))))
        except vault.InvalidToken:
            logger.error("signing secret %s cannot be opened with VISABOND_SECRETS_KEY", pk)
    return keys


@dataclass(frozen=True)
class SecretListed:
    """A signing secret as `visabond payments secret list` shows it: never its value."""

    id: int
    label: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None


def webhook_secrets_listed() -> list[SecretListed]:
    """Every signing secret, oldest first; `last_used_at` is the newest message it verified."""
    rows = WebhookSecret.objects.annotate(last_used=Max("deliveries__received_at")).order_by("pk")
    return [
        SecretListed(
            id=row.pk,
            label=row.label,
            created_at=row.created_at,
            created_by=row.created_by,
            revoked_at=row.revoked_at,
            last_used_at=row.last_used,
        )
        for row in rows
    ]


def payments_awaiting_finance(*, disposition: Disposition | None = None) -> QuerySet[Payment]:
    """Payments a finance officer may decide: quarantined and unapplied (or one of the two),
    oldest first, with the bond each named."""
    wanted = [disposition.value] if disposition else [d.value for d in AWAITING_FINANCE]
    return (
        Payment.objects.filter(disposition__in=wanted)
        .select_related("bond", "post", "refund")
        .order_by("recorded_at", "pk")
    )


def disposition_awaiting(text: str) -> Disposition:
    """A disposition finance decides (`quarantined` or `unapplied`) read from a query; else
    `InvalidInput` (`disposition_unknown`, field `disposition`)."""
    for disposition in AWAITING_FINANCE:
        if text.strip().lower() == disposition.value:
            return disposition
    raise InvalidInput(
        "disposition is quarantined or unapplied",
        code="disposition_unknown",
        field="disposition",
    )


def payment_by_number(number: str) -> Payment:
    """One payment by its number (`P-...`); `NotFound` (`payment_not_found`, field `number`)."""
    payment = (
        Payment.objects.select_related("bond", "post", "refund")
        .filter(number=normalise_reference(number))
        .first()
    )
    if payment is None:
        raise NotFound(f"there is no payment {number}", code="payment_not_found", field="number")
    return payment


def payments_of_case(case: Case) -> QuerySet[Payment]:
    """The payments that named a case or its bond, or were applied to its bond."""
    bond_number = getattr(getattr(case, "bond", None), "number", None)
    references = [case.reference] + ([bond_number] if bond_number else [])
    named = Q(reference__in=references) | Q(case_reference=case.reference) | Q(bond__case=case)
    return Payment.objects.filter(named).distinct().order_by("recorded_at", "pk")


def receipts_at_post(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Payment]:
    """The receipts the cashiers of `user`'s post recorded, newest first (none without a post)."""
    post = post_of(user)
    if post is None:
        return Payment.objects.none()
    return (
        Payment.objects.filter(post=post)
        .select_related("bond", "post", "refund")
        .order_by("-recorded_at")
    )


def receipts_of_day_at_post(
    user: AbstractBaseUser | AnonymousUser, *, at: datetime
) -> tuple[ConsularPost | None, date | None, QuerySet[Payment]]:
    """The post of `user`, the post's day at the moment `at` (its own time zone: the day its
    counter keeps its book of), and the receipts its cashiers recorded that day, newest
    first; no post, no day and no receipts."""
    post = post_of(user)
    if post is None:
        return None, None, Payment.objects.none()
    zone = ZoneInfo(post.time_zone)
    day = at.astimezone(zone).date()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    receipts = (
        Payment.objects.filter(
            post=post, channel=Channel.CASHIER, recorded_at__gte=start, recorded_at__lt=end
        )
        .select_related("bond", "post", "refund")
        .order_by("-recorded_at")
    )
    return post, day, receipts


def webhook_messages_quarantined() -> QuerySet[WebhookDelivery]:
    """Signed messages that could not be read, kept for `webhook_reprocess`, oldest first."""
    return WebhookDelivery.objects.filter(state=DeliveryState.QUARANTINED).order_by("received_at")


def webhook_messages_failed() -> QuerySet[WebhookDelivery]:
    """Pending messages whose application failed, with their error, oldest first: applied
    again by `visabond payments apply`, never dropped."""
    return (
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .exclude(apply_error="")
        .order_by("pk")
    )


def attempts_refused(*, limit: int = 100) -> QuerySet[RefusedAttempt]:
    """The newest refused requests (cashier and provider), for finance and auditors."""
    return RefusedAttempt.objects.order_by("-occurred_at", "-pk")[:limit]
