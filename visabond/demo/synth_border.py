"""The border's rows of a synthesised story (`visabond synth`): admission, refusal, departure,
status decisions, renewal, as `intake.report_store` leaves them once placed on the admission,
and what a manifest passenger is in the PAXLST the carrier sends."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from visabond.border.evidence import EvidenceKind
from visabond.border.models import (
    Admission,
    Departure,
    DocumentRenewal,
    MatchState,
    RefusedAdmission,
    StatusDecision,
)
from visabond.border.records import StatusKind, port_state
from visabond.core.airports import airport_time_zone
from visabond.demo.bulk import Ids, Rows, row
from visabond.demo.traffic import Story
from visabond.documents.paxlst import Person, TravelDocument

ACTOR = "visabond synth"
DESIGNATED_PORTS = frozenset({"BOS", "JFK", "IAD"})
SENDERS = {
    EvidenceKind.EXIT_RECORD: "cbp-ades",
    EvidenceKind.OTHER_STATE_ENTRY: "foreign-entry-stamps",
}


def manifest_person(story: Story) -> Person:
    documents = [
        TravelDocument(
            "P",
            document_at_exit(story),
            story.issued_on + dt.timedelta(days=5 * 365),
            issuing_country=story.post.country,
        )
    ]
    return Person(
        role="FL",
        surname=story.surname,
        given_names=story.given_names,
        sex=story.sex,
        birth_date=story.birth_date,
        nationality=story.post.country,
        documents=tuple(documents),
    )


def document_at_exit(story: Story) -> str:
    """The passport the traveller leaves on: the renewed one once renewed."""
    return story.renewed_passport if story.renewed_on is not None else story.passport


def story_fate(story: Story) -> str:
    if story.arrives_on is None:
        return "not_travelled"
    if story.refused_at_port:
        return "refused_admission"
    kinds = [s.kind for s in story.statuses if s.kind is not StatusKind.EXTENSION]
    if kinds:
        return str(kinds[0])
    if story.exit is None:
        return "no_departure"
    late = story.exit.on > story.authorized_until
    return f"departed_{'late' if late else 'on_time'}_{story.exit.evidence}"


def refusal_row(
    story: Story, key: str, *, bond_id: int, visa_id: int, rows: Rows, ids: Ids
) -> None:
    assert story.arrives_on is not None
    port = story.refused_at_port
    moment = moment_at(story.arrives_on, dt.time(8), zone_of(port))
    rows[RefusedAdmission].append(
        row(
            RefusedAdmission,
            id=ids.next(RefusedAdmission),
            **traveller_fields(story, story.passport),
            sender=SENDERS[EvidenceKind.EXIT_RECORD],
            sender_record_id=f"{key}-R",
            received_at=moment,
            received_by=ACTOR,
            port=port,
            state=state_of(port),
            refused_at=moment,
            reason="INA 212(a)(7)(B)",
            visa_id=visa_id,
            bond_id=bond_id,
        )
    )


def admission_rows(
    story: Story,
    key: str,
    admission_id: int,
    departure_id: int | None,
    bond_id: int,
    visa_id: int,
    visa_number: str,
    rows: Rows,
    ids: Ids,
) -> None:
    assert story.arrives_on is not None
    port = story.entry_port
    moment = moment_at(story.arrives_on, dt.time(15), zone_of(port))
    changes = [s.kind for s in story.statuses if s.kind is not StatusKind.EXTENSION]
    rows[Admission].append(
        row(
            Admission,
            id=admission_id,
            **traveller_fields(story, story.passport, visa_number=visa_number),
            sender=SENDERS[EvidenceKind.EXIT_RECORD],
            sender_record_id=f"{key}-A",
            received_at=moment,
            received_by=ACTOR,
            port=port,
            state=state_of(port),
            admitted_at=moment,
            admitted_on=story.arrives_on,  # the day at the port (`port_day`)
            admit_until=story.admit_until,
            authorized_until=story.authorized_until,
            visa_class="B2",
            visa_id=visa_id,
            bond_id=bond_id,
            entry_port_designated=port in DESIGNATED_PORTS,
            deciding_departure_id=departure_id,
            status_change="" if not changes else changes[0].value,
        )
    )
    for status in story.statuses:
        rows[StatusDecision].append(
            row(
                StatusDecision,
                id=ids.next(StatusDecision),
                **traveller_fields(story, story.passport),
                sender="uscis",
                sender_record_id=f"{key}-S-{status.kind}",
                received_at=moment_at(status.decided_on, dt.time(12), dt.UTC),
                received_by=ACTOR,
                match=MatchState.MATCHED.value,
                kind=status.kind.value,
                decided_on=status.decided_on,
                admit_until=status.admit_until,
                admission_id=admission_id,
            )
        )
    if story.renewed_on is not None:
        rows[DocumentRenewal].append(
            row(
                DocumentRenewal,
                id=ids.next(DocumentRenewal),
                **traveller_fields(story, story.passport),
                sender=f"{story.post.country.lower()}-passport-office",
                sender_record_id=f"{key}-N",
                received_at=moment_at(story.renewed_on, dt.time(12), dt.UTC),
                received_by=ACTOR,
                match=MatchState.MATCHED.value,
                new_document_number=story.renewed_passport,
                new_document_issuing_state=story.post.country,
                renewed_on=story.renewed_on,
                admission_id=admission_id,
            )
        )


def departure_row(
    story: Story,
    key: str,
    departure_id: int,
    admission_id: int,
    rows: Rows,
    *,
    sender: str,
    record: str,
    manifest_id: int | None = None,
) -> None:
    leaving = story.exit
    assert leaving is not None
    moment = moment_at(leaving.on, leaving.time, zone_of(leaving.port))
    other_state = leaving.evidence is EvidenceKind.OTHER_STATE_ENTRY
    rows[Departure].append(
        row(
            Departure,
            id=departure_id,
            **traveller_fields(story, document_at_exit(story)),
            sender=sender or SENDERS[leaving.evidence],
            sender_record_id=record or f"{key}-D",
            received_at=moment,
            received_by=ACTOR,
            match=MatchState.MATCHED.value,
            port=leaving.port,
            state=state_of(leaving.port),
            departed_at=moment,
            departed_on=leaving.on,  # the day at the port (`port_day`)
            evidence=leaving.evidence.value,
            rank=leaving.evidence.rank,
            accepted=True,
            admission_id=admission_id,
            matched_on="document",
            port_designated=other_state or leaving.port in DESIGNATED_PORTS,
            manifest_id=manifest_id,
        )
    )


def traveller_fields(story: Story, document: str, *, visa_number: str = "") -> dict[str, Any]:
    return {
        "document_number": document,
        "document_issuing_state": story.post.country,
        "birth_date": story.birth_date,
        "nationality": story.post.country,
        "visa_number": visa_number,
    }


@functools.cache
def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The time zone of an airport (an IATA code) or of a post (an IANA name), kept."""
    if "/" in name:
        return zoneinfo.ZoneInfo(name)
    zone = airport_time_zone(name)
    assert zone is not None, name
    return zoneinfo.ZoneInfo(zone)


@functools.cache
def state_of(port: str) -> str:
    return port_state(port)


def moment_at(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The moment of `time` on `day` where `zone` is, in UTC."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)
