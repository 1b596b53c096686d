"""Storing what the border reports: the steps every way in (API, manifests) composes.

The step `report_store` runs inside its caller's transaction (docs/writes.md). It keeps a report
once under its sender and the sender's record id: the same facts again change nothing
(`created=False`); other facts under that id raise `Conflict` (`record_differs`) naming the
first field that differs, before anything is written. A stored departure, status decision
or renewal is placed (`placement.placed`): matched to one admission, or left unmatched or
ambiguous, and put before a border officer (`ReviewItem`) when a bond may be at stake. An
admission or a renewal recorded later places the records that were waiting for it.

What the sweep reads of an admission is kept on its row and recomputed here from what is
linked to it (`admission_refresh`): the deciding departure (`evidence.deciding`), the
admit-until date as extended, and the first change of status reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from visabond.border import placement
from visabond.border.evidence import Evidence, EvidenceKind, deciding
from visabond.border.matching import DocumentKey, Match, MatchOutcome
from visabond.border.models import (
    Admission,
    Departure,
    DocumentRenewal,
    MatchState,
    PaxlstManifest,
    PlacedRecord,
    RefusedAdmission,
    ReviewItem,
    StatusDecision,
    TravellerRecord,
)
from visabond.border.records import (
    AdmissionReport,
    DepartureReport,
    RecordKind,
    RefusalReport,
    Report,
    StatusKind,
    StatusReport,
    Traveller,
    differing_field,
    port_day,
    port_state,
)
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.writes import within_caller_transaction

MATCHING = "visabond matching"


@dataclass(frozen=True)
class Stored:
    """A report as stored: its row, whether this call created it, and where it was placed."""

    kind: RecordKind
    record: TravellerRecord
    created: bool

    @property
    def match(self) -> str:
        """matched / unmatched / ambiguous ... for placed records; for an admission or a
        refusal, `bond` when a bond was found for it and `no_bond` otherwise."""
        if isinstance(self.record, Admission | RefusedAdmission):
            return "bond" if self.record.bond_id else "no_bond"
        return str(getattr(self.record, "match", ""))

    def to_json(self) -> dict[str, object]:
        review = (
            ReviewItem.objects.filter(**{_review_field(self.kind): self.record}).first()
            if self.kind in REVIEWED
            else None
        )
        admission = getattr(self.record, "admission", None)
        bond = getattr(self.record, "bond", None) or getattr(admission, "bond", None)
        return {
            "kind": self.kind.value,
            "id": self.record.pk,
            "sender": self.record.sender,
            "sender_record_id": self.record.sender_record_id,
            "created": self.created,
            "match": self.match,
            "admission": (
                self.record.pk
                if isinstance(self.record, Admission)
                else getattr(admission, "pk", None)
            ),
            "bond": None if bond is None else bond.number,
            "review": None if review is None else review.pk,
        }


def report_store(
    kind: RecordKind,
    report: Report,
    *,
    sender: str,
    record_id: str,
    actor: str,
    manifest: PaxlstManifest | None = None,
) -> Stored:
    """Store `report` of `kind` from `sender` under its `record_id` (see the module).

    A step: runs inside the caller's transaction. Raises `InvalidInput` for an empty or
    over-long sender or record id, `Conflict` (`record_differs`) for the same id with other
    facts, naming the field.
    """
    with within_caller_transaction("report_store"):
        sender, record_id = record_identity(sender, record_id)
        model = MODELS[kind]
        existing = _existing(model, report, sender=sender, record_id=record_id)
        if existing is not None:
            return Stored(kind, existing, created=False)
        try:
            with transaction.atomic():
                row = _create(
                    report, sender=sender, record_id=record_id, actor=actor, manifest=manifest
                )
        except IntegrityError:
            # Sent twice at once: the other call stored it first; judge this one against it.
            existing = _existing(model, report, sender=sender, record_id=record_id)
            if existing is None:  # pragma: no cover - another constraint broke
                raise
            return Stored(kind, existing, created=False)
        _after_create(row)
        return Stored(kind, row, created=True)


def admission_refresh(admission: Admission) -> None:
    """Recompute what the sweep reads of `admission` from the records linked to it.

    A step: runs inside the caller's transaction. The deciding departure is the highest
    ranked that counts (`evidence.deciding`, the first recorded of equals); the admit-until
    date is the one the latest extension granted (the admission's own without one); the
    status change is the first reported.
    """
    with within_caller_transaction("admission_refresh"):
        departures = [
            _Placed(EvidenceKind(d.evidence), accepted=d.accepted, departure_id=d.pk)
            for d in admission.departures.order_by("pk")
        ]
        best = deciding(departures)
        decisions = admission.status_decisions.order_by("decided_on", "pk")
        extension = decisions.filter(kind=StatusKind.EXTENSION).last()
        change = decisions.exclude(kind=StatusKind.EXTENSION).first()
        admission.deciding_departure_id = None if best is None else best.departure_id
        admission.authorized_until = (
            extension.admit_until
            if extension is not None and extension.admit_until is not None
            else admission.admit_until
        )
        admission.status_change = "" if change is None else change.kind
        admission.save(update_fields=["deciding_departure", "authorized_until", "status_change"])


def record_place(record: PlacedRecord, match: Match) -> None:
    """Link a departure, status decision or renewal to the admission `match` names, or mark
    it unmatched or ambiguous and open a review when a bond may be at stake.

    A step: runs inside the caller's transaction.
    """
    with within_caller_transaction("record_place"):
        if match.outcome is MatchOutcome.MATCHED:
            assert match.admission_id is not None
            admission = Admission.objects.select_related("visa").get(pk=match.admission_id)
            _link(record, admission, on=match.on, state=MatchState.MATCHED)
            return
        record.match = match.outcome.value
        record.save(update_fields=["match"])
        if placement.bond_at_stake(traveller_of(record)):
            ReviewItem.objects.get_or_create(
                **{_review_field(kind_of(record)): record},
                defaults={
                    "kind": kind_of(record).value,
                    "reason": match.outcome.value,
                    "candidates": list(match.candidates),
                },
            )


def record_link(
    record: PlacedRecord, admission: Admission, *, state: MatchState, on: str = ""
) -> None:
    """Link `record` to `admission` (a person's choice: `state` RESOLVED) and refresh it.

    A step: runs inside the caller's transaction.
    """
    with within_caller_transaction("record_link"):
        _link(record, admission, on=on, state=state)


def traveller_of(record: TravellerRecord) -> Traveller:
    """The traveller a stored record names, as `records.traveller` built it."""
    document = None
    if record.document_number and record.birth_date is not None:
        document = DocumentKey(
            record.document_number, record.document_issuing_state, record.birth_date
        )
    return Traveller(
        document=document, nationality=record.nationality, visa_number=record.visa_number
    )


def kind_of(record: TravellerRecord) -> RecordKind:
    return next(kind for kind, model in MODELS.items() if isinstance(record, model))


def moment_of(record: PlacedRecord) -> dt.datetime:
    """When a placed record happened, for matching: a departure's moment; a decision's or a
    renewal's day, taken as its last moment in UTC (made on that day, so after an
    admission that day)."""
    if isinstance(record, Departure):
        return record.departed_at
    day = record.decided_on if isinstance(record, StatusDecision) else record.renewed_on  # type: ignore[attr-defined]
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def place_of(record: PlacedRecord) -> Match:
    """The matcher's answer for a stored departure, status decision or renewal."""
    if isinstance(record, Departure):
        other = record.evidence == EvidenceKind.OTHER_STATE_ENTRY
        return placement.placed(
            traveller_of(record), state=record.state, at=record.departed_at, other_state=other
        )
    return placement.placed(traveller_of(record), state=None, at=moment_of(record))


MODELS: dict[RecordKind, type[TravellerRecord]] = {
    RecordKind.ADMISSION: Admission,
    RecordKind.REFUSED_ADMISSION: RefusedAdmission,
    RecordKind.DEPARTURE: Departure,
    RecordKind.STATUS_DECISION: StatusDecision,
    RecordKind.DOCUMENT_RENEWAL: DocumentRenewal,
}


REVIEWED = {
    RecordKind.DEPARTURE: "departure",
    RecordKind.STATUS_DECISION: "status_decision",
    RecordKind.DOCUMENT_RENEWAL: "renewal",
}


def _review_field(kind: RecordKind) -> str:
    return REVIEWED[kind]


def record_identity(sender: str, record_id: str) -> tuple[str, str]:
    """The sender and record id a report is kept under, stripped. Raises `InvalidInput`
    for an empty one or one over 100 characters, naming it."""
    sender, record_id = sender.strip(), record_id.strip()
    for name, value in (("sender", sender), ("sender_record_id", record_id)):
        if not value:
            raise InvalidInput(f"{name} is required", code="required", field=name)
        if len(value) > 100:
            raise InvalidInput(f"{name} has at most 100 characters", code="too_long", field=name)
    return sender, record_id


def _existing(
    model: type[TravellerRecord], report: Report, *, sender: str, record_id: str
) -> TravellerRecord | None:
    row = model._default_manager.filter(sender=sender, sender_record_id=record_id).first()
    if row is None:
        return None
    record_unchanged(row, report, sender=sender, record_id=record_id)
    return row


def record_unchanged(row: TravellerRecord, report: Report, *, sender: str, record_id: str) -> None:
    """Check that `report`, sent again under `record_id`, states what `row` keeps.

    Raises `Conflict` (`record_differs`) naming the first field that differs: a record is
    never changed.
    """
    stored = {name: getattr(row, name) for name in report.fields()}
    field = differing_field(stored, report)
    if field is not None:
        raise Conflict(
            f"record {record_id} from {sender} was received on "
            f"{row.received_at:%Y-%m-%d %H:%M} UTC with another {field}: a record is never "
            "changed; send a new record",
            code="record_differs",
            field=field,
        )


def _create(
    report: Report, *, sender: str, record_id: str, actor: str, manifest: PaxlstManifest | None
) -> TravellerRecord:
    common = {
        **report.traveller.fields(),
        "sender": sender,
        "sender_record_id": record_id,
        "received_by": actor,
    }
    if isinstance(report, AdmissionReport):
        visa = placement.visa_of(report.traveller, on=report.admitted_on)
        return Admission.objects.create(
            **common,
            port=report.port,
            state=port_state(report.port),
            admitted_at=report.admitted_at,
            admitted_on=report.admitted_on,
            admit_until=report.admit_until,
            authorized_until=report.admit_until,
            visa_class=report.visa_class,
            visa=visa,
            bond_id=placement.bond_id_of(visa),
            entry_port_designated=placement.port_designated(report.port, visa),
        )
    if isinstance(report, RefusalReport):
        visa = placement.visa_of(report.traveller, on=port_day(report.refused_at, report.port))
        return RefusedAdmission.objects.create(
            **common,
            port=report.port,
            state=port_state(report.port),
            refused_at=report.refused_at,
            reason=report.reason,
            visa=visa,
            bond_id=placement.bond_id_of(visa),
        )
    if isinstance(report, DepartureReport):
        return Departure.objects.create(
            **common,
            port=report.port,
            state=port_state(report.port),
            departed_at=report.departed_at,
            departed_on=report.departed_on,
            evidence=report.evidence.value,
            rank=report.evidence.rank,
            # A traveller's own upload counts only once an officer accepted it.
            accepted=report.evidence is not EvidenceKind.TRAVELLER_UPLOAD,
            match=MatchState.UNMATCHED,
            manifest=manifest,
        )
    if isinstance(report, StatusReport):
        return StatusDecision.objects.create(
            **common,
            kind=report.kind.value,
            decided_on=report.decided_on,
            admit_until=report.admit_until,
            match=MatchState.UNMATCHED,
        )
    return DocumentRenewal.objects.create(
        **common,
        new_document_number=report.new_document.number,
        new_document_issuing_state=report.new_document.issuing_state,
        renewed_on=report.renewed_on,
        match=MatchState.UNMATCHED,
    )


def _after_create(row: TravellerRecord) -> None:
    if isinstance(row, RefusedAdmission):
        return
    if isinstance(row, Admission):
        _place_waiting(row)
        return
    assert isinstance(row, PlacedRecord)
    record_place(row, place_of(row))


def _link(record: PlacedRecord, admission: Admission, *, on: str, state: MatchState) -> None:
    record.admission = admission  # type: ignore[attr-defined]
    record.match = state.value
    fields = ["admission", "match"]
    if isinstance(record, Departure):
        record.matched_on = on
        # Another state's entry stamp names no exit port of the admitting state.
        record.port_designated = record.evidence == EvidenceKind.OTHER_STATE_ENTRY or (
            placement.port_designated(record.port, admission.visa)
        )
        fields += ["matched_on", "port_designated"]
    record.save(update_fields=fields)
    admission_refresh(admission)
    if isinstance(record, DocumentRenewal):
        # Records on the new document that found no admission may now.
        _place_waiting(admission)


def _place_waiting(admission: Admission) -> None:
    """Place again the records about this traveller that found no admission before: they
    may have arrived first (feeds are not ordered), or named a document renewed since."""
    keys = Q()
    for document in placement.documents_of(admission):
        keys |= Q(
            document_number=document.number,
            document_issuing_state=document.issuing_state,
            birth_date=document.birth_date,
        )
    if admission.visa_number:
        keys |= Q(visa_number=admission.visa_number)
    if not keys:
        return
    waiting = Q(keys, admission__isnull=True, match=MatchState.UNMATCHED)
    records: list[PlacedRecord] = [
        *Departure.objects.filter(waiting, departed_at__gte=admission.admitted_at),
        *StatusDecision.objects.filter(waiting, decided_on__gte=admission.admitted_on),
        *DocumentRenewal.objects.filter(waiting, renewed_on__gte=admission.admitted_on),
    ]
    for record in sorted(records, key=moment_of):
        match = place_of(record)
        if match.outcome is not MatchOutcome.MATCHED:
            continue
        record_place(record, match)
        ReviewItem.objects.filter(
            **{_review_field(kind_of(record)): record}, state=ReviewItem.State.OPEN
        ).update(
            state=ReviewItem.State.RESOLVED,
            admission_id=match.admission_id,
            resolved_at=clock.now(),
            resolved_by_name=MATCHING,
            note="matched once the admission or renewal it concerns was recorded",
        )


@dataclass(frozen=True, slots=True)
class _Placed(Evidence):
    departure_id: int = 0
