"""Reads of the applicant's portal: their own cases, and where each case and bond stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from visabond.bonds.models import Bond, BondEventRecord, BondTerms
from visabond.border.models import Admission
from visabond.casework.models import Case, CaseEvent, Visa
from visabond.core import clock
from visabond.core.errors import NotFound
from visabond.core.references import normalise_reference
from visabond.portal import progress
from visabond.portal.progress import Milestone
from visabond.refunds.rules import RefundClock, TransferState
from visabond.refunds.selectors import RefundView, refund_clock_of_bond, refund_of_bond

# A case's transitions and a bond's events, as the portal's milestones.
CASE_MILESTONES = {
    "submitted": Milestone.APPLIED,
    "interviewed": Milestone.INTERVIEWED,
    "approved": Milestone.APPROVED,
    "refused": Milestone.REFUSED,
    "lapsed": Milestone.LAPSED,
    "issued": Milestone.VISA_ISSUED,
}
BOND_MILESTONES = {
    "direct": Milestone.DIRECTED,
    "post": Milestone.PAID,
    "cancel": Milestone.CANCELLED,
    "confirm_refund": Milestone.REFUND_CONFIRMED,
    "suspect_breach": Milestone.BREACH_SUSPECTED,
    "forfeit": Milestone.FORFEITED,
}


def own_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """The cases `user` applied for, newest first."""
    if not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(applicant_id=user.pk)
        .select_related("post", "program", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


def own_case(user: AbstractBaseUser | AnonymousUser, reference: str) -> Case:
    """`user`'s own case `reference`; `NotFound` for any other, the same answer as for a
    case that does not exist, so an applicant cannot learn that another's case exists."""
    case = own_cases(user).filter(reference=normalise_reference(reference)).first()
    if case is None:
        raise NotFound(f"there is no case {reference}", code="case_not_found", field="reference")
    return case


@dataclass(frozen=True)
class CaseProgress:
    """Everything the portal's case page tells about where the case and its bond stand."""

    steps: list[progress.Step]
    next: progress.NextStep
    bond: Bond | None
    visa: Visa | None
    refund_clock: RefundClock | None
    refund: RefundView | None  # a cancelled or refunded bond's refund, with its transfers
    terms: BondTerms | None
    refusal: str | None  # the reason the visa was refused, as the officer gave it


def case_progress(case: Case, *, bond: Bond | None, visa: Visa | None) -> CaseProgress:
    """The case's journey, next step, refund and refund clock, from its recorded events and
    the refunds part's records; `bond` and `visa` are the case's, as the caller already read
    them (`casework.selectors`)."""
    happened: dict[Milestone, dt.datetime] = {}
    refusal = None
    transitions = CaseEvent.objects.filter(case=case).values_list("after", "occurred_at", "reason")
    for after, at, reason in transitions:
        if after in CASE_MILESTONES:
            happened.setdefault(CASE_MILESTONES[after], at)
        if after == "refused":
            refusal = reason
    terms = BondTerms.objects.filter(program_id=case.program_id).first()
    refund = None
    clock_ = None
    if bond is not None:
        events = BondEventRecord.objects.filter(bond=bond).values_list("event", "occurred_at")
        for event, at in events:
            if event in BOND_MILESTONES:
                happened.setdefault(BOND_MILESTONES[event], at)
        refund = refund_of_bond(bond)
        sent = refund_sent_at(refund)
        if sent is not None:
            happened[Milestone.REFUND_SENT] = sent
        clock_ = refund_clock_of_bond(bond)
    happened.update(border_milestones(bond=bond, visa=visa))
    today = clock.today()
    bond_state = None if bond is None else bond.state
    return CaseProgress(
        steps=progress.journey(case_state=case.state, bond_state=bond_state, happened=happened),
        next=progress.next_step(
            case_state=case.state,
            bond_state=bond_state,
            today=today,
            payment_deadline=None if bond is None else bond.payment_deadline,
            visa_valid_until=None if visa is None else visa.valid_until,
            refund_due_on=None if clock_ is None else clock_.due_by,
        ),
        bond=bond,
        visa=visa,
        refund_clock=clock_,
        refund=refund,
        terms=terms,
        refusal=refusal,
    )


def border_milestones(*, bond: Bond | None, visa: Visa | None) -> dict[Milestone, dt.datetime]:
    """When the traveller was admitted on the case's visa (or under its bond), and when the
    departure that counts for that stay happened (`Admission.deciding_departure`: a
    traveller's upload only once an officer accepted it); the latest stay's."""
    if visa is None and bond is None:
        return {}
    stays = (
        Admission.objects.filter(visa=visa)
        if visa is not None
        else Admission.objects.filter(bond=bond)
    )
    stay = stays.select_related("deciding_departure").order_by("-admitted_at", "-pk").first()
    if stay is None:
        return {}
    found = {Milestone.ADMITTED: stay.admitted_at}
    if stay.deciding_departure is not None:
        found[Milestone.DEPARTED] = stay.deciding_departure.departed_at
    return found


def refund_sent_at(refund: RefundView | None) -> dt.datetime | None:
    """When the refund went to the bank in the transfer that stands (in flight or paid); a
    rejected transfer does not count, since the refund is due again."""
    standing = [
        t.sent_at for t in (refund.transfers if refund else ()) if t.state != TransferState.REJECTED
    ]
    return standing[-1] if standing else None
