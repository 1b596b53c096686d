"""Writes of the provider's signing secrets: generate one (shown once), revoke one.

Entry points (docs/writes.md). A secret is generated here, never chosen by a person
(`signatures.secret_generate`: `whsec_` + base64 of 32 random bytes), stored encrypted
(`vault.py`), returned once to the operator who asked for it, and never logged or audited
by value. Several secrets are active at once while the provider rotates from one to the
next; a revoked secret verifies nothing from the moment its revocation commits.
"""

from __future__ import annotations

from django.db import transaction

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.payments import vault
from visabond.payments.models import WebhookSecret
from visabond.payments.signatures import secret_generate


def webhook_secret_add(*, label: str, actor: Actor) -> tuple[WebhookSecret, str]:
    """Generate a signing secret; returns its row and its value, which is never shown again.

    An entry point. `label` (at most 100 characters, required) says which provider account
    or rotation it is for. Audited without the value.
    """
    name = label.strip()
    if not name:
        raise InvalidInput("say what the secret is for", code="required", field="label")
    if len(name) > 100:
        raise InvalidInput("a label has at most 100 characters", code="too_long", field="label")
    secret = secret_generate()
    with transaction.atomic(durable=True):
        row = WebhookSecret.objects.create(
            label=name, ciphertext=vault.seal(secret), created_by=actor_name(actor)
        )
        audit_record(
            AuditAction.SECRET_ADDED,
            subject=row,
            actor=actor,
            details={"secret": row.pk, "label": name},
        )
    return row, secret


def webhook_secret_revoke(*, secret_id: int, actor: Actor) -> WebhookSecret:
    """Revoke a signing secret: messages signed with it alone are refused from now on.

    An entry point. Raises `NotFound` (`secret_not_found`) and `Conflict` (`secret_revoked`)
    for a secret revoked already.
    """
    with transaction.atomic(durable=True):
        row = WebhookSecret.objects.select_for_update().filter(pk=secret_id).first()
        if row is None:
            raise NotFound(
                f"there is no signing secret {secret_id}", code="secret_not_found", field="id"
            )
        if row.revoked_at is not None:
            raise Conflict(
                f"signing secret {secret_id} was revoked on {row.revoked_at.isoformat()}",
                code="secret_revoked",
                field="id",
            )
        row.revoked_at = clock.now()
        row.revoked_by = actor_name(actor)
        row.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            AuditAction.SECRET_REVOKED,
            subject=row,
            actor=actor,
            details={"secret": row.pk, "label": row.label},
        )
    return row
