"""Reads of travellers' uploads for border officers: the pending ones, one upload, its file."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from visabond.border.models import DepartureUpload
from visabond.core.errors import NotFound


def upload_dir() -> Path:
    """Where uploaded files are kept (`settings.UPLOAD_DIR`), outside any web root."""
    return Path(settings.UPLOAD_DIR)


def uploads_pending() -> QuerySet[DepartureUpload]:
    """Uploads waiting for an officer's verdict, oldest first, with their bond, admission
    and departure."""
    return DepartureUpload.objects.filter(state=DepartureUpload.State.PENDING).select_related(
        "bond", "admission", "departure"
    )


def upload_get(upload_id: int) -> DepartureUpload:
    """Upload `upload_id`, with its bond, admission, departure and visa; raises `NotFound`
    (`upload_not_found`)."""
    upload = (
        DepartureUpload.objects.select_related("bond", "admission__visa", "departure")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None:
        raise NotFound(f"there is no upload {upload_id}", code="upload_not_found", field="id")
    return upload


def upload_file(upload: DepartureUpload) -> Path:
    """Where `upload`'s file is kept; raises `NotFound` (`upload_file_missing`) when it is
    not there (a data directory restored without its uploads)."""
    path = upload_dir() / upload.stored_name
    if not path.is_file():
        raise NotFound(
            f"the file of upload {upload.pk} is missing from the data directory",
            code="upload_file_missing",
            field="id",
        )
    return path
