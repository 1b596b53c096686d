"""The last two parts of a series arriving at once on real concurrent PostgreSQL connections:
both are kept, and the series is assembled and ingested exactly once (neither left waiting
because each saw only itself, nor assembled twice)."""

from __future__ import annotations

import pytest

from tests.border_world import bonded, manifest_passenger, paxlst
from tests.concurrency import at_once, on_postgresql
from visabond.border.manifest_services import Ingested, manifest_ingest
from visabond.border.models import Departure, PaxlstManifest, PaxlstSeries

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pilot")]

ROUNDS = 6


def three_parts(series: str) -> list[bytes]:
    """Series `series`, each part in an interchange of its own: 01:C, 02 and 03:F."""
    return [
        paxlst(
            manifest_passenger(surname=f"PHIRI{number}", passport=f"MA{series[-3:]}{number:04d}"),
            reference=f"{series[-3:]}{number:03d}",
            part=(series, number, marker),
            counts=(("42", 3),),
        )
        for number, marker in ((1, "C"), (2, ""), (3, "F"))
    ]


def test_the_last_two_parts_arriving_at_once_assemble_their_series_exactly_once() -> None:
    on_postgresql()
    bonded()
    for round_number in range(ROUNDS):
        first, middle, final = three_parts(f"RACE{round_number:03d}")
        manifest_ingest(raw=first, source="p1", actor="carrier")
        results = at_once(
            lambda raw=middle: manifest_ingest(raw=raw, source="p2", actor="carrier a"),
            lambda raw=final: manifest_ingest(raw=raw, source="p3", actor="carrier b"),
        )
        assert all(isinstance(r, Ingested) for r in results), results
    assert PaxlstSeries.objects.count() == ROUNDS
    assert not PaxlstSeries.objects.exclude(state=PaxlstSeries.State.ASSEMBLED).exists()
    wholes = PaxlstManifest.objects.filter(assembled=True)
    assert wholes.count() == ROUNDS
    assert set(wholes.values_list("state", flat=True)) == {PaxlstManifest.State.PROCESSED}
    assert set(PaxlstManifest.objects.filter(assembled=False).values_list("state", flat=True)) == {
        PaxlstManifest.State.ASSEMBLED
    }
    # Each passenger's departure stored once, from the whole.
    assert Departure.objects.count() == 3 * ROUNDS
    assert set(Departure.objects.values_list("manifest__assembled", flat=True)) == {True}
