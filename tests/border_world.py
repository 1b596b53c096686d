"""Builders for border tests: a bonded traveller with an issued visa, and the reports the
border sends about her (admission, departure, status decisions, renewals) as senders send them.

The traveller is the casework world's Grace Banda (Malawi, passport MA1234567, born
1990-04-02), her $10,000 bond posted and her visa issued at Lilongwe on 2025-09-01: valid
until 2025-11-29 through BOS, JFK or IAD (the pilot's designated ports).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tests.casework_world import (
    World,
    application,
    officer_at,
    pay,
    person,
    posted_case,
)
from visabond.accounts.roles import Role
from visabond.bonds.lifecycle import BondEvent, BondState, movement_key
from visabond.bonds.models import Bond
from visabond.border import records, services
from visabond.border.evidence import EvidenceKind
from visabond.border.intake import Stored
from visabond.border.records import StatusKind, Traveller
from visabond.casework.models import Case, Visa
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.services import case_decide, case_interview, case_issue_visa, case_submit
from visabond.core.money import Money
from visabond.documents.paxlst import (
    Call,
    Flight,
    Interchange,
    Manifest,
    Person,
    Sequence,
    TravelDocument,
    write_paxlst,
)
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post

PASSPORT = "MA1234567"
BORN = dt.date(1990, 4, 2)
NEW_YORK = ZoneInfo("America/New_York")
SENDER = "cbp-ades"
_ids = itertools.count(1)


@dataclass
class Bonded:
    """A traveller whose bond is active: her case, visa and bond."""

    people: World
    case: Case
    visa: Visa

    @property
    def bond(self) -> Bond:
        return Bond.objects.get(case=self.case)


def bonded(*, amount: str = "10000", language: str = "en") -> Bonded:
    """Grace's case, bond posted and visa issued (the bond active): the standard $10,000, or
    $15,000 for the extent of her contacts (90 FR 37378)."""
    people = World(
        applicant=person("grace", Role.APPLICANT, email="grace@example.org", language=language),
        officer=officer_at("lilongwe"),
    )
    if amount == "10000":
        case = posted_case(people)
    else:
        submitted = case_submit(
            application=application(), applicant=people.applicant, actor=people.applicant
        )
        case_interview(reference=submitted.reference, notes="interviewed", actor=people.officer)
        choice = BondChoice(
            amount=Money.of(amount, "USD"),
            reason=AmountReason.EXTENT_OF_CONTACTS,
            explanation="extensive contacts in the United States",
        )
        case = case_decide(
            reference=submitted.reference,
            outcome=Outcome.DIRECT_BOND,
            choice=choice,
            actor=people.officer,
        )
        pay(case.bond)
    visa = case_issue_visa(reference=case.reference, actor=people.officer)
    return Bonded(people=people, case=case, visa=visa)


def at_port(day: str, time: str = "12:00", zone: ZoneInfo = NEW_YORK) -> dt.datetime:
    """A moment given as the port's local day and time."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=zone)


def grace(
    *, visa: str = "", passport: str = PASSPORT, state: str = "MWI", born: dt.date = BORN
) -> Traveller:
    return records.traveller(
        document_number=passport,
        document_issuing_state=state,
        birth_date=born,
        nationality="MWI",
        visa_number=visa,
    )


def record_id() -> str:
    return f"R{next(_ids):06d}"


def admit(
    traveller: Traveller,
    *,
    port: str = "IAD",
    on: str = "2025-10-01",
    until: str = "2025-10-30",
    record: str | None = None,
    sender: str = SENDER,
) -> Stored:
    report = records.admission_report(
        traveller=traveller,
        port=port,
        admitted_at=at_port(on, "15:00"),
        admit_until=dt.date.fromisoformat(until),
        visa_class="B2",
    )
    return services.admission_record(
        report, sender=sender, record_id=record or record_id(), actor="test border"
    )


def depart(
    traveller: Traveller,
    *,
    port: str = "IAD",
    on: str = "2025-10-30",
    time: str = "21:40",
    evidence: EvidenceKind = EvidenceKind.EXIT_RECORD,
    record: str | None = None,
    sender: str = SENDER,
    zone: ZoneInfo = NEW_YORK,
) -> Stored:
    report = records.departure_report(
        traveller=traveller, port=port, departed_at=at_port(on, time, zone), evidence=evidence
    )
    return services.departure_record(
        report, sender=sender, record_id=record or record_id(), actor="test border"
    )


def refuse(traveller: Traveller, *, port: str = "JFK", on: str = "2025-10-01") -> Stored:
    report = records.refusal_report(
        traveller=traveller, port=port, refused_at=at_port(on, "08:00"), reason="212(a)(7)"
    )
    return services.admission_refusal_record(
        report, sender=SENDER, record_id=record_id(), actor="test border"
    )


def status(
    traveller: Traveller, kind: StatusKind, *, on: str = "2025-10-10", until: str | None = None
) -> Stored:
    report = records.status_report(
        traveller=traveller,
        kind=kind,
        decided_on=dt.date.fromisoformat(on),
        admit_until=dt.date.fromisoformat(until) if until else None,
    )
    return services.status_decision_record(
        report, sender="uscis", record_id=record_id(), actor="test immigration"
    )


def renew(traveller: Traveller, *, new_passport: str, on: str = "2025-10-15") -> Stored:
    report = records.renewal_report(
        traveller=traveller,
        new_document_number=new_passport,
        new_document_issuing_state="MWI",
        renewed_on=dt.date.fromisoformat(on),
    )
    return services.document_renewal_record(
        report, sender="mwi-embassy", record_id=record_id(), actor="test embassy"
    )


def manifest_passenger(
    *,
    surname: str = "BANDA",
    passport: str = PASSPORT,
    born: dt.date | None = BORN,
    visa: str = "",
    nationality: str = "MWI",
    issuing_state: str = "MWI",
) -> Person:
    documents = [TravelDocument("P", passport, dt.date(2031, 1, 1), issuing_country=issuing_state)]
    if visa:
        documents.append(TravelDocument("V", visa, issuing_country="USA"))
    return Person(
        role="FL",
        surname=surname,
        given_names="GRACE",
        sex="F",
        birth_date=born,
        nationality=nationality,
        documents=tuple(documents),
    )


def paxlst(
    *passengers: Person,
    route: tuple[str, str] = ("IAD", "ADD"),
    departs: str = "2025-10-30T21:40",
    arrives: str = "2025-10-31T18:30",
    reference: str = "000123",
    sender: str = "ETHIOPIAN",
    flight: str = "501",
    part: tuple[str, int, str] | None = None,
    counts: tuple[tuple[str, int], ...] = (),
) -> bytes:
    """A PAXLST passenger list for one flight, as a carrier sends it (times local); with
    `part` (common access reference, part number, marker C/F or ""), one part of a
    multi-part message, whose `counts` (CNT) are the series' totals."""
    calls = (
        Call("125", route[0], "189", dt.datetime.fromisoformat(departs)),
        Call("87", route[1], "232", dt.datetime.fromisoformat(arrives)),
    )
    manifest = Manifest(
        message_reference="MSG1",
        version="D05B",
        document_code="745",
        flights=(Flight(number=flight, carrier="ET", calls=calls),),
        persons=passengers,
        counts=counts,
        common_access_reference=part[0] if part else "",
        sequence=Sequence(part[1], part[2]) if part else None,
        interchange=Interchange(
            syntax_identifier="UNOC",
            sender=sender,
            recipient="USCBPAPIS",
            prepared=dt.datetime.fromisoformat(departs) - dt.timedelta(hours=2),
            control_reference=reference,
        ),
    )
    return write_paxlst(manifest)


def cloned_bond(
    base: Bonded,
    tag: str,
    *,
    valid_until: dt.date | None = None,
    ports: list[str] | None = None,
    receipt: bool = False,
) -> Bond:
    """Another active bond like `base`'s (its case and visa copied, numbered by `tag`), built
    directly for tests of many bonds; with `receipt`, its money is in the ledger too."""
    case = Case.objects.get(pk=base.case.pk)
    case.pk, case.reference = None, f"C-{tag}"
    case.save()
    visa = Visa.objects.get(pk=base.visa.pk)
    visa.pk, visa.case, visa.number = None, case, f"V{tag.replace('-', '')}"[:9]
    if valid_until is not None:
        visa.valid_from, visa.valid_until = valid_until - dt.timedelta(days=89), valid_until
    if ports is not None:
        visa.ports = ports
    visa.save()
    bond = Bond.objects.create(
        number=f"B-{tag}",
        case=case,
        obligor_name="GRACE BANDA",
        amount=10000,
        currency="USD",
        state=BondState.ACTIVE,
        payment_deadline=dt.date(2025, 10, 1),
    )
    if receipt:
        ledger_post(
            transfer(
                TransactionKind.RECEIPT_APPLIED,
                key=movement_key(bond.number, BondEvent.POST),
                amount=bond.money,
            ),
            actor="test setup",
            bond_id=bond.pk,
        )
    return bond
