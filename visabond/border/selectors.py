"""Reads of the border's records: the review queue, a bond's admissions and departures."""

from __future__ import annotations

from django.db.models import QuerySet

from visabond.border.keys import key_matches, key_prefix
from visabond.border.models import Admission, BorderClient, PaxlstManifest, ReviewItem


def review_items_open() -> QuerySet[ReviewItem]:
    """Records waiting for a border officer, oldest first, with their record."""
    return ReviewItem.objects.filter(state=ReviewItem.State.OPEN).select_related(
        "departure", "status_decision", "renewal"
    )


def admissions_of_bond(bond_id: int) -> QuerySet[Admission]:
    """A bond's admissions, latest first, with the departure that decides each."""
    return (
        Admission.objects.filter(bond_id=bond_id)
        .select_related("deciding_departure")
        .order_by("-admitted_at", "-pk")
    )


def border_client_for_key(key: str) -> BorderClient | None:
    """The client whose key `key` is (revoked or not: the caller says why it refuses), or
    None for a key of no client."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    client = BorderClient.objects.filter(key_prefix=prefix).first()
    if client is None or not key_matches(key, client.key_hash):
        return None
    return client


def border_clients() -> QuerySet[BorderClient]:
    """Every machine client, by name (revoked ones too)."""
    return BorderClient.objects.order_by("name")


def manifests_listed(*, quarantined: bool = False) -> QuerySet[PaxlstManifest]:
    """Manifests received, newest first (the raw bytes left unread)."""
    rows = PaxlstManifest.objects.defer("raw").order_by("-received_at", "-pk")
    return rows.filter(state=PaxlstManifest.State.QUARANTINED) if quarantined else rows
