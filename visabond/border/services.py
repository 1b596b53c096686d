"""Entry points of the border's records: one report, or a sender's batch of them.

Each opens its own durable transaction (docs/writes.md) and stores through
`intake.report_store`, which keeps a report once under its sender's record id and places it.
Every record stored is an audit entry naming where it was placed (its admission, its bond,
or the review it waits in); a machine client's every batch is an audit entry too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.border import placement, selectors
from visabond.border.client_services import border_client_use_record
from visabond.border.intake import Stored, report_store
from visabond.border.models import BorderClient
from visabond.border.records import (
    AdmissionReport,
    DepartureReport,
    RecordKind,
    RefusalReport,
    RenewalReport,
    Report,
    StatusReport,
)
from visabond.casework.models import Visa
from visabond.core.errors import VisabondError


def admission_record(
    report: AdmissionReport,
    *,
    sender: str,
    record_id: str,
    actor: Actor,
    acknowledged: Mapping[str, str] | None = None,
) -> Stored:
    """Record an admission at a port of entry (the I-94 record), linked to the traveller's
    visa and bond when they are ours; records that arrived before it are placed again.

    An entry point. Idempotent on (`sender`, `record_id`); raises `Conflict`
    (`record_differs`, naming the field) for the same id with other facts. A new admission
    on a visa this system issued is checked against its conditions (`admissions.py`):
    `InvalidInput` for a visa of another state's program, outside its validity or a stay
    beyond the longest; `Conflict` for a visa whose entries are used or a stay still open,
    naming that admission. Nothing is written then. `acknowledged` is what the officer
    checked and accepted at the port, by rule code, with why (the border console's port not
    designated, a visa zone differing from the visa on file): kept in the audit entry.
    """
    with transaction.atomic(durable=True):
        return _recorded(
            RecordKind.ADMISSION, report, sender, record_id, actor, acknowledged=acknowledged
        )


def admission_refusal_record(
    report: RefusalReport, *, sender: str, record_id: str, actor: Actor
) -> Stored:
    """Record a refused admission at the port of entry (the bond is then returned: the
    program's terms on travel.state.gov). An entry point, idempotent like `admission_record`."""
    with transaction.atomic(durable=True):
        return _recorded(RecordKind.REFUSED_ADMISSION, report, sender, record_id, actor)


def departure_record(
    report: DepartureReport, *, sender: str, record_id: str, actor: Actor
) -> Stored:
    """Record a departure and match it to the traveller's admission (`matching.py`); without
    one, or with several, it waits for a border officer when a bond may be at stake.

    An entry point, idempotent like `admission_record`.
    """
    with transaction.atomic(durable=True):
        return _recorded(RecordKind.DEPARTURE, report, sender, record_id, actor)


def status_decision_record(
    report: StatusReport, *, sender: str, record_id: str, actor: Actor
) -> Stored:
    """Record an extension of stay (the new admit-until date counts from now on) or a change
    of status, asylum application or unauthorized work reported by the immigration service
    (a ground of breach for the sweep, 22 CFR 41.11(c) and the I-352 terms).

    An entry point, idempotent like `admission_record`.
    """
    with transaction.atomic(durable=True):
        return _recorded(RecordKind.STATUS_DECISION, report, sender, record_id, actor)


def document_renewal_record(
    report: RenewalReport, *, sender: str, record_id: str, actor: Actor
) -> Stored:
    """Record a passport renewed during the stay: records on the new document then match the
    admission made on the old one. An entry point, idempotent like `admission_record`."""
    with transaction.atomic(durable=True):
        return _recorded(RecordKind.DOCUMENT_RENEWAL, report, sender, record_id, actor)


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch as the interface read it: its record id and report, or the
    error that made it unreadable (kept so the answer names it by its index)."""

    record_id: str
    report: Report | None = None
    error: VisabondError | None = None


@dataclass(frozen=True)
class ItemResult:
    index: int
    stored: Stored | None = None
    error: VisabondError | None = None


def border_batch_record(
    *,
    kind: RecordKind,
    items: Sequence[BatchItem],
    sender: str,
    actor: Actor,
    client: BorderClient | None = None,
) -> list[ItemResult]:
    """Store a sender's batch of reports of one kind: each good item is stored, each bad one
    (unreadable, or the same record id with other facts) is answered with its error, and
    nothing of it is written.

    An entry point: one transaction for the batch, a savepoint per item. A machine client's
    use is recorded (`last_used_at`) and audited with the batch's counts.
    """
    results: list[ItemResult] = []
    with transaction.atomic(durable=True):
        for index, item in enumerate(items):
            if item.report is None:
                results.append(ItemResult(index, error=item.error))
                continue
            try:
                with transaction.atomic():
                    stored = _recorded(kind, item.report, sender, item.record_id, actor)
            except VisabondError as error:
                results.append(ItemResult(index, error=error))
            else:
                results.append(ItemResult(index, stored=stored))
        if client is not None:
            border_client_use_record(
                client,
                kind=kind,
                actor=actor,
                details={
                    "items": len(items),
                    "created": sum(1 for r in results if r.stored and r.stored.created),
                    "errors": sum(1 for r in results if r.error is not None),
                },
            )
    return results


def _recorded(
    kind: RecordKind,
    report: Report,
    sender: str,
    record_id: str,
    actor: Actor,
    *,
    acknowledged: Mapping[str, str] | None = None,
) -> Stored:
    if isinstance(report, AdmissionReport):
        _admission_check(report, sender=sender, record_id=record_id)
    stored = report_store(kind, report, sender=sender, record_id=record_id, actor=actor_name(actor))
    if stored.created:
        details = stored.to_json()
        if acknowledged:
            details["acknowledged"] = dict(acknowledged)
        audit_record(
            AuditAction.BORDER_RECORDED,
            subject=stored.record,
            actor=actor,
            details=details,
        )
    return stored


def _admission_check(report: AdmissionReport, *, sender: str, record_id: str) -> None:
    """Refuse a new admission its visa's conditions do not allow (`admissions.py`); the
    same record sent again is judged by `report_store` alone (unchanged, or a conflict)."""
    if selectors.admission_stored(sender=sender, record_id=record_id):
        return
    visa = placement.visa_of(report.traveller, on=report.admitted_on)
    if visa is None:
        return  # not a visa of these programs: no bond, no conditions of ours
    # The visa's row is locked so that two admissions on it at once are judged one after
    # the other (PostgreSQL); SQLite runs one writing transaction at a time.
    list(Visa.objects.select_for_update().filter(pk=visa.pk).values_list("pk", flat=True))
    document = report.traveller.document
    refusals = selectors.admission_refusals_on(
        visa,
        port=report.port,
        admitted_on=report.admitted_on,
        admit_until=report.admit_until,
        birth_date=None if document is None else document.birth_date,
    )
    if refusals:
        raise refusals[0]
