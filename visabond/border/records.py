"""What the border reports, checked before anything is stored: admissions, refused admissions,
departures, status decisions (extensions, changes of status) and document renewals.

Plain Python, no Django. Each report is built by one function that checks every field and
raises `InvalidInput` naming the first one at fault (the API, the command line and the
manifest reader all build reports here). `fields()` gives the columns a report is stored in,
under the names the API uses, so a record sent again can be compared field by field: the
same facts change nothing, other facts under the same record id are a conflict naming the
field (`differing_field`).

Dates and moments: a moment (admitted at, departed at) is aware; the day it fell on is the
day at the port (the port's IANA time zone), since the admit-until date on the I-94 is a day
at the place of admission: a traveller leaving JFK at 23:00 on the last day left on time,
although it was already the next day in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from visabond.border.evidence import EvidenceKind
from visabond.border.matching import DocumentKey, visa_key
from visabond.border.outcomes import StatusChange
from visabond.core.airports import airport_country, airport_time_zone
from visabond.core.errors import InvalidInput, gettext_noop
from visabond.documents.codes import KNOWN_CODES

_DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{1,20}$")
_VISA_CLASS = re.compile(r"^[A-Z0-9/-]{1,20}$")
# The longest admission any record may state, whatever its visa: ten years, the longest
# stay a rule may set (`policy.rules.VISA_CONDITION_LIMITS`). A visa of these programs bounds
# it much closer (`admissions.py`); this bound keeps a mistyped year (9999) out of the rest.
LONGEST_ADMISSION_DAYS = 3653
_BLANKS_AND_FILLERS = re.compile(r"[\s<]")


class RecordKind(StrEnum):
    """The kinds of record a sender may send; a machine client's scopes are a set of these."""

    ADMISSION = "admission"
    REFUSED_ADMISSION = "refused_admission"
    DEPARTURE = "departure"
    STATUS_DECISION = "status_decision"
    DOCUMENT_RENEWAL = "document_renewal"
    PAXLST = "paxlst"


class StatusKind(StrEnum):
    """What the immigration service decided or was told about an admitted traveller."""

    EXTENSION = "extension"  # the stay extended to a new admit-until date
    CHANGE_OF_STATUS = StatusChange.CHANGE_OF_STATUS.value
    ASYLUM = StatusChange.ASYLUM.value
    UNAUTHORIZED_WORK = StatusChange.UNAUTHORIZED_WORK.value


@dataclass(frozen=True, slots=True)
class Traveller:
    """Who a record is about, as matching knows them: the document, and the visa if shown."""

    document: DocumentKey | None
    nationality: str = ""
    visa_number: str = ""

    def fields(self) -> dict[str, object]:
        document = self.document
        return {
            "document_number": document.number if document else "",
            "document_issuing_state": document.issuing_state if document else "",
            "birth_date": document.birth_date if document else None,
            "nationality": self.nationality,
            "visa_number": self.visa_number,
        }


@dataclass(frozen=True, slots=True)
class AdmissionReport:
    """An admission (I-94): at a port, at a moment, for a class, until a day."""

    traveller: Traveller
    port: str
    admitted_at: dt.datetime
    admit_until: dt.date
    visa_class: str

    @property
    def admitted_on(self) -> dt.date:
        return port_day(self.admitted_at, self.port)

    def fields(self) -> dict[str, object]:
        return {
            **self.traveller.fields(),
            "port": self.port,
            "admitted_at": self.admitted_at,
            "admit_until": self.admit_until,
            "visa_class": self.visa_class,
        }


@dataclass(frozen=True, slots=True)
class RefusalReport:
    """Admission refused at the port of entry (the bond is then returned)."""

    traveller: Traveller
    port: str
    refused_at: dt.datetime
    reason: str = ""

    def fields(self) -> dict[str, object]:
        return {
            **self.traveller.fields(),
            "port": self.port,
            "refused_at": self.refused_at,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class DepartureReport:
    """A departure and the kind of evidence it rests on (`evidence.py` ranks them)."""

    traveller: Traveller
    port: str
    departed_at: dt.datetime
    evidence: EvidenceKind = EvidenceKind.EXIT_RECORD

    @property
    def departed_on(self) -> dt.date:
        return port_day(self.departed_at, self.port)

    def fields(self) -> dict[str, object]:
        return {
            **self.traveller.fields(),
            "port": self.port,
            "departed_at": self.departed_at,
            "evidence": self.evidence.value,
        }


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A status decision about an admitted traveller: an extension (with its new admit-until
    date) or a change of status, asylum application or unauthorized work reported."""

    traveller: Traveller
    kind: StatusKind
    decided_on: dt.date
    admit_until: dt.date | None = None

    def fields(self) -> dict[str, object]:
        return {
            **self.traveller.fields(),
            "kind": self.kind.value,
            "decided_on": self.decided_on,
            "admit_until": self.admit_until,
        }


@dataclass(frozen=True, slots=True)
class RenewalReport:
    """A travel document renewed during the stay: the old one (`traveller`) and the new."""

    traveller: Traveller
    new_document: DocumentKey
    renewed_on: dt.date

    def fields(self) -> dict[str, object]:
        return {
            **self.traveller.fields(),
            "new_document_number": self.new_document.number,
            "new_document_issuing_state": self.new_document.issuing_state,
            "renewed_on": self.renewed_on,
        }


Report = AdmissionReport | RefusalReport | DepartureReport | StatusReport | RenewalReport


def differing_field(stored: dict[str, object], report: Report) -> str | None:
    """The first field in which `report` differs from what was stored under its record id."""
    for name, value in report.fields().items():
        if stored.get(name) != value:
            return name
    return None


def traveller(
    *,
    document_number: str = "",
    document_issuing_state: str = "",
    birth_date: dt.date | None = None,
    nationality: str = "",
    visa_number: str = "",
    field_prefix: str = "",
) -> Traveller:
    """A traveller from what a record names: a document (number, issuing state and birth
    date: the three together, Doc 9303-3 §4.2 for the number's characters, §5 for the codes),
    a visa number, or both. Raises `InvalidInput` naming the field."""
    number = _cleaned(document_number)
    visa = visa_key(visa_number) or ""
    document = None
    if number or document_issuing_state.strip() or birth_date is not None:
        if not _DOCUMENT_NUMBER.match(number):
            raise InvalidInput(
                "a document number is 1 to 20 letters and digits",
                code="document_number_invalid",
                field=field_prefix + "document_number",
            )
        state = _code(document_issuing_state, field=field_prefix + "document_issuing_state")
        if not state:
            raise InvalidInput(
                "name the state that issued the document",
                code="required",
                field=field_prefix + "document_issuing_state",
            )
        if birth_date is None:
            raise InvalidInput(
                "a document is matched with its holder's birth date",
                code="required",
                field=field_prefix + "birth_date",
            )
        document = DocumentKey.of(number, state, birth_date)
    if document is None and not visa:
        raise InvalidInput(
            "name the travel document (number, issuing state, birth date) or the visa",
            code="traveller_unidentified",
            field=field_prefix + "document_number",
        )
    if len(visa) > 20:
        raise InvalidInput(
            "a visa number has at most 20 characters",
            code="too_long",
            field=field_prefix + "visa_number",
        )
    return Traveller(
        document=document,
        nationality=_code(nationality, field=field_prefix + "nationality"),
        visa_number=visa,
    )


def admission_report(
    *,
    traveller: Traveller,
    port: str,
    admitted_at: dt.datetime,
    admit_until: dt.date,
    visa_class: str,
) -> AdmissionReport:
    """An admission; the admit-until date is a day at the port, not before the admission
    nor more than `LONGEST_ADMISSION_DAYS` after it. Raises `InvalidInput` naming the field."""
    report = AdmissionReport(
        traveller=traveller,
        port=port_code(port),
        admitted_at=_aware(admitted_at, field="admitted_at"),
        admit_until=admit_until,
        visa_class=_visa_class(visa_class),
    )
    refusal = admit_until_refusal(admit_until, admitted_on=report.admitted_on, port=report.port)
    if refusal is not None:
        raise refusal
    return report


def admit_until_refusal(
    admit_until: dt.date, *, admitted_on: dt.date, port: str
) -> InvalidInput | None:
    """Why an admission at `port` (IATA) on `admitted_on` (a day at the port) cannot run
    until `admit_until`, or None: `admit_until_before_admission` (the date has passed on
    the day of admission) or `admit_until_too_late` (more than `LONGEST_ADMISSION_DAYS`
    after it), both naming `admit_until`. `admission_report` raises it; the border console
    shows it when the zones are read, in the same words."""
    if admit_until < admitted_on:
        return InvalidInput(
            gettext_noop(
                "admitted on %(day)s at %(port)s: the admit-until date %(until)s is before it"
            ),
            code="admit_until_before_admission",
            field="admit_until",
            params={"day": admitted_on, "port": port, "until": admit_until},
        )
    return _admit_until_too_late(admit_until, since=admitted_on)


def refusal_report(
    *, traveller: Traveller, port: str, refused_at: dt.datetime, reason: str = ""
) -> RefusalReport:
    """Admission refused at `port`."""
    if len(reason) > 500:
        raise InvalidInput("a reason has at most 500 characters", code="too_long", field="reason")
    return RefusalReport(
        traveller=traveller,
        port=port_code(port),
        refused_at=_aware(refused_at, field="refused_at"),
        reason=reason.strip(),
    )


def departure_report(
    *,
    traveller: Traveller,
    port: str,
    departed_at: dt.datetime,
    evidence: EvidenceKind | str = EvidenceKind.EXIT_RECORD,
) -> DepartureReport:
    """A departure from `port` (an airport: its IATA code) on the evidence named."""
    try:
        kind = EvidenceKind(evidence)
    except ValueError:
        allowed = ", ".join(k.value for k in EvidenceKind)
        raise InvalidInput(
            f"evidence is one of {allowed}", code="evidence_unknown", field="evidence"
        ) from None
    return DepartureReport(
        traveller=traveller,
        port=port_code(port),
        departed_at=_aware(departed_at, field="departed_at"),
        evidence=kind,
    )


def status_report(
    *,
    traveller: Traveller,
    kind: StatusKind | str,
    decided_on: dt.date,
    admit_until: dt.date | None = None,
) -> StatusReport:
    """A status decision; an extension names its new admit-until date, nothing else does."""
    try:
        status = StatusKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in StatusKind)
        raise InvalidInput(f"kind is one of {allowed}", code="kind_unknown", field="kind") from None
    if status is StatusKind.EXTENSION and admit_until is None:
        raise InvalidInput(
            "an extension names the new admit-until date", code="required", field="admit_until"
        )
    if status is not StatusKind.EXTENSION and admit_until is not None:
        raise InvalidInput(
            f"a {status.value} report changes no admit-until date",
            code="admit_until_unexpected",
            field="admit_until",
        )
    if admit_until is not None:
        _admit_until_bounded(admit_until, since=decided_on)
    return StatusReport(
        traveller=traveller, kind=status, decided_on=decided_on, admit_until=admit_until
    )


def renewal_report(
    *,
    traveller: Traveller,
    new_document_number: str,
    new_document_issuing_state: str,
    renewed_on: dt.date,
) -> RenewalReport:
    """A renewal: the new document's holder is the old one's (same birth date)."""
    if traveller.document is None:
        raise InvalidInput(
            "a renewal names the document it replaces",
            code="required",
            field="document_number",
        )
    number = _cleaned(new_document_number)
    if not _DOCUMENT_NUMBER.match(number):
        raise InvalidInput(
            "a document number is 1 to 20 letters and digits",
            code="document_number_invalid",
            field="new_document_number",
        )
    state = _code(new_document_issuing_state, field="new_document_issuing_state")
    if not state:
        raise InvalidInput(
            "name the state that issued the new document",
            code="required",
            field="new_document_issuing_state",
        )
    new = DocumentKey.of(number, state, traveller.document.birth_date)
    if new == traveller.document:
        raise InvalidInput(
            "the new document is the old one",
            code="renewal_same_document",
            field="new_document_number",
        )
    return RenewalReport(traveller=traveller, new_document=new, renewed_on=renewed_on)


def port_code(port: str) -> str:
    """An airport's IATA code, upper case; raises `InvalidInput` (`port_unknown`) otherwise."""
    code = port.strip().upper()
    if airport_country(code) is None or airport_time_zone(code) is None:
        raise InvalidInput(
            f"{port!r} is not an airport's IATA code", code="port_unknown", field="port"
        )
    return code


def port_state(port: str) -> str:
    """The ISO 3166 alpha-3 code of the state a port is in (a code `port_code` accepted)."""
    state = airport_country(port)
    assert state is not None, port
    return state


def port_day(moment: dt.datetime, port: str) -> dt.date:
    """The calendar day `moment` fell on at `port`, in the port's time zone."""
    zone = airport_time_zone(port)
    assert zone is not None, port
    return moment.astimezone(ZoneInfo(zone)).date()


def _admit_until_bounded(admit_until: dt.date, *, since: dt.date) -> None:
    refusal = _admit_until_too_late(admit_until, since=since)
    if refusal is not None:
        raise refusal


def _admit_until_too_late(admit_until: dt.date, *, since: dt.date) -> InvalidInput | None:
    if (admit_until - since).days > LONGEST_ADMISSION_DAYS:
        return InvalidInput(
            gettext_noop(
                "the admit-until date %(until)s is more than %(days)s days after %(since)s: "
                "no stay is that long"
            ),
            code="admit_until_too_late",
            field="admit_until",
            params={"until": admit_until, "days": LONGEST_ADMISSION_DAYS, "since": since},
        )
    return None


def _aware(moment: dt.datetime, *, field: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            "a moment needs its UTC offset (e.g. 2025-10-30T21:40:00-04:00)",
            code="moment_without_offset",
            field=field,
        )
    return moment.astimezone(dt.UTC)


def _visa_class(text: str) -> str:
    cleaned = text.strip().upper()
    if not _VISA_CLASS.match(cleaned):
        raise InvalidInput(
            "a class of admission is 1 to 20 letters, digits, / or -",
            code="visa_class_invalid",
            field="visa_class",
        )
    return cleaned


def _code(text: str, *, field: str) -> str:
    code = text.strip().upper().strip("<")
    if code and code not in KNOWN_CODES:
        raise InvalidInput(
            f"{text!r} is not an ISO 3166-1 alpha-3 or ICAO code (Doc 9303-3 §5)",
            code="state_unknown",
            field=field,
        )
    return code


def _cleaned(number: str) -> str:
    return _BLANKS_AND_FILLERS.sub("", number.upper())
