"""The records a message body is read into before they are complete, and how a person's
dates are settled once all of the person's documents are known.

A birth date with a two-digit year is read in the century `centuries.birth_date` gives:
never after the message date, before every document's expiry and on or before every issue
date the person's documents state (the same rule as the MRZ reader). That needs the whole
SG4 group, so the birth date is settled when the person closes, not at its DTM+329.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from visabond.documents import centuries
from visabond.documents.paxlst.dates import DtmValue
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.model import Call, Doubt, Flight, Person, Reference, TravelDocument
from visabond.documents.paxlst.tokenizer import Segment


@dataclass(slots=True)
class DocumentDraft:
    kind: str
    number: str
    expiry_text: str = ""
    expiry: dt.date | None = None
    issued: dt.date | None = None
    issuing_country: str = ""

    def freeze(self) -> TravelDocument:
        return TravelDocument(
            kind=self.kind,
            number=self.number,
            expiry=self.expiry,
            expiry_text=self.expiry_text,
            issued=self.issued,
            issuing_country=self.issuing_country,
        )


@dataclass(slots=True)
class PersonDraft:
    role: str
    surname: str
    given_names: str
    address: tuple[str, ...]
    segment_number: int
    places: dict[str, str] = field(default_factory=dict)
    sex: str = ""
    birth_date_text: str = ""
    birth_value: DtmValue | None = None
    birth_segment: Segment | None = None
    nationality: str = ""
    references: list[Reference] = field(default_factory=list)
    documents: list[DocumentDraft] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)

    def doubt(self, field_name: str, code: Defect, message: str) -> None:
        entry = Doubt(field_name, code, message)
        if entry not in self.doubts:
            self.doubts.append(entry)

    def settle_birth_date(self, *, reference: dt.date) -> dt.date | None:
        """The birth date in the century the documents allow, with a doubt when the dates
        contradict each other (kept as sent when the year has four digits)."""
        value = self.birth_value
        if value is None:
            return None
        expiry = issued = None
        for document in self.documents:
            if document.expiry is not None and (expiry is None or document.expiry < expiry):
                expiry = document.expiry
            if document.issued is not None and (issued is None or document.issued < issued):
                issued = document.issued
        text = self.birth_date_text
        if not value.two_digit_year:
            birth = value.on(value.year).date()
            if birth > reference or (expiry and birth >= expiry) or (issued and birth > issued):
                message = (
                    f"birth date {text!r} is after the message date, or not before the "
                    "expiry of the person's document, or after its issue"
                )
                self.doubt("birth_date", Defect.DATE_INCONSISTENT, message)
            return birth
        try:
            settled = centuries.birth_date(
                (value.year, value.month, value.day),
                reference=reference,
                expiry=expiry,
                issued=issued,
            )
        except ValueError:
            self.doubt("birth_date", Defect.DATE_INVALID, f"{text!r} is not a valid date")
            return None
        if settled is None:
            self.doubt("birth_date", Defect.DATE_INCONSISTENT, _contradiction(text, expiry))
        return settled

    def freeze(self, birth_date: dt.date | None) -> Person:
        place = self.places.get
        return Person(
            role=self.role,
            surname=self.surname,
            given_names=self.given_names,
            sex=self.sex,
            birth_date=birth_date,
            birth_date_text=self.birth_date_text,
            nationality=self.nationality,
            embarkation=place("embarkation", ""),
            debarkation=place("debarkation", ""),
            clearance=place("clearance", ""),
            residence_country=place("residence_country", ""),
            birthplace=place("birthplace", ""),
            address=self.address,
            references=tuple(self.references),
            documents=tuple([document.freeze() for document in self.documents]),
            doubts=tuple(self.doubts),
            segment_number=self.segment_number,
        )


def _contradiction(text: str, expiry: dt.date | None) -> str:
    against = f"the document expiry {expiry.isoformat()}" if expiry else "the message date"
    return (
        f"birth date {text!r} is not before {against} (and not after its issue) in any "
        f"century a traveller aged at most {centuries.OLDEST_AGE_YEARS} could be born in"
    )


@dataclass(slots=True)
class FlightDraft:
    number: str
    carrier: str
    calls: list[Call] = field(default_factory=list)

    def freeze(self) -> Flight:
        return Flight(number=self.number, carrier=self.carrier, calls=tuple(self.calls))
