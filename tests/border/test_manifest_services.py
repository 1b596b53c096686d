"""PAXLST manifests in: outbound passengers become departures on the manifest's evidence,
inbound ones expected arrivals; a manifest is kept once, and one that cannot be processed is
quarantined whole and read again after a fix. Every passenger is accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from tests.border_world import (
    Bonded,
    admit,
    bonded,
    grace,
    manifest_passenger,
    paxlst,
)
from visabond.audit.models import AuditEvent
from visabond.border.manifest_services import manifest_ingest, manifest_reprocess
from visabond.border.models import Admission, Departure, ExpectedArrival, PaxlstManifest
from visabond.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.usefixtures("pilot")


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def ingest(raw: bytes, source: str = "ET501.edi") -> PaxlstManifest:
    return manifest_ingest(raw=raw, source=source, actor="test carrier").manifest


def with_unt_count(raw: bytes, count: int) -> bytes:
    head, _, tail = raw.partition(b"UNT+")
    return head + b"UNT+" + str(count).encode() + tail[tail.index(b"+") :]


def test_an_outbound_passenger_closes_her_stay_on_the_manifests_evidence(
    traveller: Bonded,
) -> None:
    admission = Admission.objects.get(pk=admit(grace()).record.pk)
    row = ingest(paxlst(manifest_passenger(visa=traveller.visa.number)))
    assert row.state == PaxlstManifest.State.PROCESSED
    assert (row.passengers, row.recorded, row.departures, row.arrivals) == (1, 1, 1, 0)
    assert (row.sender, row.control_reference, row.flights) == ("ETHIOPIAN", "000123", "ET 501")
    departure = Departure.objects.get()
    assert (departure.evidence, departure.rank, departure.manifest_id) == (
        "outbound_manifest",
        3,
        row.pk,
    )
    assert departure.admission_id == admission.pk
    assert str(departure.departed_on) == "2025-10-30"
    processed = AuditEvent.objects.filter(action="border.manifest_processed").get()
    assert processed.details["matched"][0]["bond"] == traveller.bond.number


def test_the_same_manifest_twice_changes_nothing(traveller: Bonded) -> None:
    admit(grace())
    raw = paxlst(manifest_passenger())
    first = manifest_ingest(raw=raw, source="a.edi", actor="t")
    audited = AuditEvent.objects.count()
    again = manifest_ingest(raw=raw, source="copy-of-a.edi", actor="t")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.manifest.pk == first.manifest.pk
    assert (PaxlstManifest.objects.count(), Departure.objects.count()) == (1, 1)
    assert AuditEvent.objects.count() == audited


def test_another_interchange_under_a_reference_already_used_is_kept_and_records_nothing(
    traveller: Bonded,
) -> None:
    admit(grace())
    ingest(paxlst(manifest_passenger()))
    other = ingest(paxlst(manifest_passenger(), departs="2025-10-30T22:10"))
    assert other.state == PaxlstManifest.State.QUARANTINED
    assert other.error_code == "paxlst.interchange-reused"
    assert Departure.objects.count() == 1


def test_a_wrong_segment_count_quarantines_the_whole_manifest(traveller: Bonded) -> None:
    admit(grace())
    raw = paxlst(manifest_passenger(), manifest_passenger(surname="PHIRI", passport="MA7777777"))
    row = ingest(with_unt_count(raw, 27))
    assert row.state == PaxlstManifest.State.QUARANTINED
    assert row.error_code == "paxlst.unt-count-mismatch"
    assert row.error_field.startswith("segment ")
    assert "UNT declares '27'" in row.error_message
    assert not Departure.objects.exists()
    assert bytes(PaxlstManifest.objects.get().raw) == with_unt_count(raw, 27)
    assert AuditEvent.objects.filter(action="border.manifest_quarantined").count() == 1


def test_an_officer_who_checked_a_quarantined_manifest_may_accept_its_defect(
    traveller: Bonded,
) -> None:
    admit(grace())
    row = ingest(with_unt_count(paxlst(manifest_passenger()), 40))
    with pytest.raises(InvalidInput) as no_reason:
        manifest_reprocess(manifest_id=row.pk, accept=["unt-count-mismatch"], actor="t")
    assert no_reason.value.field == "reason"
    again = manifest_reprocess(manifest_id=row.pk, actor="t")
    assert again.quarantined
    accepted = manifest_reprocess(
        manifest_id=row.pk,
        accept=["unt-count-mismatch"],
        reason="counted by hand: every passenger is there",
        actor="t",
    )
    assert not accepted.quarantined
    assert (accepted.manifest.attempts, accepted.manifest.departures) == (3, 1)
    with pytest.raises(Conflict) as done:
        manifest_reprocess(manifest_id=row.pk, actor="t")
    assert done.value.code == "manifest_processed"


def test_a_passenger_total_unlike_the_passengers_carried_quarantines_it(
    traveller: Bonded,
) -> None:
    raw = paxlst(manifest_passenger()).replace(b"CNT+42:1'", b"CNT+42:2'")
    row = ingest(raw)
    assert (row.state, row.error_code) == ("quarantined", "paxlst.cnt-count-mismatch")


def test_bytes_that_are_not_a_manifest_are_kept_quarantined_with_the_readers_error() -> None:
    row = ingest(b"this is not EDIFACT at all", source="junk.txt")
    assert row.state == PaxlstManifest.State.QUARANTINED
    assert row.error_code.startswith("paxlst.")
    assert bytes(row.raw) == b"this is not EDIFACT at all"


def test_one_unreadable_document_keeps_the_whole_manifest_out(traveller: Bonded) -> None:
    admit(grace())
    raw = paxlst(
        manifest_passenger(),
        manifest_passenger(surname="PHIRI", passport="MA7777777", issuing_state="QQQ"),
    )
    row = ingest(raw)
    assert (row.state, row.error_code) == ("quarantined", "paxlst.passenger-unreadable")
    assert "PHIRI" in row.error_message
    assert not Departure.objects.exists()


def test_an_inbound_manifest_announces_arrivals_linked_to_the_bond(traveller: Bonded) -> None:
    row = ingest(
        paxlst(
            manifest_passenger(visa=traveller.visa.number),
            route=("ADD", "IAD"),
            departs="2025-09-30T23:00",
            arrives="2025-10-01T07:30",
        )
    )
    assert (row.state, row.arrivals, row.departures) == ("processed", 1, 0)
    arrival = ExpectedArrival.objects.get()
    assert (arrival.port, arrival.state, arrival.bond_id) == ("IAD", "USA", traveller.bond.pk)
    assert arrival.expected_at is not None
    assert arrival.expected_at.isoformat() == "2025-10-01T11:30:00+00:00"


def test_every_passenger_is_recorded_or_counted_as_nothing_to_record(traveller: Bonded) -> None:
    admit(grace())
    no_document = manifest_passenger(surname="INFANT", born=None)
    row = ingest(paxlst(manifest_passenger(), no_document))
    assert (row.passengers, row.recorded, row.unidentified, row.others) == (2, 1, 1, 0)
    elsewhere = ingest(paxlst(manifest_passenger(), route=("ADD", "LLW"), reference="9"))
    assert (elsewhere.passengers, elsewhere.others, elsewhere.recorded) == (1, 1, 0)


def test_the_database_refuses_a_processed_manifest_whose_passengers_do_not_add_up(
    traveller: Bonded,
) -> None:
    row = ingest(paxlst(manifest_passenger()))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaxlstManifest.objects.filter(pk=row.pk).update(passengers=5)


@pytest.mark.reference
def test_real_manifests_are_each_processed_or_quarantined_and_nothing_is_lost(
    reference_dir: Path,
) -> None:
    files = sorted(p for p in (reference_dir / "paxlst").iterdir() if p.suffix in (".edi", ".txt"))
    for path in files:
        ingest(path.read_bytes(), source=path.name)
    # Every file is kept once; the parts of a series sent as separate files are kept as
    # parts (pending, or assembled into one more manifest once complete).
    received = list(PaxlstManifest.objects.filter(assembled=False))
    assert len(received) == len({path.read_bytes() for path in files})
    for row in PaxlstManifest.objects.all():
        if row.state == PaxlstManifest.State.PROCESSED:
            assert row.passengers == row.recorded + row.others + row.unidentified, row.source
            assert row.departures == Departure.objects.filter(manifest=row).count()
        elif row.state == PaxlstManifest.State.QUARANTINED:
            assert row.error_code.startswith("paxlst."), (row.source, row.error_message)
            assert not Departure.objects.filter(manifest=row).exists()
        else:
            assert row.series_id is not None, row.source
            assert row.passengers == 0
    assert {row.state for row in received} == {"processed", "quarantined", "pending", "assembled"}
    (whole,) = PaxlstManifest.objects.filter(assembled=True)
    assert "multipart_1of3" in whole.source


def test_two_interchanges_in_one_file_may_each_number_their_message_one(
    traveller: Bonded,
) -> None:
    """A message reference (UNH 0062) is unique within its interchange only (ISO 9735-1
    §8.3): the second interchange's passengers were taken for the first's, sent again with
    another document, and the whole file was quarantined."""
    admit(grace())
    raw = paxlst(manifest_passenger(), reference="000401") + paxlst(
        manifest_passenger(surname="PHIRI", passport="MA7654321"), reference="000402"
    )
    row = ingest(raw)
    assert (row.state, row.error_code) == (PaxlstManifest.State.PROCESSED, "")
    assert (row.passengers, row.departures) == (2, 2)
    ids = sorted(Departure.objects.values_list("sender_record_id", flat=True))
    assert [record_id.split("/", 1)[1] for record_id in ids] == ["MSG1/0/IAD", "MSG1@2/0/IAD"]
    assert set(Departure.objects.values_list("document_number", flat=True)) == {
        "MA1234567",
        "MA7654321",
    }
    assert ingest(raw, source="again.edi").pk == row.pk
    assert Departure.objects.count() == 2
