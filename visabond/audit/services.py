"""Appending to the audit trail. Call inside the transaction of the decision it records."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models, transaction

from visabond.audit.chain import GENESIS, ChainLink, entry_hash
from visabond.audit.models import AuditEvent, AuditHead
from visabond.core import clock


class AuditAction(StrEnum):
    RULE_DESIGNATED = "rule.designated"
    RULE_AMENDED = "rule.amended"
    RULE_WITHDRAWN = "rule.withdrawn"
    PROGRAM_REGISTERED = "program.registered"
    DIRECTIVE_ADOPTED = "reciprocity.directive_adopted"
    MIRROR_PROPOSED = "reciprocity.mirror_proposed"
    MIRROR_APPLIED = "reciprocity.mirror_applied"
    MIRROR_APPROVED = "reciprocity.mirror_approved"
    MIRROR_REJECTED = "reciprocity.mirror_rejected"
    MIRROR_ACKNOWLEDGED = "reciprocity.mirror_acknowledged"
    USER_ROLE_GRANTED = "account.role_granted"
    OVERSTAY_SNAPSHOT_SAVED = "stats.overstay_snapshot_saved"


def audit_record(
    action: AuditAction,
    *,
    subject: models.Model,
    actor_name: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS}
        )
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=clock.now(),
            action=action.value,
            actor_name=actor_name,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            details=details or {},
            previous_hash=head.last_hash,
        )
        # Hash what the database will give back: JSON round-trips details exactly.
        event.hash = entry_hash(
            previous_hash=event.previous_hash, sequence=event.sequence, content=event.content()
        )
        event.save()
        head.last_sequence, head.last_hash = event.sequence, event.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


def audit_links() -> list[ChainLink]:
    return [
        ChainLink(e.sequence, e.content(), e.previous_hash, e.hash)
        for e in AuditEvent.objects.order_by("sequence").iterator()
    ]
