"""Appending to the audit trail: a step that runs inside the transaction of the decision."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.db import models, transaction

from visabond.audit.actors import Actor, actor_name
from visabond.audit.chain import GENESIS, entry_hash
from visabond.audit.models import AuditEvent, AuditHead
from visabond.core import clock
from visabond.core.bulk_insert import rows_insert
from visabond.core.writes import before_commit, within_caller_transaction


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
    POST_ASSIGNED = "account.post_assigned"
    POST_RECORDED = "casework.post_recorded"
    BOND_TERMS_RECORDED = "bonds.terms_recorded"
    CASE_SUBMITTED = "case.submitted"
    CASE_WALK_IN_REFUSED = "case.walk_in_refused"
    CASE_INTERVIEWED = "case.interviewed"
    CASE_DECIDED = "case.decided"
    CASE_REFUSED = "case.refused"
    CASE_LAPSED = "case.lapsed"
    CASE_CLAIM_CODE_ISSUED = "case.claim_code_issued"
    CASE_CLAIM_CODE_PRINTED = "case.claim_code_printed"
    CASE_CLAIM_CODE_REFUSED = "case.claim_code_refused"
    CASE_CLAIMED = "case.claimed"
    CASE_CLAIM_REFUSED = "case.claim_refused"
    CASE_CLAIM_THROTTLED = "case.claim_throttled"
    VISA_ISSUED = "case.visa_issued"
    BOND_DIRECTED = "bond.directed"
    BOND_EVENT = "bond.event"
    LEDGER_POSTED = "ledger.posted"
    LEDGER_REVERSED = "ledger.reversed"
    REFUND_ACCOUNT_RECORDED = "refund.account_recorded"
    ESCROW_ACCOUNT_RECORDED = "refund.escrow_account_recorded"
    REFUND_OPENED = "refund.opened"
    REFUND_PAYEE_CHANGED = "refund.payee_changed"
    REFUND_BATCH_CREATED = "refund.batch_created"
    REFUND_PAID = "refund.paid"
    REFUND_REJECTED = "refund.rejected"
    CONFIRMATION_RECEIVED = "refund.confirmation_received"
    CONFIRMATION_PROCESSED = "refund.confirmation_processed"
    CONFIRMATION_HELD = "refund.confirmation_held"
    PAYMENT_RECEIVED = "payment.received"
    PAYMENT_APPLIED = "payment.applied"
    PAYMENT_RETURNED = "payment.returned"
    PAYMENT_REFUSED = "payment.refused"
    WEBHOOK_QUARANTINED = "payment.message_quarantined"
    WEBHOOK_REPROCESSED = "payment.message_reprocessed"
    SECRET_ADDED = "payment.secret_added"  # noqa: S105 - an action's name, not a password
    SECRET_REVOKED = "payment.secret_revoked"  # noqa: S105 - an action's name, not a password
    BORDER_RECORDED = "border.recorded"
    BORDER_REVIEW_RESOLVED = "border.review_resolved"
    BORDER_CLIENT_ADDED = "border.client_added"
    BORDER_CLIENT_REVOKED = "border.client_revoked"
    BORDER_CLIENT_USED = "border.client_used"
    BORDER_CLIENT_REFUSED = "border.client_refused"
    MANIFEST_PROCESSED = "border.manifest_processed"
    MANIFEST_QUARANTINED = "border.manifest_quarantined"
    MANIFEST_PART_HELD = "border.manifest_part_held"
    MANIFEST_SERIES_ASSEMBLED = "border.manifest_series_assembled"
    SWEEP_STARTED = "border.sweep_started"
    SWEEP_CHUNK = "border.sweep_chunk"
    SWEEP_FINISHED = "border.sweep_finished"
    BOND_FLAGGED = "border.bond_flagged"
    DEPARTURE_CHECKED = "border.departure_checked"
    UPLOAD_RECEIVED = "border.upload_received"
    UPLOAD_DECIDED = "border.upload_decided"
    REMINDERS_SENT = "border.reminders_sent"
    ADJUDICATION_STEP = "adjudication.step"
    OVERSTAY_SNAPSHOT_SAVED = "stats.overstay_snapshot_saved"
    SYNTH_GENERATED = "demo.synth_generated"


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
    decision it records; raises `TransactionManagementError` outside one. What the entry says
    is taken now (the moment, the actor, the subject, a copy of `details`); it is chained
    under the head row's lock, so concurrent decisions form one chain. Inside
    `entry_point_transaction` (`visabond.core.writes`) the entry is chained with the
    transaction's others just before it commits, in the order recorded, so the head is
    locked only from then until the commit; the returned entry has its sequence and hash
    from then on. Elsewhere it is chained at once, and the head stays locked until the
    caller's transaction ends. Either way the sequence follows the order of the commits.
    """
    with within_caller_transaction("audit_record"):
        user = None if isinstance(actor, str) else actor
        event = AuditEvent(
            occurred_at=clock.now(),
            action=action.value,
            actor_name=actor_name(actor),
            actor_user_id=None if user is None else user.pk,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            details=copy.deepcopy(details) if details else {},
        )
        before_commit(_chained, event)
    return event


def audit_refusal_kept(
    action: AuditAction,
    *,
    subject: models.Model,
    actor: Actor,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Put a refusal on the trail in a transaction of its own, committed before the caller
    raises the refusal: the refusal writes nothing else, and its entry stays ("every
    decision is in the audit trail", DESIGN.md). An entry point's step, called outside any
    transaction (`atomic(durable=True)` raises `RuntimeError` inside one); the entry is as
    `audit_record` makes it."""
    with transaction.atomic(durable=True):
        return audit_record(action, subject=subject, actor=actor, details=details)


def _chained(events: Sequence[AuditEvent]) -> None:
    """Append `events`, in order, after the head: one lock, one insert, one head update."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS}
    )
    sequence, previous_hash = head.last_sequence, head.last_hash
    for event in events:
        sequence += 1
        event.sequence, event.previous_hash = sequence, previous_hash
        # Hash what the database will give back: JSON round-trips details exactly.
        event.hash = entry_hash(
            previous_hash=previous_hash, sequence=sequence, content=event.content()
        )
        previous_hash = event.hash
    rows_insert(events)
    head.last_sequence, head.last_hash = sequence, previous_hash
    head.save(update_fields=["last_sequence", "last_hash"])
