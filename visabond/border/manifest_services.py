"""PAXLST manifests in: kept byte for byte, read, and turned into departures and expected
arrivals; or quarantined whole, with the error, to be read again after a fix.

Entry points (docs/writes.md). A manifest is kept once, by the SHA-256 of its bytes: the
same bytes again change nothing. An interchange whose sender already delivered another one
under the same control reference (ISO 9735-1 §8: unique per sender) is kept but quarantined,
recording nothing. Reading happens in a savepoint: a manifest that cannot be processed
(unreadable, a count that proves it incomplete, a passenger's document unreadable; see
`passengers.py`) leaves no record behind, only itself, quarantined with the error.

A message sent in parts, each part its own interchange (ISO 9735-1 §8.3), is held: each
part is kept `pending` in its series (`PaxlstSeries`: keyed by the machine client, the UNB
sender, the common access reference and the flights) until the final part and every part
before it are in; then the parts' bytes, joined, are kept and processed once as one
manifest. A part received again after that changes nothing; a part whose copy differs from
one received is quarantined (`paxlst.assembly-conflicting-copies`). A series still short of
parts after its wait (`series_assemble_overdue`, default 24 hours) is assembled as it is:
its missing parts keep the whole out, quarantined for review (`paxlst.multipart-missing`).

Outbound passengers (leaving a program's state) become departures on the evidence of the
outbound manifest, stored and matched like any departure (`intake.report_store`); inbound
ones become expected arrivals. Every passenger is accounted for: recorded, other (transit,
elsewhere) or unidentified (no document to match), and the database checks the sum.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from visabond.audit.actors import Actor, actor_name
from visabond.audit.services import AuditAction, audit_record
from visabond.border import placement, selectors
from visabond.border.client_services import border_client_use_record
from visabond.border.intake import report_store
from visabond.border.manifest_reading import ManifestRead, manifest_read, series_missing
from visabond.border.manifest_store import arrivals_store, departures_store, expected_arrival
from visabond.border.models import BorderClient, PaxlstManifest, PaxlstSeries
from visabond.border.passengers import (
    DECISIVE,
    PassengerRecords,
)
from visabond.border.passengers import ExpectedArrival as ExpectedArrivalReport
from visabond.border.records import DepartureReport, RecordKind
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, VisabondError
from visabond.documents.paxlst import Manifest, PaxlstError, assemble, parse_paxlst

MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class Ingested:
    """A manifest as kept, and whether these bytes had been received before (nothing done).

    `completed` is the whole a part completed its series into, assembled and processed (or
    quarantined) with it; None for anything else, a part received again after its series
    was assembled included."""

    manifest: PaxlstManifest
    duplicate: bool
    completed: PaxlstManifest | None = None

    @property
    def quarantined(self) -> bool:
        return self.manifest.state == PaxlstManifest.State.QUARANTINED

    def to_json(self) -> dict[str, object]:
        row = self.manifest
        series = row.series if row.series_id is not None else _assembled_series(row)
        return {
            "manifest": row.pk,
            "state": row.state,
            "duplicate": self.duplicate,
            "sender": row.sender,
            "control_reference": row.control_reference,
            "flights": row.flights,
            "passengers": row.passengers,
            "recorded": row.recorded,
            "others": row.others,
            "unidentified": row.unidentified,
            "departures": row.departures,
            "arrivals": row.arrivals,
            "series": None if series is None else selectors.series_described(series),
            "error": (
                None
                if not self.quarantined
                else {
                    "code": row.error_code,
                    "field": row.error_field or None,
                    "message": row.error_message,
                }
            ),
        }


def manifest_ingest(
    *,
    raw: bytes,
    source: str,
    actor: Actor,
    client: BorderClient | None = None,
    per_passenger: bool = False,
    read: ManifestRead | None = None,
) -> Ingested:
    """Keep and process one PAXLST interchange (a file's bytes, or an API request's body).

    An entry point. Returns the manifest kept (processed or quarantined) and whether it was
    a duplicate. Raises `InvalidInput` only for no bytes at all or more than 20 MB (nothing
    to keep). A machine client's use is audited. The passengers are stored together
    (`manifest_store`); `per_passenger` stores them one by one through `intake.report_store`
    instead, the reference the set store is tested against and benchmarked beside. `read`
    is these bytes read already (`manifest_reading.read_ahead`, in another process); it is
    read again here when it was read for other program states or another day.
    """
    if not raw:
        raise InvalidInput("the manifest is empty", code="required", field="manifest")
    if len(raw) > MAX_BYTES:
        raise InvalidInput(
            f"a manifest has at most {MAX_BYTES} bytes", code="too_large", field="manifest"
        )
    digest = hashlib.sha256(raw).hexdigest()
    try:
        with transaction.atomic(durable=True):
            existing = PaxlstManifest.objects.filter(digest=digest).first()
            completed = None
            if existing is None:
                row = PaxlstManifest.objects.create(
                    digest=digest,
                    raw=raw,
                    source=source[:300],
                    received_by=actor_name(actor),
                    state=PaxlstManifest.State.QUARANTINED,
                    client=client,
                )
                completed = _process(row, actor=actor, per_passenger=per_passenger, read=read)
            ingested = Ingested(
                existing or row, duplicate=existing is not None, completed=completed
            )
            if client is not None:
                border_client_use_record(
                    client,
                    kind=RecordKind.PAXLST,
                    actor=actor,
                    details={
                        "manifest": ingested.manifest.pk,
                        "state": ingested.manifest.state,
                        "duplicate": ingested.duplicate,
                    },
                )
    except IntegrityError:
        # The same bytes delivered twice at once: the other delivery kept them first.
        kept = PaxlstManifest.objects.filter(digest=digest).first()
        if kept is None:  # pragma: no cover - another constraint broke
            raise
        return Ingested(kept, duplicate=True)
    return ingested


def manifest_reprocess(
    *, manifest_id: int, actor: Actor, accept: list[str] | None = None, reason: str = ""
) -> Ingested:
    """Read a quarantined manifest again (after a fix in the code or in the data it needs).

    An entry point. `accept` names decisive defects (e.g. `unt-count-mismatch`) an officer
    has checked and accepts for this manifest, with `reason`; both are kept and audited.
    Raises `NotFound`, `Conflict` (`manifest_processed`) for one processed already, and
    `InvalidInput` for an unknown defect or an acceptance without a reason.
    """
    accepted = sorted({code.strip() for code in accept or [] if code.strip()})
    allowed = {defect.value for defect in DECISIVE}
    unknown = [code for code in accepted if code not in allowed]
    if unknown:
        raise InvalidInput(
            f"{unknown[0]!r} is not a defect that keeps a manifest out: one of "
            + ", ".join(sorted(allowed)),
            code="defect_unknown",
            field="accept",
        )
    if accepted and not reason.strip():
        raise InvalidInput("say why the defect is accepted", code="reason_missing", field="reason")
    with transaction.atomic(durable=True):
        row = PaxlstManifest.objects.select_for_update().filter(pk=manifest_id).first()
        if row is None:
            raise NotFound(
                f"there is no manifest {manifest_id}", code="manifest_not_found", field="id"
            )
        if row.state != PaxlstManifest.State.QUARANTINED:
            raise Conflict(
                f"manifest {manifest_id} was processed already",
                code="manifest_processed",
                field="id",
            )
        if accepted:
            row.accepted_defects = sorted(set(row.accepted_defects) | set(accepted))
            row.accepted_reason = reason.strip()
        row.attempts += 1
        completed = _process(row, actor=actor)
    return Ingested(row, duplicate=False, completed=completed)


def _process(
    row: PaxlstManifest,
    *,
    actor: Actor,
    per_passenger: bool = False,
    read: ManifestRead | None = None,
) -> PaxlstManifest | None:
    """Read and record `row`, or hold it as a part; returns the whole a part completed."""
    try:
        with transaction.atomic():
            read = _read(row, read)
            if read.part is not None and not row.assembled:
                return _hold_part(row, read, actor=actor)
            _read_and_record(row, read, actor=actor, per_passenger=per_passenger)
    except Exception as error:
        # Whatever stops a manifest (bad data, or a fault of ours fixed later) keeps it
        # whole for reprocessing; nothing it would have recorded remains.
        _quarantine(row, error, actor=actor)
    return None


def _read(row: PaxlstManifest, read: ManifestRead | None) -> ManifestRead:
    states = selectors.program_states()
    today = clock.today()
    if read is None or read.states != states or read.today != today:
        read = manifest_read(bytes(row.raw), source=row.source, states=states, today=today)
    row.sender = read.sender[:35]
    row.control_reference = read.control_reference[:14]
    row.flights = read.flights[:300]
    return read


def _read_and_record(
    row: PaxlstManifest, read: ManifestRead, *, actor: Actor, per_passenger: bool
) -> None:
    _refuse_reused_reference(row)
    if not read.messages:
        raise InvalidInput(
            "the interchange holds no PAXLST message", code="paxlst.no-message", field=None
        )
    accepted = frozenset(row.accepted_defects)
    for code, text, segment_number in read.decisive:
        if code not in accepted:
            raise InvalidInput(text, code=f"paxlst.{code}", field=f"segment {segment_number}")
    # Every passenger is read before anything is written: one unreadable passenger keeps
    # the whole manifest out.
    unreadable = read.unreadable_error()
    if unreadable is not None:
        raise unreadable
    _record(row, read.passengers, actor=actor, per_passenger=per_passenger)


def _assembled_series(row: PaxlstManifest) -> PaxlstSeries | None:
    if not row.assembled:
        return None
    return PaxlstSeries.objects.filter(manifest=row).first()


def _refuse_late_part(numbers: Sequence[int], received: list[PaxlstManifest]) -> None:
    """A part its series was assembled without (a second final part, one past the final)
    would have its travellers silently left out: it is quarantined for review instead."""
    assembled_from = sorted({n for kept in received for n in kept.part_numbers})
    late = sorted(set(numbers) - set(assembled_from))
    if late:
        raise PaxlstError(
            f"part(s) {late} arrived after the series was assembled from parts "
            f"{assembled_from}; held for review, not added to the assembled manifest",
            rule="multipart-after-assembly",
            segment_number=1,
            byte_offset=0,
        )


def _series_key(row: PaxlstManifest, common_access_reference: str) -> str:
    """Who sends a series and which it is: two carriers' (or two border systems') series
    under one reference never mix."""
    client = f"client:{row.client_id}" if row.client_id is not None else ""
    return "|".join((client, row.sender, common_access_reference, row.flights))[:400]


def _hold_part(row: PaxlstManifest, read: ManifestRead, *, actor: Actor) -> PaxlstManifest | None:
    """Keep a part in its series, and assemble the series once it is complete; returns the
    whole when this part completed it.

    The series row is locked first, so of two parts arriving at once on two connections
    the second sees the first and only one assembles the series. Raises `PaxlstError` for a
    part whose copy differs from one received (the part is then quarantined)."""
    part = read.part
    assert part is not None
    key = _series_key(row, part.common_access_reference)
    PaxlstSeries.objects.bulk_create(
        [
            PaxlstSeries(
                key=key,
                sender=row.sender,
                common_access_reference=part.common_access_reference[:35],
                flights=row.flights,
                first_received_at=row.received_at,
            )
        ],
        ignore_conflicts=True,
    )
    series = PaxlstSeries.objects.select_for_update().get(key=key)
    received = list(
        series.parts.exclude(pk=row.pk)
        .exclude(state=PaxlstManifest.State.QUARANTINED)
        .order_by("received_at", "pk")
    )
    # The assembler refuses a part whose copies differ, or that names other flights.
    assemble([*_messages(received, today=read.today), *_messages([row], today=read.today)])
    assembled = series.state == PaxlstSeries.State.ASSEMBLED
    if assembled:
        _refuse_late_part(part.numbers, received)
    row.series = series
    row.part_numbers, row.final_part = list(part.numbers), part.final
    row.state = PaxlstManifest.State.ASSEMBLED if assembled else PaxlstManifest.State.PENDING
    row.error_code = row.error_field = row.error_message = ""
    row.save()
    audit_record(
        AuditAction.MANIFEST_PART_HELD,
        subject=row,
        actor=actor,
        details={
            "manifest": row.pk,
            "series": series.pk,
            "parts": row.part_numbers,
            "final": row.final_part,
            # A part received again after its series was assembled changes nothing.
            "after_assembly": assembled,
        },
    )
    parts = [*received, row]
    if not assembled and series_missing((p.part_numbers, p.final_part) for p in parts) == []:
        return _assemble(series, parts, actor=actor, overdue=False)
    return None


def _messages(rows: list[PaxlstManifest], *, today: dt.date) -> list[Manifest]:
    return [
        message
        for row in rows
        for message in parse_paxlst(bytes(row.raw), source=row.source, today=today).manifests
    ]


def _assemble(
    series: PaxlstSeries, parts: list[PaxlstManifest], *, actor: Actor, overdue: bool
) -> PaxlstManifest:
    """Join the parts' interchanges (each part once, the first copy received) into one
    manifest, kept and processed as any manifest, once: the series is locked by the caller.

    The parse reads interchanges back to back and assembles the series among them
    (`documents.paxlst.assemble_series`), so the whole is read exactly as one interchange
    carrying every part would be."""
    chosen: list[PaxlstManifest] = []
    covered: set[int] = set()
    for part in sorted(parts, key=lambda p: (min(p.part_numbers or [0]), p.received_at, p.pk)):
        if set(part.part_numbers) <= covered:
            continue
        chosen.append(part)
        covered.update(part.part_numbers)
    raw = b"".join(bytes(part.raw) for part in chosen)
    # Not the bytes' own digest: a series assembled from one part (overdue) joins that part's
    # bytes alone, and the part is kept already under their digest.
    digest = hashlib.sha256(b"assembled series\n" + raw).hexdigest()
    whole = PaxlstManifest.objects.filter(digest=digest).first()
    fresh = whole is None
    if whole is None:
        sources = ", ".join(part.source or f"manifest {part.pk}" for part in chosen)
        whole = PaxlstManifest.objects.create(
            digest=digest,
            raw=raw,
            source=f"series {series.common_access_reference}: {sources}"[:300],
            received_by=actor_name(actor),
            state=PaxlstManifest.State.QUARANTINED,
            client=chosen[0].client,
            assembled=True,
        )
    series.state = PaxlstSeries.State.ASSEMBLED
    series.manifest, series.assembled_at, series.overdue = whole, clock.now(), overdue
    series.save()
    for part in parts:
        part.state = PaxlstManifest.State.ASSEMBLED
    PaxlstManifest.objects.filter(pk__in=[p.pk for p in parts]).update(
        state=PaxlstManifest.State.ASSEMBLED
    )
    audit_record(
        AuditAction.MANIFEST_SERIES_ASSEMBLED,
        subject=whole,
        actor=actor,
        details={
            "series": series.pk,
            "manifest": whole.pk,
            "parts": [part.pk for part in chosen],
            "overdue": overdue,
        },
    )
    if fresh:
        _process(whole, actor=actor)
    return whole


def series_assemble_overdue(*, as_of: dt.datetime, actor: Actor) -> list[Ingested]:
    """Assemble every series still short of parts whose first part came in more than the
    wait (`selectors.series_wait`) before `as_of` (aware UTC), as it is: the whole is kept and read,
    and its missing parts (`paxlst.multipart-missing`, a decisive defect) keep it
    quarantined for an officer's review, never dropped.

    An entry point (`visabond ingest assemble`); each series in its own transaction, so a
    run stopped halfway is resumed by the next. Returns the wholes, oldest series first."""
    due = PaxlstSeries.objects.filter(
        state=PaxlstSeries.State.PENDING, first_received_at__lte=as_of - selectors.series_wait()
    ).order_by("first_received_at", "pk")
    done: list[Ingested] = []
    for series_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            series = PaxlstSeries.objects.select_for_update().get(pk=series_id)
            if series.state != PaxlstSeries.State.PENDING:
                continue  # another run assembled it meanwhile
            parts = list(
                series.parts.filter(state=PaxlstManifest.State.PENDING).order_by(
                    "received_at", "pk"
                )
            )
            if not parts:
                continue
            whole = _assemble(series, parts, actor=actor, overdue=True)
        done.append(Ingested(whole, duplicate=False))
    return done


def _refuse_reused_reference(row: PaxlstManifest) -> None:
    if not row.control_reference:
        return
    earlier = (
        PaxlstManifest.objects.filter(
            sender=row.sender,
            control_reference=row.control_reference,
            state=PaxlstManifest.State.PROCESSED,
        )
        .exclude(pk=row.pk)
        .first()
    )
    if earlier is not None:
        raise Conflict(
            f"sender {row.sender} delivered interchange {row.control_reference} already "
            f"(manifest {earlier.pk}) with other content",
            code="paxlst.interchange-reused",
            field="UNB",
        )


def _record(
    row: PaxlstManifest,
    read: tuple[tuple[str, int, PassengerRecords], ...],
    *,
    actor: Actor,
    per_passenger: bool,
) -> None:
    sender = f"paxlst:{row.sender or '-'}"
    departures: list[tuple[str, DepartureReport]] = []
    arrivals: list[tuple[str, ExpectedArrivalReport]] = []
    row.passengers = len(read)
    row.recorded = row.others = row.unidentified = 0
    for message_reference, index, found in read:
        if not found.identified:
            row.unidentified += 1
            continue
        if not (found.departures or found.arrivals):
            row.others += 1
            continue
        row.recorded += 1
        key = f"{row.digest[:16]}/{message_reference}/{index}"
        departures.extend((f"{key}/{report.port}", report) for report in found.departures)
        arrivals.extend((f"{key}/{arrival.port}", arrival) for arrival in found.arrivals)
    row.departures, row.arrivals = len(departures), len(arrivals)
    store = _store_each if per_passenger else _store_together
    matched = store(row, departures, arrivals, sender=sender, actor=actor_name(actor))
    row.state = PaxlstManifest.State.PROCESSED
    row.processed_at = clock.now()
    row.error_code = row.error_field = row.error_message = ""
    row.save()
    audit_record(
        AuditAction.MANIFEST_PROCESSED,
        subject=row,
        actor=actor,
        details={
            **Ingested(row, duplicate=False).to_json(),
            "accepted_defects": row.accepted_defects,
            "matched": matched,
        },
    )


def _store_together(
    row: PaxlstManifest,
    departures: list[tuple[str, DepartureReport]],
    arrivals: list[tuple[str, ExpectedArrivalReport]],
    *,
    sender: str,
    actor: str,
) -> list[dict[str, object]]:
    matched = departures_store(manifest=row, departures=departures, sender=sender, actor=actor)
    arrivals_store(manifest=row, arrivals=arrivals, sender=sender, actor=actor)
    return matched


def _store_each(
    row: PaxlstManifest,
    departures: list[tuple[str, DepartureReport]],
    arrivals: list[tuple[str, ExpectedArrivalReport]],
    *,
    sender: str,
    actor: str,
) -> list[dict[str, object]]:
    """Passenger by passenger through `intake.report_store` and `placement`: the path the set
    store replaced, kept as the reference it is proven against and measured beside."""
    matched: list[dict[str, object]] = []
    for record_id, report in departures:
        stored = report_store(
            RecordKind.DEPARTURE,
            report,
            sender=sender,
            record_id=record_id,
            actor=actor,
            manifest=row,
        )
        if stored.record.admission_id is not None:  # type: ignore[attr-defined]
            matched.append(stored.to_json())
    for record_id, arrival in arrivals:
        visa = placement.visa_of(
            arrival.traveller,
            on=(arrival.expected_at or clock.now()).date(),
        )
        expected_arrival(
            arrival,
            sender=sender,
            record_id=record_id,
            actor=actor,
            manifest=row,
            bond_id=placement.bond_id_of(visa),
            received_at=clock.now(),
        ).save()
    return matched


def _quarantine(row: PaxlstManifest, error: Exception, *, actor: Actor) -> None:
    if isinstance(error, VisabondError):
        code, field, message = error.code, error.field or "", error.message
    else:
        code, field, message = "internal_error", "", f"{type(error).__name__}: {error}"
    row.state = PaxlstManifest.State.QUARANTINED
    row.error_code, row.error_field, row.error_message = code[:60], field[:100], message
    row.passengers = row.recorded = row.others = row.unidentified = 0
    row.departures = row.arrivals = 0
    row.processed_at = None
    row.save()
    audit_record(
        AuditAction.MANIFEST_QUARANTINED,
        subject=row,
        actor=actor,
        details={
            "manifest": row.pk,
            "digest": row.digest,
            "source": row.source,
            "attempts": row.attempts,
            "code": code,
            "field": field,
            "message": message[:1000],
        },
    )
