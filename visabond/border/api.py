"""The border's JSON API: batches of records from border systems and carriers, and the
review queue of border officers.

Machine clients send `Authorization: Bearer <key>` (`visabond border client add`); a key is
checked, and the record kind checked against its scopes, before the body is read, so a
client without the scope is answered 403 whatever it sent, and every refusal of a known key
is audited. A signed-in border officer may send the same batches with the console's session
(and Django's CSRF token). A batch answers every item by its index: created, unchanged (the
same record again) or its error `{code, field, message}` with the field as
`items.<index>.<name>`; the good items are stored whatever the bad ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from ninja.security import HttpBearer

from visabond.accounts.api_auth import RoleSession
from visabond.accounts.roles import Role
from visabond.audit.actors import Actor
from visabond.border import (
    client_services,
    manifest_services,
    review_services,
    selectors,
    services,
)
from visabond.border.intake import Stored
from visabond.border.models import BorderClient, ReviewItem
from visabond.border.records import RecordKind
from visabond.border.schemas import (
    ITEM_SCHEMAS,
    MAX_ITEMS,
    BatchIn,
    BatchOut,
    ManifestOut,
    QuarantinedOut,
    ReviewItemOut,
    ReviewResolutionIn,
    item_read,
)
from visabond.core.errors import InvalidInput, PermissionDenied, VisabondError
from visabond.policy.schemas import ErrorOut

router = Router(tags=["border"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class KeyRefused(VisabondError):
    """A bearer key that is no client's, or a revoked one's: not signed in (401)."""

    http_status = 401


class ClientKey(HttpBearer):
    """A machine client's key allowed to send `kind` (its scopes), or nothing when no
    bearer key was sent (the session is tried next)."""

    def __init__(self, kind: RecordKind) -> None:
        super().__init__()
        self.kind = kind

    def authenticate(self, request: HttpRequest, token: str) -> BorderClient:
        client = selectors.border_client_for_key(token)
        if client is None:
            raise KeyRefused("this key is no client's", code="key_unknown", field="Authorization")
        if client.revoked_at is not None:
            client_services.border_client_refusal_record(
                client=client, reason="revoked", path=request.path
            )
            raise KeyRefused(
                f"this key was revoked on {client.revoked_at:%Y-%m-%d}",
                code="key_revoked",
                field="Authorization",
            )
        if self.kind.value not in client.scopes:
            client_services.border_client_refusal_record(
                client=client, reason=f"scope {self.kind.value}", path=request.path
            )
            raise PermissionDenied(
                f"client {client.name} may not send {self.kind.value} records",
                code="scope_required",
            )
        return client


class OfficerSession(RoleSession):
    """A signed-in session holding one of the roles (`RoleSession`), its CSRF token checked
    when a session cookie is sent: a request without one carries no ambient credential to
    forge, and is answered 401 like any request without a session."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


OFFICERS = OfficerSession(Role.BORDER_OFFICER)
REVIEW_READERS = OfficerSession(Role.BORDER_OFFICER, Role.AUDITOR)


def _batch(request: HttpRequest, kind: RecordKind, data: BatchIn) -> dict[str, Any]:
    caller = request.auth  # type: ignore[attr-defined]
    if len(data.items) > MAX_ITEMS:
        raise InvalidInput(
            f"a batch holds at most {MAX_ITEMS} items", code="too_many_items", field="items"
        )
    items = []
    for raw in data.items:
        try:
            record_id, report = item_read(kind, raw)
        except VisabondError as error:
            items.append(services.BatchItem(record_id="", error=error))
        else:
            items.append(services.BatchItem(record_id=record_id, report=report))
    actor: Actor
    if isinstance(caller, BorderClient):
        sender, actor, client = caller.name, f"border client {caller.name}", caller
    else:
        assert isinstance(caller, AbstractBaseUser)
        sender, actor, client = f"officer:{caller.get_username()}", caller, None
    results = services.border_batch_record(
        kind=kind, items=items, sender=sender, actor=actor, client=client
    )
    answers = [_item_json(r.index, r.stored, r.error) for r in results]
    return {
        "kind": kind.value,
        "received": len(answers),
        "created": sum(1 for a in answers if a["status"] == "created"),
        "unchanged": sum(1 for a in answers if a["status"] == "unchanged"),
        "errors": sum(1 for a in answers if a["status"] == "error"),
        "results": answers,
    }


def _item_json(index: int, stored: Stored | None, error: VisabondError | None) -> dict[str, Any]:
    if stored is None:
        assert error is not None
        field = f"items.{index}.{error.field}" if error.field else f"items.{index}"
        return {
            "index": index,
            "status": "error",
            "error": {"code": error.code, "field": field, "message": error.message},
        }
    return {
        "index": index,
        "status": "created" if stored.created else "unchanged",
        "record": stored.to_json(),
    }


def _batch_route(kind: RecordKind, path: str, summary: str) -> None:
    def handler(request: HttpRequest, data: BatchIn) -> dict[str, Any]:
        return _batch(request, kind, data)

    handler.__name__ = f"{kind.value}_batch"
    handler.__doc__ = summary
    router.post(
        path,
        auth=[ClientKey(kind), OFFICERS],
        response={200: BatchOut, **ERRORS},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["items"],
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "maxItems": MAX_ITEMS,
                                    # Each item is answered on its own (docs/border.md): one
                                    # that is not of this shape gets its error in `results`
                                    # and the others are recorded, so the request accepts it.
                                    "items": {
                                        "description": (
                                            "A record of this shape. An item of another "
                                            "shape is answered with its own error in "
                                            "`results`; the other items are still recorded."
                                        ),
                                        "anyOf": [ITEM_SCHEMAS[kind].model_json_schema(), {}],
                                    },
                                }
                            },
                        }
                    }
                },
            }
        },
    )(handler)


_batch_route(
    RecordKind.ADMISSION,
    "/admissions",
    "Admissions at a port of entry (I-94): linked to the traveller's visa and bond.",
)
_batch_route(
    RecordKind.REFUSED_ADMISSION,
    "/refused-admissions",
    "Admissions refused at the port of entry (the bond is returned).",
)
_batch_route(
    RecordKind.DEPARTURE,
    "/departures",
    "Departures, matched to the traveller's admission by document or visa (never names).",
)
_batch_route(
    RecordKind.STATUS_DECISION,
    "/status-decisions",
    "Extensions of stay, changes of status, asylum applications, unauthorized work.",
)
_batch_route(
    RecordKind.DOCUMENT_RENEWAL,
    "/document-renewals",
    "Passports renewed during the stay (later records on the new one match the old stay).",
)


@router.post(
    "/manifests",
    auth=[ClientKey(RecordKind.PAXLST), OFFICERS],
    response={
        200: ManifestOut,
        422: QuarantinedOut | ErrorOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/edifact": {"schema": {"type": "string"}}},
        }
    },
)
def manifest_receive(request: HttpRequest) -> HttpResponse:
    """A UN/EDIFACT PAXLST interchange, as the carrier sent it (the raw bytes).

    Outbound passengers become departures, inbound ones expected arrivals. The same bytes
    again change nothing (`duplicate`). A manifest that cannot be processed is kept,
    quarantined, and answered 422 with the error and the manifest's id.
    """
    caller = request.auth  # type: ignore[attr-defined]
    if isinstance(caller, BorderClient):
        source, actor, client = f"api:{caller.name}", f"border client {caller.name}", caller
    else:
        source, actor, client = f"api:officer:{caller.get_username()}", caller, None
    ingested = manifest_services.manifest_ingest(
        raw=request.body, source=source, actor=actor, client=client
    )
    body = ingested.to_json()
    if ingested.quarantined:
        return JsonResponse({**(body["error"] or {}), **body}, status=422)  # type: ignore[dict-item]
    return JsonResponse(body, status=200)


def review_json(item: ReviewItem) -> dict[str, Any]:
    record = item.departure or item.status_decision or item.renewal
    assert record is not None
    return {
        "id": item.pk,
        "kind": item.kind,
        "reason": item.reason,
        "state": item.state,
        "candidates": item.candidates,
        "opened_at": item.opened_at,
        "record": {
            "id": record.pk,
            "sender": record.sender,
            "sender_record_id": record.sender_record_id,
            "document_number": record.document_number,
            "document_issuing_state": record.document_issuing_state,
            "birth_date": record.birth_date,
            "visa_number": record.visa_number,
        },
    }


@router.get("/review", auth=REVIEW_READERS, response={200: list[ReviewItemOut], **ERRORS})
def review_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Records no rule could place, oldest first (at most 500)."""
    return [review_json(item) for item in selectors.review_items_open()[:500]]


@router.post("/review/{item_id}/resolution", auth=OFFICERS, response={200: ReviewItemOut, **ERRORS})
def review_resolve(request: HttpRequest, item_id: int, data: ReviewResolutionIn) -> dict[str, Any]:
    """Place a record on the admission it concerns, or dismiss it (`admission` null)."""
    item = review_services.review_resolve(
        item_id=item_id,
        admission_id=data.admission,
        note=data.note,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return review_json(item)
