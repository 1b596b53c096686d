"""Which admission a departure closes: matched on the travel document or the visa, never names.

Plain Python, no Django. A departure record (an exit record at the port, an outbound
manifest's passenger, another state's entry stamp, a traveller's upload) names the document
the traveller showed: its number, issuing state and the holder's birth date, and often the
visa. It closes the traveller's open admission that

- was made on the same document (number + issuing state + birth date: the three together,
  since document numbers repeat between states and a misread birth date must not match), or
  on a document recorded as its renewal during the stay (the traveller renewed a passport at
  their embassy and left on the new one), or
- names the same visa number (the visa stays valid in the old passport and is shown with it),

and was made at or before the departure. Names are never compared: they are spelled
differently by every airline and every state, and two travellers share names far more often
than documents. One candidate is a match; none or several go to a person (the review queue).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True, order=True)
class DocumentKey:
    """A travel document as matching knows it: number, issuing state, holder's birth date."""

    number: str
    issuing_state: str
    birth_date: dt.date

    @classmethod
    def of(cls, number: str, issuing_state: str, birth_date: dt.date) -> DocumentKey:
        """The key with the number as the MRZ writes it: upper case, fillers and spaces gone
        (Doc 9303-3 §4.2: a number is letters and digits; "<" only pads it)."""
        return cls(
            _NOT_ALPHANUMERIC.sub("", number.upper()), issuing_state.strip().upper(), birth_date
        )


def visa_key(number: str | None) -> str | None:
    """A visa number as matching compares it, or None when there is none."""
    if not number:
        return None
    cleaned = _NOT_ALPHANUMERIC.sub("", number.upper())
    return cleaned or None


@dataclass(frozen=True, slots=True)
class OpenAdmission:
    """An admission with no departure yet, and every document it may be closed by."""

    admission_id: int
    documents: frozenset[DocumentKey]
    visa_number: str | None
    admitted_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DepartureFacts:
    document: DocumentKey | None
    visa_number: str | None
    departed_at: dt.datetime


class MatchOutcome(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"  # no open admission: a review decides (an exit of someone never seen)
    AMBIGUOUS = "ambiguous"  # several: a review decides, nothing is guessed


@dataclass(frozen=True, slots=True)
class Match:
    outcome: MatchOutcome
    admission_id: int | None = None
    on: str = ""  # "document", "visa" or "document and visa"
    candidates: tuple[int, ...] = ()


def match_departure(departure: DepartureFacts, open_admissions: Iterable[OpenAdmission]) -> Match:
    """The admission `departure` closes, or why a person must decide.

    Candidates are open admissions made at or before the departure whose documents include
    the departure's document, or whose visa number is the departure's. When several qualify,
    one matched on both the document and the visa wins over those matched on one; otherwise
    the departure is ambiguous.
    """
    visa = visa_key(departure.visa_number)
    found: list[tuple[int, str]] = []
    for admission in open_admissions:
        if admission.admitted_at > departure.departed_at:
            continue
        by_document = departure.document is not None and departure.document in admission.documents
        by_visa = visa is not None and visa == visa_key(admission.visa_number)
        if by_document or by_visa:
            on = (
                "document and visa"
                if by_document and by_visa
                else "document"
                if by_document
                else "visa"
            )
            found.append((admission.admission_id, on))
    if not found:
        return Match(MatchOutcome.UNMATCHED)
    if len(found) > 1:
        both = [item for item in found if item[1] == "document and visa"]
        if len(both) != 1:
            return Match(MatchOutcome.AMBIGUOUS, candidates=tuple(sorted(i for i, _ in found)))
        found = both
    admission_id, on = found[0]
    return Match(MatchOutcome.MATCHED, admission_id=admission_id, on=on)
