"""The border's records as stored: once per sender's record id, placed on the right admission
(never on a name), and what no rule can place waits for a border officer."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.border_world import (
    SENDER,
    Bonded,
    admit,
    at_port,
    bonded,
    depart,
    grace,
    refuse,
    renew,
    status,
)
from tests.casework_world import person
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.border import records, services
from visabond.border.evidence import EvidenceKind
from visabond.border.models import (
    Admission,
    Departure,
    MatchState,
    ReviewItem,
)
from visabond.border.records import StatusKind
from visabond.border.review_services import review_resolve
from visabond.casework.models import Case, Visa
from visabond.core.errors import Conflict, InvalidInput, PermissionDenied
from visabond.policy.models import Program

pytestmark = pytest.mark.usefixtures("pilot")


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def admission_of(stored: object) -> Admission:
    return Admission.objects.get(pk=stored.record.pk)  # type: ignore[attr-defined]


def copy_of(admission: Admission, *, sender: str) -> Admission:
    """A second feed's row of the same stay, as kept before a second admission on an open
    stay was refused (`admissions.py`): matching must still hand such pairs to a person."""
    copy = Admission.objects.get(pk=admission.pk)
    copy.pk = None
    copy.sender, copy.sender_record_id = sender, "copy"
    copy.save()
    return copy


def test_an_admission_on_our_visa_is_linked_to_its_bond_and_audited(traveller: Bonded) -> None:
    stored = admit(grace(visa=traveller.visa.number), port="JFK")
    admission = admission_of(stored)
    assert (admission.bond_id, admission.visa_id) == (traveller.bond.pk, traveller.visa.pk)
    assert admission.entry_port_designated
    assert admission.authorized_until == dt.date(2025, 10, 30)
    entry = AuditEvent.objects.filter(action="border.recorded").get()
    assert entry.details["bond"] == traveller.bond.number
    assert entry.details["sender_record_id"] == stored.record.sender_record_id


def test_an_admission_without_the_visa_number_finds_the_visa_by_passport(
    traveller: Bonded,
) -> None:
    admission = admission_of(admit(grace()))
    assert admission.bond_id == traveller.bond.pk


def test_an_entry_at_a_port_the_visa_does_not_name_is_marked(traveller: Bonded) -> None:
    admission = admission_of(admit(grace(visa=traveller.visa.number), port="ORD"))
    assert admission.bond_id == traveller.bond.pk
    assert not admission.entry_port_designated


def test_an_admit_until_date_beyond_the_visas_longest_stay_is_refused(
    traveller: Bonded,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        admit(grace(visa=traveller.visa.number), until="2025-12-31")
    assert (caught.value.code, caught.value.field) == ("admit_until_beyond_stay", "admit_until")
    assert "2025-10-31 at the latest" in caught.value.message
    with pytest.raises(InvalidInput) as absurd:
        admit(grace(visa=traveller.visa.number), until="9999-12-31")
    assert (absurd.value.code, absurd.value.field) == ("admit_until_too_late", "admit_until")
    assert not Admission.objects.exists()
    assert not AuditEvent.objects.filter(action="border.recorded").exists()


def test_a_visa_of_malis_program_does_not_admit_at_a_us_port(traveller: Bonded) -> None:
    malis = Program.objects.get(issuer="MLI")
    Case.objects.filter(pk=traveller.case.pk).update(program=malis)
    with pytest.raises(InvalidInput) as caught:
        admit(grace(visa=traveller.visa.number), port="JFK")
    assert (caught.value.code, caught.value.field) == ("visa_not_for_state", "visa_number")
    assert not Admission.objects.exists()


def test_a_visa_of_another_traveller_is_refused_whatever_name_its_zone_carries(
    traveller: Bonded,
) -> None:
    someone_else = grace(visa=traveller.visa.number, passport="MA7777777", born=dt.date(1971, 6, 5))
    with pytest.raises(Conflict) as caught:
        admit(someone_else, port="JFK")
    assert (caught.value.code, caught.value.field) == ("visa_holder_differs", "visa_number")
    assert "born on 1971-06-05" in caught.value.message
    assert not Admission.objects.exists()
    # Her own visa in a renewed passport (same holder, another number) is still hers.
    renewed = admission_of(admit(grace(visa=traveller.visa.number, passport="MA9999999")))
    assert renewed.bond_id == traveller.bond.pk


def test_a_second_admission_with_no_departure_between_is_refused_naming_the_first(
    traveller: Bonded,
) -> None:
    first = admission_of(admit(grace(), port="JFK"))
    with pytest.raises(Conflict) as caught:
        admit(grace(visa=traveller.visa.number), on="2025-10-05", until="2025-11-03")
    assert caught.value.field == "visa_number"
    assert f"admission {first.pk} at JFK on 2025-10-01" in caught.value.message
    Visa.objects.filter(pk=traveller.visa.pk).update(entries=2)  # two entries, still no exit
    with pytest.raises(Conflict) as still_in:
        admit(grace(), on="2025-10-05", until="2025-11-03")
    assert still_in.value.code == "admission_open"
    assert Admission.objects.count() == 1


def test_the_same_record_again_changes_nothing(traveller: Bonded) -> None:
    first = admit(grace(), record="I94-1")
    audited = AuditEvent.objects.count()
    again = admit(grace(), record="I94-1")
    assert (first.created, again.created) == (True, False)
    assert again.record.pk == first.record.pk
    assert Admission.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_the_same_record_id_with_other_facts_is_a_conflict_naming_the_field(
    traveller: Bonded,
) -> None:
    admit(grace(), record="I94-1", until="2025-10-30")
    with pytest.raises(Conflict) as caught:
        admit(grace(), record="I94-1", until="2025-10-31")
    assert (caught.value.code, caught.value.field) == ("record_differs", "admit_until")
    assert Admission.objects.get().admit_until == dt.date(2025, 10, 30)


def test_another_sender_may_use_the_same_record_id(traveller: Bonded) -> None:
    admit(grace(), record="1")
    depart(grace(), record="1")
    admit(grace(passport="ZZ0000001"), record="1", sender="other-system", on="2025-10-02")
    assert Admission.objects.count() == 2


def test_a_departure_closes_the_admission_made_on_the_same_document(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    stored = depart(grace())
    assert stored.match == MatchState.MATCHED
    admission.refresh_from_db()
    assert admission.deciding_departure_id == stored.record.pk
    assert Departure.objects.get().matched_on == "document"


def test_a_departure_naming_only_the_visa_matches_on_the_visa(traveller: Bonded) -> None:
    admission = admission_of(admit(grace(visa=traveller.visa.number)))
    by_visa = records.traveller(visa_number=traveller.visa.number)
    stored = depart(by_visa)
    assert stored.record.admission_id == admission.pk  # type: ignore[attr-defined]
    assert stored.record.matched_on == "visa"  # type: ignore[attr-defined]


def test_a_name_never_matches_and_a_misread_birth_date_does_not_either(
    traveller: Bonded,
) -> None:
    admit(grace())
    stored = depart(grace(born=dt.date(1990, 4, 3)))
    assert stored.match == MatchState.UNMATCHED


def test_a_departure_on_a_renewed_passport_closes_the_stay_begun_on_the_old_one(
    traveller: Bonded,
) -> None:
    admission = admission_of(admit(grace()))
    renewal = renew(grace(), new_passport="MB7654321")
    assert renewal.record.admission_id == admission.pk  # type: ignore[attr-defined]
    stored = depart(grace(passport="MB7654321"))
    assert stored.record.admission_id == admission.pk  # type: ignore[attr-defined]


def test_a_later_stay_is_closed_not_an_earlier_one(traveller: Bonded) -> None:
    Visa.objects.filter(pk=traveller.visa.pk).update(entries=2)  # a visa for two entries
    earlier = admission_of(admit(grace(), on="2025-09-02", until="2025-09-10"))
    depart(grace(), on="2025-09-09")
    later = admission_of(admit(grace(), on="2025-10-01"))
    stored = depart(grace(), on="2025-10-29")
    assert stored.record.admission_id == later.pk  # type: ignore[attr-defined]
    assert earlier.departures.count() == 1


def test_a_departure_before_the_admission_arrived_is_placed_when_it_does(
    traveller: Bonded,
) -> None:
    """Feeds are not ordered: the exit record may arrive before the entry record."""
    stored = depart(grace())
    assert stored.match == MatchState.UNMATCHED
    review = ReviewItem.objects.get(departure=stored.record)
    admission = admission_of(admit(grace()))
    review.refresh_from_db()
    assert review.state == ReviewItem.State.RESOLVED
    assert review.admission_id == admission.pk
    admission.refresh_from_db()
    assert admission.deciding_departure_id == stored.record.pk


def test_a_departure_of_someone_without_a_bond_waits_for_nobody(traveller: Bonded) -> None:
    stored = depart(grace(passport="ZZ0000001"))
    assert stored.match == MatchState.UNMATCHED
    assert not ReviewItem.objects.exists()


def test_two_admissions_a_departure_could_close_go_to_a_person_who_decides(
    traveller: Bonded,
) -> None:
    one = admission_of(admit(grace(), sender="ades"))
    two = copy_of(one, sender="i94-feed")
    stored = depart(grace())
    assert stored.match == MatchState.AMBIGUOUS
    review = ReviewItem.objects.get()
    assert sorted(review.candidates) == sorted([one.pk, two.pk])
    officer = person("border-officer", Role.BORDER_OFFICER)
    review_resolve(
        item_id=review.pk, admission_id=two.pk, note="same I-94, ades copy", actor=officer
    )
    departure = Departure.objects.get()
    assert (departure.admission_id, departure.match) == (two.pk, MatchState.RESOLVED)
    two.refresh_from_db()
    assert two.deciding_departure_id == departure.pk
    entry = AuditEvent.objects.filter(action="border.review_resolved").get()
    assert entry.actor_name == "border-officer"
    with pytest.raises(Conflict) as closed:
        review_resolve(item_id=review.pk, admission_id=one.pk, note="again", actor=officer)
    assert closed.value.code == "review_closed"


def test_only_a_border_officer_resolves_a_review(traveller: Bonded) -> None:
    depart(grace())
    review = ReviewItem.objects.get()
    with pytest.raises(PermissionDenied):
        review_resolve(
            item_id=review.pk,
            admission_id=None,
            note="x",
            actor=person("auditor", Role.AUDITOR),
        )
    review_resolve(
        item_id=review.pk,
        admission_id=None,
        note="not our traveller",
        actor=person("border-officer", Role.BORDER_OFFICER),
    )
    assert Departure.objects.get().match == MatchState.DISMISSED


def test_the_exit_record_decides_over_a_manifest_received_first(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    depart(grace(), on="2025-10-31", evidence=EvidenceKind.OUTBOUND_MANIFEST)
    exit_record = depart(grace(), on="2025-10-30")
    admission.refresh_from_db()
    assert admission.deciding_departure_id == exit_record.record.pk


def test_an_unreviewed_upload_decides_nothing(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    depart(grace(), evidence=EvidenceKind.TRAVELLER_UPLOAD)
    admission.refresh_from_db()
    assert admission.deciding_departure_id is None


def test_another_states_entry_stamp_closes_the_stay_in_the_state_left(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    stamp = depart(
        grace(),
        port="LLW",
        on="2025-10-31",
        time="09:00",
        evidence=EvidenceKind.OTHER_STATE_ENTRY,
    )
    assert stamp.record.admission_id == admission.pk  # type: ignore[attr-defined]
    assert stamp.record.port_designated  # type: ignore[attr-defined]


def test_a_departure_from_a_port_the_visa_does_not_name_is_marked(traveller: Bonded) -> None:
    admit(grace())
    stored = depart(grace(), port="ATL")
    assert stored.record.admission_id is not None  # type: ignore[attr-defined]
    assert not stored.record.port_designated  # type: ignore[attr-defined]


def test_the_latest_extension_sets_the_admit_until_date(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    status(grace(), StatusKind.EXTENSION, on="2025-10-20", until="2025-11-15")
    status(grace(), StatusKind.EXTENSION, on="2025-11-10", until="2025-11-25")
    admission.refresh_from_db()
    assert admission.authorized_until == dt.date(2025, 11, 25)
    assert admission.admit_until == dt.date(2025, 10, 30)


def test_the_first_status_change_reported_is_kept_on_the_admission(traveller: Bonded) -> None:
    admission = admission_of(admit(grace()))
    status(grace(), StatusKind.ASYLUM, on="2025-10-12")
    status(grace(), StatusKind.UNAUTHORIZED_WORK, on="2025-10-20")
    admission.refresh_from_db()
    assert admission.status_change == "asylum"


def test_a_refused_admission_is_linked_to_the_bond(traveller: Bonded) -> None:
    stored = refuse(grace(visa=traveller.visa.number))
    assert stored.record.bond_id == traveller.bond.pk  # type: ignore[attr-defined]
    assert stored.match == "bond"


def test_a_departure_leaving_after_midnight_utc_left_on_the_local_day(traveller: Bonded) -> None:
    admit(grace())
    stored = depart(grace(), on="2025-10-30", time="23:30")
    assert stored.record.departed_at.date() == dt.date(2025, 10, 31)  # type: ignore[attr-defined]
    assert stored.record.departed_on == dt.date(2025, 10, 30)  # type: ignore[attr-defined]


def test_a_batch_stores_good_items_and_answers_each_bad_one(traveller: Bonded) -> None:
    good = records.admission_report(
        traveller=grace(),
        port="JFK",
        admitted_at=at_port("2025-10-01"),
        admit_until=dt.date(2025, 10, 30),
        visa_class="B2",
    )
    other = records.admission_report(
        traveller=grace(),
        port="JFK",
        admitted_at=at_port("2025-10-01"),
        admit_until=dt.date(2025, 10, 31),
        visa_class="B2",
    )
    stranger = records.admission_report(
        traveller=grace(passport="ZZ0000001"),
        port="JFK",
        admitted_at=at_port("2025-10-01"),
        admit_until=dt.date(2025, 10, 30),
        visa_class="B2",
    )
    results = services.border_batch_record(
        kind=records.RecordKind.ADMISSION,
        items=[
            services.BatchItem("A", good),
            services.BatchItem("A", other),
            services.BatchItem("B", stranger),
        ],
        sender=SENDER,
        actor="test border",
    )
    assert [r.stored is not None for r in results] == [True, False, True]
    assert results[1].error is not None
    assert results[1].error.field == "admit_until"
    assert Admission.objects.count() == 2


def test_a_departure_on_a_new_passport_waits_until_its_renewal_is_placed(
    traveller: Bonded,
) -> None:
    """The renewal itself needed an officer (two admissions it could concern): once placed,
    the departure on the new passport that was waiting is placed too."""
    one = admission_of(admit(grace(), sender="ades"))
    copy_of(one, sender="i94-feed")
    renewal = renew(grace(), new_passport="MB7654321")
    assert renewal.match == MatchState.AMBIGUOUS
    departure = depart(grace(passport="MB7654321"))
    assert departure.match == MatchState.UNMATCHED
    review = ReviewItem.objects.get(renewal=renewal.record)
    officer = person("border-officer", Role.BORDER_OFFICER)
    review_resolve(item_id=review.pk, admission_id=one.pk, note="the ADES copy", actor=officer)
    assert Departure.objects.get().admission_id == one.pk
    assert ReviewItem.objects.get(departure=departure.record).state == ReviewItem.State.RESOLVED
