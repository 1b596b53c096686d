"""The border records in the overstay report's input contract (docs/overstays.md).

`visabond export --format parquet DIR` reads these through `stats.export.border_sources`,
so the report runs on the installation's own admissions, departures and status decisions.

The traveller is the admission's: the border app already matched each departure and status
decision to the admission it closes (by document, renewals and visa, `border/matching.py`),
so the report is handed that match instead of guessing it again from document numbers that
renewals change. A departure matched to no admission keeps an identifier of its own, which
the report counts as a departure of nobody it was asked about.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from visabond.border.models import Admission, Departure, StatusDecision
from visabond.border.records import StatusKind

# Decisions that move the expected departure (an extension, a change of status with a new
# date) or remove it (asylum, a change to a status with no date). Unauthorized work is a
# breach of the bond, not a change of stay, and does not move the admit-until date.
STAY_DECISIONS = (StatusKind.EXTENSION, StatusKind.CHANGE_OF_STATUS, StatusKind.ASYLUM)


def _admissions() -> Iterator[Mapping[str, Any]]:
    rows = Admission.objects.order_by("pk").values_list(
        "pk", "nationality", "visa_class", "port", "admitted_at", "admit_until", "bond_id"
    )
    for pk, nationality, visa_class, port, admitted_at, admit_until, bond_id in rows.iterator():
        yield {
            "admission_id": f"A{pk}",
            "traveller_id": f"A{pk}",
            "nationality": nationality or None,
            "visa_class": visa_class or None,
            "port": port or None,
            "admitted_at": admitted_at,
            "admit_until": admit_until,
            "bonded": bond_id is not None,
        }


def _departures() -> Iterator[Mapping[str, Any]]:
    # A traveller's upload counts once an officer accepted it (`Departure.accepted`).
    rows = (
        Departure.objects.filter(accepted=True)
        .order_by("pk")
        .values_list("pk", "admission_id", "departed_at", "port")
    )
    for pk, admission_id, departed_at, port in rows.iterator():
        yield {
            "departure_id": f"D{pk}",
            "traveller_id": f"A{admission_id}" if admission_id else f"D{pk}",
            "departed_at": departed_at,
            "port": port or None,
        }


def _status_changes() -> Iterator[Mapping[str, Any]]:
    rows = (
        StatusDecision.objects.filter(
            admission__isnull=False, kind__in=[k.value for k in STAY_DECISIONS]
        )
        .order_by("pk")
        .values_list("admission_id", "kind", "decided_on", "admit_until")
    )
    for admission_id, kind, decided_on, admit_until in rows.iterator():
        yield {
            "admission_id": f"A{admission_id}",
            "decided_on": decided_on,
            "new_admit_until": None if kind == StatusKind.ASYLUM else admit_until,
        }


def export_sources() -> Mapping[str, Iterable[Mapping[str, Any]]]:
    """The three tables of the contract, each an iterator read once, in primary-key order.

    Shapes: admissions (admission_id, traveller_id, nationality, visa_class, port,
    admitted_at UTC, admit_until, bonded), departures (departure_id, traveller_id,
    departed_at UTC, port), status_changes (admission_id, decided_on, new_admit_until).
    """
    return {
        "admissions": _admissions(),
        "departures": _departures(),
        "status_changes": _status_changes(),
    }
