"""Appending to the audit trail: a step that runs inside the transaction of the decision."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from visabond.audit.chain import GENESIS, entry_hash
from visabond.audit.models import AuditEvent, AuditHead
from visabond.core import clock
from visabond.core.writes import within_caller_transaction


class AuditAction(StrEnum):
    RULE_DESIGNATED = "rule.designated"
    RULE_AMENDED = "rule.amended"
    RULE_WITHDRAWN = "rule.withdrawn"
    RULE_CORRECTED = "rule.corrected"
    PROGRAM_REGISTERED = "program.registered"
    DIRECTIVE_ADOPTED = "reciprocity.directive_adopted"
    MIRROR_PROPOSED = "reciprocity.mirror_proposed"
    MIRROR_APPLIED = "reciprocity.mirror_applied"
    MIRROR_APPROVED = "reciprocity.mirror_approved"
    MIRROR_REJECTED = "reciprocity.mirror_rejected"
    MIRROR_ACKNOWLEDGED = "reciprocity.mirror_acknowledged"
    MIRROR_ECHO_STOPPED = "reciprocity.echo_stopped"
    USER_CREATED = "account.created"
    USER_ROLE_GRANTED = "account.role_granted"
    OVERSTAY_SNAPSHOT_SAVED = "stats.overstay_snapshot_saved"


Actor = AbstractBaseUser | str


def audit_record(
    action: AuditAction,
    *,
    subject: models.Model,
    actor: Actor,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the trail: who (`actor`: a user, or the name of a process such as
    "visabond seed"), did what (`action`) to which row (`subject`), with `details` (JSON).

    A step: runs inside the caller's transaction, so the entry commits or rolls back with the
    decision it records; raises `TransactionManagementError` outside one. The head row is
    locked while appending, so concurrent decisions form one chain.
    """
    with within_caller_transaction("audit_record"):
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS}
        )
        user = None if isinstance(actor, str) else actor
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=clock.now(),
            action=action.value,
            actor_name=actor if isinstance(actor, str) else actor.get_username(),
            actor_user_id=None if user is None else user.pk,
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
