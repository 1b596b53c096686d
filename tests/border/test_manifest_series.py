"""A multi-part PAXLST message whose parts arrive as separate interchanges (ISO 9735-1 §8.3):
each part is kept and held until the series is complete, then the whole is ingested once as
one manifest; a series still short of parts after its wait is held for review, never dropped.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from tests.border_world import Bonded, admit, bonded, grace, manifest_passenger, paxlst
from visabond.audit.models import AuditEvent
from visabond.border.manifest_services import (
    manifest_ingest,
    manifest_reprocess,
    series_assemble_overdue,
)
from visabond.border.models import Departure, PaxlstManifest, PaxlstSeries

pytestmark = pytest.mark.usefixtures("pilot")

PENDING = PaxlstManifest.State.PENDING
ASSEMBLED = PaxlstManifest.State.ASSEMBLED
PROCESSED = PaxlstManifest.State.PROCESSED
QUARANTINED = PaxlstManifest.State.QUARANTINED
MARKERS = {1: "C", 3: "F"}


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def part(
    number: int,
    *,
    surname: str = "",
    sender: str = "ETHIOPIAN",
    reference: str = "",
    series: str = "SER0042",
    marker: str | None = None,
) -> bytes:
    """Part `number` of Ethiopian's three-part list for ET 501 (Grace in part 1, one other
    passenger in each other part), as its own interchange; CNT holds the series' total."""
    if number == 1:
        passenger = manifest_passenger()
    else:
        passenger = manifest_passenger(
            surname=surname or f"PHIRI{number}", passport=f"MA70000{number:02d}"
        )
    return paxlst(
        passenger,
        sender=sender,
        reference=reference or f"0001{number:02d}",
        part=(series, number, MARKERS.get(number, "") if marker is None else marker),
        counts=(("42", 3),),
    )


def parts_together(numbers: tuple[int, ...], *, reference: str, surname: str = "") -> bytes:
    """Parts `numbers` of the same list carried by one interchange (one UNB/UNG, a UNH..UNT
    message per part), as a carrier resending a part beside the next one sends them."""
    texts = [part(n, reference=reference, surname=surname).decode() for n in numbers]
    head = texts[0].split("UNH+", 1)[0]
    messages = "".join("UNH+" + text.split("UNH+", 1)[1].split("UNE+", 1)[0] for text in texts)
    return f"{head}{messages}UNE+{len(texts)}+{reference}'UNZ+1+{reference}'".encode()


def ingest(raw: bytes, source: str = "part.edi") -> PaxlstManifest:
    return manifest_ingest(raw=raw, source=source, actor="test carrier").manifest


def test_parts_in_separate_interchanges_wait_then_are_ingested_once_as_one_manifest(
    traveller: Bonded,
) -> None:
    admission = admit(grace()).record
    final = ingest(part(3), "part3.edi")
    first = ingest(part(1), "part1.edi")
    assert (final.state, first.state) == (PENDING, PENDING)
    assert not Departure.objects.exists()
    assert not PaxlstManifest.objects.filter(state=PROCESSED).exists()
    last = ingest(part(2), "part2.edi")
    assert last.state == ASSEMBLED
    series = PaxlstSeries.objects.get()
    assert series.state == PaxlstSeries.State.ASSEMBLED
    assert not series.overdue
    whole = PaxlstManifest.objects.get(pk=series.manifest_id)
    assert whole.assembled
    assert whole.state == PROCESSED, whole.error_message
    assert (whole.passengers, whole.departures) == (3, 3)
    assert (whole.sender, whole.flights) == ("ETHIOPIAN", "ET 501")
    assert set(series.parts.values_list("state", flat=True)) == {ASSEMBLED}
    assert Departure.objects.count() == 3
    assert Departure.objects.get(admission__isnull=False).admission_id == admission.pk
    assert AuditEvent.objects.filter(action="border.manifest_series_assembled").count() == 1


def test_a_part_received_again_after_assembly_changes_nothing(traveller: Bonded) -> None:
    admit(grace())
    for number in (1, 2, 3):
        ingest(part(number))
    kept, departures = PaxlstManifest.objects.count(), Departure.objects.count()
    same_bytes = manifest_ingest(raw=part(2), source="again.edi", actor="test carrier")
    assert same_bytes.duplicate
    # The carrier resends part 2 in a new interchange (another control reference).
    resent = ingest(part(2, reference="000199"), "resent.edi")
    assert resent.state == ASSEMBLED
    assert resent.series_id == PaxlstSeries.objects.get().pk
    assert PaxlstManifest.objects.count() == kept + 1
    assert Departure.objects.count() == departures
    assert PaxlstManifest.objects.filter(state=PROCESSED).count() == 1


@pytest.mark.parametrize(("number", "marker"), [(4, "F"), (5, "")])
def test_a_part_arriving_after_its_series_was_assembled_is_held_for_review_not_dropped(
    traveller: Bonded, number: int, marker: str
) -> None:
    """A second final part, or one past the final: its travellers are not silently lost."""
    for each in (1, 2, 3):
        ingest(part(each))
    late = ingest(part(number, marker=marker, reference="000188"), "late.edi")
    assert late.state == QUARANTINED
    assert late.error_code == "paxlst.multipart-after-assembly"
    assert "arrived after the series was assembled from parts [1, 2, 3]" in late.error_message
    assert bytes(late.raw) == part(number, marker=marker, reference="000188")
    assert PaxlstManifest.objects.filter(state=PROCESSED).count() == 1


def test_a_part_whose_copy_differs_is_quarantined_and_the_series_still_waits(
    traveller: Bonded,
) -> None:
    ingest(part(1))
    ingest(part(2))
    other = ingest(part(2, surname="MWALE", reference="000177"), "other-copy.edi")
    assert other.state == QUARANTINED
    assert other.error_code == "paxlst.assembly-conflicting-copies"
    assert bytes(other.raw) == part(2, surname="MWALE", reference="000177")
    assert PaxlstSeries.objects.get().state == PaxlstSeries.State.PENDING
    assert ingest(part(3)).state == ASSEMBLED
    whole = PaxlstManifest.objects.get(assembled=True)
    assert whole.state == PROCESSED
    assert whole.passengers == 3


def test_a_part_resent_identically_beside_the_next_one_changes_nothing(traveller: Bonded) -> None:
    """Part 2 comes again, identical, in a second interchange carrying part 3: the whole is
    read as if it had come once, not quarantined for a repeated part."""
    admission = admit(grace()).record
    assert ingest(parts_together((1, 2), reference="000301"), "p12.edi").state == PENDING
    assert ingest(parts_together((2, 3), reference="000302"), "p23.edi").state == ASSEMBLED
    whole = PaxlstManifest.objects.get(assembled=True)
    assert whole.state == PROCESSED, whole.error_message
    assert (whole.passengers, whole.departures) == (3, 3)
    assert Departure.objects.count() == 3
    assert Departure.objects.get(admission__isnull=False).admission_id == admission.pk


def test_a_part_resent_with_other_content_beside_the_next_one_is_quarantined_with_its_reason(
    traveller: Bonded,
) -> None:
    ingest(parts_together((1, 2), reference="000301"), "p12.edi")
    other = ingest(parts_together((2, 3), reference="000302", surname="MWALE"), "p23.edi")
    assert other.state == QUARANTINED
    assert other.error_code == "paxlst.assembly-conflicting-copies"
    assert "part 02 arrived twice with different content" in other.error_message
    assert PaxlstSeries.objects.get().state == PaxlstSeries.State.PENDING
    assert not Departure.objects.exists()


def test_two_senders_series_under_one_reference_never_mix(traveller: Bonded) -> None:
    ingest(part(1, sender="ETHIOPIAN"))
    ingest(part(2, sender="KENYA"))
    ingest(part(3, sender="KENYA"))
    assert PaxlstSeries.objects.count() == 2
    assert set(PaxlstManifest.objects.values_list("state", flat=True)) == {PENDING}
    assert not Departure.objects.exists()


def test_a_lone_whole_message_is_not_held(traveller: Bonded) -> None:
    admit(grace())
    row = ingest(paxlst(manifest_passenger(), part=("SER9", 1, "F")))
    assert row.state == PROCESSED
    assert row.series_id is None
    assert Departure.objects.count() == 1


def test_a_series_short_of_parts_after_its_wait_is_held_for_review_then_accepted(
    traveller: Bonded,
) -> None:
    admit(grace())
    first = ingest(part(1))
    ingest(part(3))
    received = first.received_at
    assert series_assemble_overdue(as_of=received + dt.timedelta(hours=23), actor="t") == []
    (held,) = series_assemble_overdue(as_of=received + dt.timedelta(hours=24), actor="t")
    whole = held.manifest
    assert whole.assembled
    assert whole.state == QUARANTINED
    assert whole.error_code == "paxlst.multipart-missing"
    assert "02" in whole.error_message
    series = PaxlstSeries.objects.get()
    assert series.overdue
    assert series.manifest_id == whole.pk
    assert series_assemble_overdue(as_of=received + dt.timedelta(days=3), actor="t") == []
    assert not Departure.objects.exists()
    accepted = manifest_reprocess(
        manifest_id=whole.pk,
        actor="officer",
        accept=["multipart-missing"],
        reason="the carrier confirmed part 2 was empty",
    )
    assert accepted.manifest.state == PROCESSED
    assert Departure.objects.count() == 2


@override_settings(PAXLST_SERIES_WAIT_HOURS=2)
def test_the_wait_is_configurable(traveller: Bonded) -> None:
    first = ingest(part(1))
    (held,) = series_assemble_overdue(as_of=first.received_at + dt.timedelta(hours=2), actor="t")
    assert held.manifest.error_code == "paxlst.multipart-missing"


def test_the_api_answer_shows_the_parts_pending_and_the_whole_once_assembled(
    traveller: Bonded,
) -> None:
    waiting = manifest_ingest(raw=part(1), source="p1", actor="t").to_json()
    assert waiting["state"] == "pending"
    series = waiting["series"]
    assert isinstance(series, dict)
    assert (
        series.pop("first_received_at") == PaxlstSeries.objects.get().first_received_at.isoformat()
    )
    assert series == {
        "common_access_reference": "SER0042",
        "state": "pending",
        "parts": [1],
        "missing": None,
        "assembled_into": None,
    }
    with_final = manifest_ingest(raw=part(3), source="p3", actor="t").to_json()
    assert with_final["series"]["missing"] == [2]  # type: ignore[index]
    done = manifest_ingest(raw=part(2), source="p2", actor="t").to_json()
    assert done["state"] == "assembled"
    whole = PaxlstManifest.objects.get(assembled=True)
    assert done["series"]["assembled_into"] == whole.pk  # type: ignore[index]
