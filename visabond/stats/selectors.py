"""Reads of the statistics app: snapshots, the cut-off curve, the designation review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from visabond.core.errors import NotFound, VisabondError
from visabond.policy import selectors as policy
from visabond.stats.designation import NationalityFigures, Threshold, by_nationality
from visabond.stats.method import COUNT_COLUMNS, with_rates
from visabond.stats.models import OverstaySnapshot


def snapshot_list() -> list[OverstaySnapshot]:
    return list(OverstaySnapshot.objects.all())


def snapshot_get(snapshot_id: int) -> OverstaySnapshot:
    try:
        return OverstaySnapshot.objects.get(pk=snapshot_id)
    except OverstaySnapshot.DoesNotExist:
        raise NotFound(
            f"there is no snapshot {snapshot_id}", code="snapshot_not_found", field="snapshot"
        ) from None


def snapshot_total(snapshot: OverstaySnapshot) -> dict[str, Any]:
    """The whole year's counts and rates, summed from the snapshot's groups."""
    return with_rates({c: sum(int(r[c]) for r in snapshot.rows) for c in COUNT_COLUMNS})


def cutoff_curve(fiscal_year: int) -> list[OverstaySnapshot]:
    """The latest snapshot of `fiscal_year` for each cut-off date, by cut-off."""
    latest: dict[dt.date, OverstaySnapshot] = {}
    for snapshot in OverstaySnapshot.objects.filter(fiscal_year=fiscal_year).order_by(
        "taken_at", "pk"
    ):
        latest[snapshot.as_of] = snapshot
    return [latest[day] for day in sorted(latest)]


def fiscal_years() -> list[int]:
    return sorted(set(OverstaySnapshot.objects.values_list("fiscal_year", flat=True)), reverse=True)


@dataclass(frozen=True)
class DesignationRow:
    figures: NationalityFigures
    proposed: bool
    designated: bool | None  # None: the registry does not know this code


def designation_review(
    snapshot: OverstaySnapshot,
    *,
    threshold: Threshold,
    on: dt.date,
    issuer: str = "USA",
    visa_class: str = "B1/B2",
) -> list[DesignationRow]:
    """Each nationality's figures, whether the threshold proposes it, and whether the policy
    registry requires a bond of it on `on` (as known today)."""
    rows = []
    for figures in by_nationality(snapshot.rows):
        try:
            designated: bool | None = policy.requirement_lookup(
                issuer=issuer, nationality=figures.nationality, visa_class=visa_class, on=on
            ).requirement.bond_required
        except VisabondError:
            designated = None
        rows.append(DesignationRow(figures, figures.proposed(threshold), designated))
    return rows
