"""The border API's part for travellers' uploads: the pending ones, and an officer's verdict.

Mounted at `/api/v1/border/uploads`. Border officers only, with the console's session (and
Django's CSRF token on the verdict); the file itself is served by the console's page
(`upload_views.upload_file`), never by the API or as a static file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from visabond.border import upload_selectors, upload_services
from visabond.border.api import ERRORS, OFFICERS
from visabond.border.models import DepartureUpload

router = Router(tags=["border"])


class UploadOut(Schema):
    id: int
    bond: str
    state: str
    document: str = Field(..., description="boarding_pass or entry_stamp.")
    content_type: str = Field(..., description="Read from the file's content.")
    original_name: str
    size: int
    uploaded_at: dt.datetime
    port: str
    departed_on: dt.date
    admission: int
    admitted_on: dt.date
    admit_until: dt.date = Field(..., description="The stay's last day, as extended.")
    reason: str
    decided_by: str


class UploadDecisionIn(Schema):
    accept: bool
    reason: str = Field(..., description="Why the evidence is accepted or rejected.")


def upload_json(upload: DepartureUpload) -> dict[str, Any]:
    return {
        "id": upload.pk,
        "bond": upload.bond.number,
        "state": upload.state,
        "document": upload.document,
        "content_type": upload.content_type,
        "original_name": upload.original_name,
        "size": upload.size,
        "uploaded_at": upload.uploaded_at,
        "port": upload.departure.port,
        "departed_on": upload.departure.departed_on,
        "admission": upload.admission_id,
        "admitted_on": upload.admission.admitted_on,
        "admit_until": upload.admission.authorized_until,
        "reason": upload.reason,
        "decided_by": upload.decided_by_name,
    }


@router.get("", auth=OFFICERS, response={200: list[UploadOut], **ERRORS})
def uploads_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Travellers' uploads waiting for a verdict, oldest first (at most 500)."""
    return [upload_json(u) for u in upload_selectors.uploads_pending()[:500]]


@router.post("/{upload_id}/decision", auth=OFFICERS, response={200: UploadOut, **ERRORS})
def upload_decide(request: HttpRequest, upload_id: int, data: UploadDecisionIn) -> dict[str, Any]:
    """Accept the upload (its departure counts for the sweep from now on) or reject it."""
    upload_services.upload_decide(
        upload_id=upload_id,
        accept=data.accept,
        reason=data.reason,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return upload_json(upload_selectors.upload_get(upload_id))
