"""The review queue's one write: a border officer places a record no rule could place.

An entry point (docs/writes.md). A departure, status decision or renewal that matched no
admission, or several, waits in `ReviewItem`; the officer names the admission it concerns,
or dismisses it as concerning none here, with a note. Audited.
"""

from __future__ import annotations

from django.db import transaction

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_name, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.border.intake import moment_of, record_link
from visabond.border.models import Admission, MatchState, PlacedRecord, ReviewItem
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound


def review_resolve(
    *, item_id: int, admission_id: int | None, note: str, actor: Actor
) -> ReviewItem:
    """Resolve review `item_id`: link its record to admission `admission_id`, or dismiss it
    (`admission_id` None) as concerning no admission recorded here.

    An entry point for a border officer (`PermissionDenied` otherwise). Raises `InvalidInput`
    (`note_missing`) without a note, `NotFound` for an unknown item or admission, `Conflict`
    (`review_closed`) for an item already resolved and (`admission_after_record`) for an
    admission made after the record's moment.
    """
    require_role_of_actor(actor, Role.BORDER_OFFICER)
    why = note.strip()
    if not why:
        raise InvalidInput("say why the record belongs there", code="note_missing", field="note")
    with transaction.atomic(durable=True):
        item = ReviewItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound(
                f"there is no review item {item_id}", code="review_not_found", field="id"
            )
        if item.state != ReviewItem.State.OPEN:
            raise Conflict(
                f"review item {item_id} is {item.state} already", code="review_closed", field="id"
            )
        record: PlacedRecord = item.departure or item.status_decision or item.renewal  # type: ignore[assignment]
        if admission_id is None:
            record.match = MatchState.DISMISSED
            record.save(update_fields=["match"])
            item.state = ReviewItem.State.DISMISSED
        else:
            admission = Admission.objects.select_related("visa").filter(pk=admission_id).first()
            if admission is None:
                raise NotFound(
                    f"there is no admission {admission_id}",
                    code="admission_not_found",
                    field="admission",
                )
            if admission.admitted_at > moment_of(record):
                raise Conflict(
                    f"admission {admission_id} was made after the record it would explain",
                    code="admission_after_record",
                    field="admission",
                )
            record_link(record, admission, state=MatchState.RESOLVED, on="review")
            item.state = ReviewItem.State.RESOLVED
            item.admission = admission
        item.resolved_at = clock.now()
        item.resolved_by_id = actor_user_id(actor)
        item.resolved_by_name = actor_name(actor)
        item.note = why
        item.save()
        audit_record(
            AuditAction.BORDER_REVIEW_RESOLVED,
            subject=item,
            actor=actor,
            details={
                "review": item.pk,
                "kind": item.kind,
                "record": record.pk,
                "state": item.state,
                "admission": admission_id,
                "note": why,
            },
        )
    return item
