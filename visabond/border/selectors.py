"""Reads of the border's records: the review queue, a bond's admissions and departures."""

from __future__ import annotations

from django.db.models import QuerySet

from visabond.border.models import Admission, ReviewItem


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
