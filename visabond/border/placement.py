"""Where a record belongs, read from the database: the visa and bond of a traveller, the
admissions a later record may concern, and whether a bond is at stake at all.

Reads only. The rule of which admission a record closes is `matching.match_departure`
(plain Python); this module gives it its candidates: admissions in the right state, made at
or before the record's moment, on the record's document (or a renewal of it) or its visa,
keeping for each traveller only the latest such admission (an earlier stay was closed by
the later entry, since nobody enters a state they are already in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from visabond.border.matching import DepartureFacts as MatchFacts
from visabond.border.matching import DocumentKey, Match, OpenAdmission, match_departure
from visabond.border.models import Admission, DocumentRenewal
from visabond.border.records import Traveller
from visabond.casework.models import Case, Visa


def visa_of(traveller: Traveller, *, on: dt.date) -> Visa | None:
    """The visa a traveller travels on: the one numbered as the record says, else the one
    issued for a case on the same passport (number, state, birth date) valid on `on`,
    when there is exactly one."""
    if traveller.visa_number:
        found = (
            Visa.objects.select_related("case__bond").filter(number=traveller.visa_number).first()
        )
        if found is not None:
            return found
    document = traveller.document
    if document is None:
        return None
    visas = list(
        Visa.objects.select_related("case__bond").filter(
            case__passport_number=document.number,
            case__passport_issuing_state=document.issuing_state,
            case__birth_date=document.birth_date,
            valid_from__lte=on,
            valid_until__gte=on,
        )[:2]
    )
    return visas[0] if len(visas) == 1 else None


def bond_id_of(visa: Visa | None) -> int | None:
    """The id of the bond the visa's case posted, if it has one."""
    if visa is None:
        return None
    bond = getattr(visa.case, "bond", None)
    return None if bond is None else int(bond.pk)


def port_designated(port: str, visa: Visa | None) -> bool:
    """Whether `port` is one the visa names (a visa naming none restricts nothing)."""
    return visa is None or not visa.ports or port in visa.ports


def candidates(
    traveller: Traveller, *, state: str | None, at: dt.datetime, other_state: bool = False
) -> list[OpenAdmission]:
    """The admissions a record about `traveller` at `at` may concern.

    Admissions in `state` (any state when None; for another state's entry stamp,
    `other_state=True`, any state but that one), made at or before `at`, on the traveller's document or a renewal of it,
    or on their visa; of those sharing a document or visa, only the latest.
    """
    # Each way of naming the traveller is looked up on its own index, and the admissions
    # read by id: one query OR-ing them over a join with the renewals scans every admission
    # (EXPLAIN ANALYZE: docs/performance.md, manifest ingestion).
    ids: set[int] = set()
    document = traveller.document
    if document is not None:
        ids.update(
            Admission.objects.filter(
                document_number=document.number,
                document_issuing_state=document.issuing_state,
                birth_date=document.birth_date,
            ).values_list("pk", flat=True)
        )
        ids.update(
            DocumentRenewal.objects.filter(
                new_document_number=document.number,
                new_document_issuing_state=document.issuing_state,
                admission__birth_date=document.birth_date,
            ).values_list("admission_id", flat=True)
        )
    if traveller.visa_number:
        ids.update(
            Admission.objects.filter(visa_number=traveller.visa_number).values_list("pk", flat=True)
        )
    if not ids:
        return []
    where = Q() if state is None else ~Q(state=state) if other_state else Q(state=state)
    rows = Admission.objects.filter(where, pk__in=ids, admitted_at__lte=at).prefetch_related(
        "renewals"
    )
    found = [_open(row) for row in rows]
    return [a for a in found if not any(_supersedes(b, a) for b in found)]


def placed(
    traveller: Traveller, *, state: str | None, at: dt.datetime, other_state: bool = False
) -> Match:
    """The matcher's answer for a record about `traveller` at `at` (see `candidates`)."""
    facts = MatchFacts(
        document=traveller.document, visa_number=traveller.visa_number, departed_at=at
    )
    return match_departure(
        facts, candidates(traveller, state=state, at=at, other_state=other_state)
    )


def bond_at_stake(traveller: Traveller) -> bool:
    """Whether a record may concern a bonded traveller: its visa is one issued with a bond,
    or its document is the passport of a bonded case or a renewal of one. Only such records
    go to a person when no admission is found; the others are kept, unmatched."""
    if (
        traveller.visa_number
        and Visa.objects.filter(number=traveller.visa_number, case__bond__isnull=False).exists()
    ):
        return True
    document = traveller.document
    if document is None:
        return False
    if Case.objects.filter(
        passport_number=document.number,
        passport_issuing_state=document.issuing_state,
        birth_date=document.birth_date,
        bond__isnull=False,
    ).exists():
        return True
    renewed = DocumentRenewal.objects.filter(
        new_document_number=document.number,
        new_document_issuing_state=document.issuing_state,
        birth_date=document.birth_date,
    )
    # The renewal may itself wait for an officer: its old document then tells.
    return renewed.filter(admission__bond__isnull=False).exists() or any(
        Case.objects.filter(
            passport_number=old.document_number,
            passport_issuing_state=old.document_issuing_state,
            birth_date=old.birth_date,
            bond__isnull=False,
        ).exists()
        for old in renewed
        if old.birth_date is not None
    )


def documents_of(admission: Admission) -> frozenset[DocumentKey]:
    """The documents an admission may be closed by: its own and those renewing it."""
    keys = set()
    if admission.birth_date is not None and admission.document_number:
        keys.add(
            DocumentKey(
                admission.document_number, admission.document_issuing_state, admission.birth_date
            )
        )
        keys.update(
            DocumentKey(r.new_document_number, r.new_document_issuing_state, admission.birth_date)
            for r in _renewals(admission)
        )
    return frozenset(keys)


def _renewals(admission: Admission) -> Iterable[DocumentRenewal]:
    return admission.renewals.all()


def _open(row: Admission) -> OpenAdmission:
    return OpenAdmission(
        admission_id=row.pk,
        documents=documents_of(row),
        visa_number=row.visa_number or None,
        admitted_at=row.admitted_at,
    )


def _supersedes(later: OpenAdmission, earlier: OpenAdmission) -> bool:
    """`later` is a later entry of the same traveller (a shared document or visa)."""
    if later.admission_id == earlier.admission_id or later.admitted_at <= earlier.admitted_at:
        return False
    same_visa = later.visa_number is not None and later.visa_number == earlier.visa_number
    return same_visa or bool(later.documents & earlier.documents)
