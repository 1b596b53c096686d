"""Reads of the applicant's portal: their own cases, and where each case and bond stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from visabond.bonds.models import Bond, BondEventRecord, BondTerms
from visabond.casework.models import Case, CaseEvent, Visa
from visabond.core import clock
from visabond.core.errors import NotFound
from visabond.core.references import normalise_reference
from visabond.portal import progress, refund_accounts
from visabond.portal.progress import Milestone

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
    refund_clock: progress.RefundClock | None
    refund_account: refund_accounts.RefundAccount | None
    refunds_sent: list[refund_accounts.RefundSent]
    terms: BondTerms | None
    refusal: str | None  # the reason the visa was refused, as the officer gave it


def case_progress(case: Case, *, bond: Bond | None, visa: Visa | None) -> CaseProgress:
    """The case's journey, next step and refund clock, from its recorded events; `bond` and
    `visa` are the case's, as the caller already read them (`casework.selectors`)."""
    happened: dict[Milestone, dt.datetime] = {}
    refusal = None
    transitions = CaseEvent.objects.filter(case=case).values_list("after", "occurred_at", "reason")
    for after, at, reason in transitions:
        if after in CASE_MILESTONES:
            happened.setdefault(CASE_MILESTONES[after], at)
        if after == "refused":
            refusal = reason
    terms = BondTerms.objects.filter(program_id=case.program_id).first()
    sent: list[refund_accounts.RefundSent] = []
    account = None
    if bond is not None:
        events = BondEventRecord.objects.filter(bond=bond).values_list("event", "occurred_at")
        for event, at in events:
            if event in BOND_MILESTONES:
                happened.setdefault(BOND_MILESTONES[event], at)
        sent = refund_accounts.refunds_sent_for(bond)
        if sent:
            happened.setdefault(Milestone.REFUND_SENT, sent[0].sent_at)
        account = refund_accounts.refund_account_of(bond)
    today = clock.today()
    clock_ = None
    cancelled = happened.get(Milestone.CANCELLED)
    if cancelled is not None and terms is not None:
        confirmed = happened.get(Milestone.REFUND_CONFIRMED)
        clock_ = progress.refund_clock(
            cancelled_on=cancelled.date(),
            promise_days=terms.refund_promise_days,
            today=today,
            refunded_on=None if confirmed is None else confirmed.date(),
        )
    bond_state = None if bond is None else bond.state
    return CaseProgress(
        steps=progress.journey(case_state=case.state, bond_state=bond_state, happened=happened),
        next=progress.next_step(
            case_state=case.state,
            bond_state=bond_state,
            today=today,
            payment_deadline=None if bond is None else bond.payment_deadline,
            visa_valid_until=None if visa is None else visa.valid_until,
            refund_due_on=None if clock_ is None else clock_.due_on,
        ),
        bond=bond,
        visa=visa,
        refund_clock=clock_,
        refund_account=account,
        refunds_sent=sent,
        terms=terms,
        refusal=refusal,
    )
