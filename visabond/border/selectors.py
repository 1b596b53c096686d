"""Reads of the border's records: the review queue, a bond's admissions and departures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from visabond.bonds.models import Bond
from visabond.border import placement
from visabond.border.admissions import (
    EarlierAdmission,
    VisaTerms,
    admission_refusals,
    visa_zone_differences,
)
from visabond.border.keys import key_matches, key_prefix
from visabond.border.manifest_reading import series_missing
from visabond.border.models import (
    Admission,
    BorderClient,
    Departure,
    PaxlstManifest,
    PaxlstSeries,
    ReviewItem,
)
from visabond.border.records import Traveller, port_state
from visabond.casework.models import Visa
from visabond.core.errors import VisabondError
from visabond.policy.models import Program


@dataclass(frozen=True)
class AdmissionConditions:
    """What the officer at the port checks before admitting a traveller: the visa found
    for them (None when the visa is not one this system issued) and its bond, the ports it
    designates, its validity, the longest stay it allows, and whether `port` is designated.

    The bond's terms (Form I-352, 90 FR 37378): entry and exit only through a designated
    port, a stay no longer than the visa allows; a visa naming no port restricts none."""

    port: str
    on: dt.date
    visa: Visa | None
    bond: Bond | None

    @property
    def ports(self) -> list[str]:
        return [] if self.visa is None else list(self.visa.ports)

    @property
    def port_designated(self) -> bool:
        return placement.port_designated(self.port, self.visa)

    @property
    def visa_valid(self) -> bool:
        visa = self.visa
        return visa is not None and visa.valid_from <= self.on <= visa.valid_until

    @property
    def stay_until(self) -> dt.date | None:
        """The admit-until date the longest stay allows when admitted on `on`."""
        if self.visa is None or self.visa.max_stay_days is None:
            return None
        return self.on + dt.timedelta(days=self.visa.max_stay_days)


def admission_conditions(traveller: Traveller, *, port: str, on: dt.date) -> AdmissionConditions:
    """The conditions of the traveller's visa and bond at `port` on `on` (a day at the port),
    found as an admission record would find them (`placement.visa_of`)."""
    visa = placement.visa_of(traveller, on=on)
    bond = None if visa is None else Bond.objects.filter(case_id=visa.case_id).first()
    return AdmissionConditions(port=port, on=on, visa=visa, bond=bond)


def visa_terms(visa: Visa) -> VisaTerms:
    """The conditions of `visa` an admission is checked against (`admissions.py`): the
    issuing state is its case's program's, the rest as issued from the captured rule."""
    return VisaTerms(
        number=visa.number,
        issuer=visa.case.program.issuer,
        valid_from=visa.valid_from,
        valid_until=visa.valid_until,
        entries=visa.entries,
        max_stay_days=visa.max_stay_days,
        holder_birth_date=visa.case.birth_date,
        holder_surname=visa.case.surname,
    )


def admission_refusals_on(
    visa: Visa,
    *,
    port: str,
    admitted_on: dt.date,
    admit_until: dt.date | None,
    birth_date: dt.date | None = None,
) -> list[VisabondError]:
    """Every rule of `admissions.py` an admission on `visa` at `port` (IATA) on `admitted_on`
    until `admit_until` (None: not chosen yet) would break, judged on the visa's terms and
    its admissions recorded so far, and on whether `birth_date` (the presented passport's) is
    its holder's; writes nothing. The confirm step raises the first
    (`services.admission_record`); the console's read step shows them all as warnings."""
    return admission_refusals(
        visa_terms(visa),
        state=port_state(port),
        admitted_on=admitted_on,
        admit_until=admit_until,
        earlier=admissions_on_visa(visa.pk),
        birth_date=birth_date,
    )


def visa_zone_differences_on(
    visa: Visa, *, number: str, expiry: dt.date | None, issuing_state: str, surname: str = ""
) -> list[VisabondError]:
    """Where a visa zone scanned at the port (number, expiry, issuing state) differs from
    `visa`, the visa on file for the traveller (`admissions.visa_zone_differences`); writes
    nothing. The console warns of each when the zones are read and admits only once the
    officer has said why the visa scanned is accepted."""
    return visa_zone_differences(
        visa_terms(visa),
        number=number,
        expiry=expiry,
        issuing_state=issuing_state,
        surname=surname,
    )


def admission_stored(*, sender: str, record_id: str) -> bool:
    """Whether `sender` stored an admission under `record_id` already: sent again, it is
    judged by `intake.report_store` alone (unchanged, or a conflict), not by the visa's
    conditions, which its first sending used up."""
    return Admission.objects.filter(
        sender=sender.strip(), sender_record_id=record_id.strip()
    ).exists()


def admissions_on_visa(visa_id: int) -> list[EarlierAdmission]:
    """Every admission recorded on the visa, with whether a departure was placed on it."""
    departed = Exists(Departure.objects.filter(admission_id=OuterRef("pk")))
    rows = (
        Admission.objects.filter(visa_id=visa_id)
        .annotate(departed=departed)
        .values_list("pk", "port", "admitted_on", "departed")
    )
    return [EarlierAdmission(pk, port, day, bool(gone)) for pk, port, day, gone in rows]


def admissions_by_id(ids: Iterable[int]) -> dict[int, Admission]:
    """Admissions by id, with their bond (the candidates a review item names)."""
    rows = Admission.objects.filter(pk__in=list(ids)).select_related("bond")
    return {row.pk: row for row in rows}


def review_items_open() -> QuerySet[ReviewItem]:
    """Records waiting for a border officer, oldest first, with their record."""
    return ReviewItem.objects.filter(state=ReviewItem.State.OPEN).select_related(
        "departure", "status_decision", "renewal"
    )


def admissions_of_bond(bond_id: int) -> QuerySet[Admission]:
    """A bond's admissions, latest first, with the departure that decides each."""
    return (
        Admission.objects.filter(bond_id=bond_id)
        .select_related("deciding_departure")
        .order_by("-admitted_at", "-pk")
    )


def border_client_for_key(key: str) -> BorderClient | None:
    """The client whose key `key` is (revoked or not: the caller says why it refuses), or
    None for a key of no client."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    client = BorderClient.objects.filter(key_prefix=prefix).first()
    if client is None or not key_matches(key, client.key_hash):
        return None
    return client


def border_clients() -> QuerySet[BorderClient]:
    """Every machine client, by name (revoked ones too)."""
    return BorderClient.objects.order_by("name")


def manifests_listed(*, quarantined: bool = False) -> QuerySet[PaxlstManifest]:
    """Manifests received, newest first (the raw bytes left unread)."""
    rows = PaxlstManifest.objects.defer("raw").order_by("-received_at", "-pk")
    return rows.filter(state=PaxlstManifest.State.QUARANTINED) if quarantined else rows


def series_described(series: PaxlstSeries) -> dict[str, object]:
    """A series as the API and the console show it: its parts received and still missing
    (None while the final part, so the series' length, is unknown) and the whole, once
    assembled."""
    received = list(
        series.parts.exclude(state=PaxlstManifest.State.QUARANTINED).values_list(
            "part_numbers", "final_part"
        )
    )
    return {
        "common_access_reference": series.common_access_reference,
        "state": series.state,
        "parts": sorted({n for numbers, _ in received for n in numbers}),
        "missing": series_missing(received),
        "first_received_at": series.first_received_at.isoformat(),
        "assembled_into": series.manifest_id,
    }


def series_wait() -> dt.timedelta:
    """How long a series short of parts waits for them (`PAXLST_SERIES_WAIT_HOURS`, 24)."""
    return dt.timedelta(hours=float(settings.PAXLST_SERIES_WAIT_HOURS))


def series_waiting() -> list[dict[str, object]]:
    """The multi-part series still waiting for parts, oldest first (at most 200): each as
    `series_described` says, with the series itself (`series`: sender, flights)."""
    waiting = PaxlstSeries.objects.filter(state=PaxlstSeries.State.PENDING).order_by(
        "first_received_at", "pk"
    )
    return [{**series_described(series), "series": series} for series in waiting[:200]]


def program_states() -> frozenset[str]:
    """The states (alpha-3) that run a bond program: the ones whose borders manifests count."""
    return frozenset(Program.objects.values_list("issuer", flat=True).distinct())
