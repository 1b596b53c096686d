"""The border API's shapes: a batch of records of one kind, each item read on its own.

A batch is `{"items": [...]}`. Items are read one by one (`item_read`), so one bad item is
answered by its index and field while the others are stored; the item shapes below are the
OpenAPI document's description of them and the first check of each item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from ninja import Field, Schema

from visabond.border import records
from visabond.border.records import RecordKind, Report
from visabond.core.errors import InvalidInput

MAX_ITEMS = 1000


class BatchIn(Schema):
    items: list[Any] = Field(..., description=f"At most {MAX_ITEMS} records of the route's kind.")


class TravellerIn(Schema):
    record_id: str = Field(..., description="The sender's own id of the record (idempotency).")
    document_number: str = ""
    document_issuing_state: str = Field("", description="ISO 3166-1 alpha-3 or ICAO code.")
    birth_date: dt.date | None = None
    nationality: str = ""
    visa_number: str = ""


class AdmissionIn(TravellerIn):
    port: str = Field(..., description="IATA code of the port of entry.")
    admitted_at: dt.datetime = Field(..., description="With its UTC offset.")
    admit_until: dt.date
    visa_class: str


class RefusedAdmissionIn(TravellerIn):
    port: str
    refused_at: dt.datetime
    reason: str = ""


class DepartureIn(TravellerIn):
    port: str
    departed_at: dt.datetime
    evidence: str = Field(
        "exit_record",
        description="exit_record, outbound_manifest, other_state_entry or traveller_upload.",
    )


class StatusDecisionIn(TravellerIn):
    kind: str = Field(..., description="extension, change_of_status, asylum, unauthorized_work.")
    decided_on: dt.date
    admit_until: dt.date | None = Field(None, description="The new date of an extension.")


class DocumentRenewalIn(TravellerIn):
    new_document_number: str
    new_document_issuing_state: str
    renewed_on: dt.date


ITEM_SCHEMAS: dict[RecordKind, type[TravellerIn]] = {
    RecordKind.ADMISSION: AdmissionIn,
    RecordKind.REFUSED_ADMISSION: RefusedAdmissionIn,
    RecordKind.DEPARTURE: DepartureIn,
    RecordKind.STATUS_DECISION: StatusDecisionIn,
    RecordKind.DOCUMENT_RENEWAL: DocumentRenewalIn,
}


def item_read(kind: RecordKind, raw: object) -> tuple[str, Report]:
    """One item of a batch as its record id and report; raises `InvalidInput` naming the
    item's field (without the item's index, which the caller adds)."""
    if not isinstance(raw, dict):
        raise InvalidInput("an item is a JSON object", code="invalid", field=None)
    try:
        item = ITEM_SCHEMAS[kind].model_validate(raw)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or None
        raise InvalidInput(str(first.get("msg", "invalid")), code="invalid", field=field) from None
    traveller = records.traveller(
        document_number=item.document_number,
        document_issuing_state=item.document_issuing_state,
        birth_date=item.birth_date,
        nationality=item.nationality,
        visa_number=item.visa_number,
    )
    return item.record_id, _report(item, traveller)


def _report(item: TravellerIn, traveller: records.Traveller) -> Report:
    if isinstance(item, AdmissionIn):
        return records.admission_report(
            traveller=traveller,
            port=item.port,
            admitted_at=item.admitted_at,
            admit_until=item.admit_until,
            visa_class=item.visa_class,
        )
    if isinstance(item, RefusedAdmissionIn):
        return records.refusal_report(
            traveller=traveller, port=item.port, refused_at=item.refused_at, reason=item.reason
        )
    if isinstance(item, DepartureIn):
        return records.departure_report(
            traveller=traveller,
            port=item.port,
            departed_at=item.departed_at,
            evidence=item.evidence,
        )
    if isinstance(item, StatusDecisionIn):
        return records.status_report(
            traveller=traveller,
            kind=item.kind,
            decided_on=item.decided_on,
            admit_until=item.admit_until,
        )
    assert isinstance(item, DocumentRenewalIn)
    return records.renewal_report(
        traveller=traveller,
        new_document_number=item.new_document_number,
        new_document_issuing_state=item.new_document_issuing_state,
        renewed_on=item.renewed_on,
    )


class ErrorIn(Schema):
    code: str
    field: str | None
    message: str


class ItemOut(Schema):
    index: int
    status: str = Field(..., description="created, unchanged or error")
    record: dict[str, Any] | None = None
    error: ErrorIn | None = None


class BatchOut(Schema):
    kind: str
    received: int
    created: int
    unchanged: int
    errors: int
    results: list[ItemOut]


class ReviewResolutionIn(Schema):
    admission: int | None = Field(..., description="The admission it concerns; null dismisses.")
    note: str


class ReviewItemOut(Schema):
    id: int
    kind: str
    reason: str
    state: str
    candidates: list[int]
    opened_at: dt.datetime
    record: dict[str, Any]


class SeriesOut(Schema):
    common_access_reference: str = Field(..., description="UNH S010: the series' reference.")
    state: str = Field(..., description="pending (parts missing) or assembled")
    parts: list[int] = Field(..., description="The part numbers received.")
    missing: list[int] | None = Field(
        ..., description="The part numbers still missing; null while the final part is not in."
    )
    first_received_at: dt.datetime
    assembled_into: int | None = Field(
        ..., description="The manifest the parts were assembled into, once complete."
    )


class ManifestOut(Schema):
    manifest: int
    state: str = Field(
        ...,
        description="processed, quarantined, pending (a part of a multi-part message waiting "
        "for the rest of its series) or assembled (a part whose series was assembled into "
        "the manifest `series.assembled_into`)",
    )
    duplicate: bool = Field(..., description="these bytes were received before: nothing changed")
    sender: str
    control_reference: str
    flights: str
    passengers: int
    recorded: int
    others: int
    unidentified: int
    departures: int
    arrivals: int
    series: SeriesOut | None = Field(
        None, description="The multi-part series this manifest is a part of, or was assembled from."
    )
    error: ErrorIn | None = None


class QuarantinedOut(ManifestOut):
    code: str
    field: str | None
    message: str
