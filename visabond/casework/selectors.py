"""Reads of casework: who may see which case, a post's cases, a post's calendar, the rule a
decision would be taken under today."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from visabond.accounts.roles import Role, roles_of
from visabond.bonds.models import Bond, BondEventRecord, BondTerms
from visabond.casework.models import Case, CaseEvent, ConsularPost, PostAssignment, Visa
from visabond.casework.rules import CapturedRule, CaseState, WaiverGround
from visabond.core import clock
from visabond.core.errors import NotFound, gettext_noop
from visabond.core.references import normalise_reference
from visabond.documents.mrz import MrzError
from visabond.documents.mrz.writer import mrz_name_part
from visabond.policy.selectors import requirement_lookup

# Roles that read every case: they decide on bonds and money, or audit.
READ_ALL = {Role.BOND_ADJUDICATOR, Role.FINANCE_OFFICER, Role.AUDITOR}
# Roles that read cases at all, each only those `cases_visible_to` gives them.
CASE_READERS = (
    Role.APPLICANT,
    Role.CONSULAR_OFFICER,
    Role.CASHIER,
    Role.FINANCE_OFFICER,
    Role.BOND_ADJUDICATOR,
    Role.AUDITOR,
)


def post_today(post: ConsularPost) -> dt.date:
    """Today's date where the post is: deadlines and decisions count the post's calendar."""
    return clock.now().astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()


def post_of(user: AbstractBaseUser | AnonymousUser) -> ConsularPost | None:
    """The post a consular officer or cashier is assigned to, if any."""
    if not user.is_authenticated:
        return None
    assignment = PostAssignment.objects.select_related("post").filter(user_id=user.pk).first()
    return None if assignment is None else assignment.post


def cases_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """The cases `user` may see: an applicant their own; a consular officer or cashier their
    post's; adjudicators, finance officers and auditors every case; anyone else none."""
    cases = Case.objects.select_related("post", "program", "applicant")
    held = roles_of(user)
    if not user.is_authenticated or not held:
        return cases.none()
    if held & READ_ALL:
        return cases
    visible = cases.none()
    if held & {Role.CONSULAR_OFFICER, Role.CASHIER}:
        post = post_of(user)
        if post is not None:
            visible = visible | cases.filter(post=post)
    if Role.APPLICANT in held:
        visible = visible | cases.filter(applicant_id=user.pk)
    return visible


def case_for(user: AbstractBaseUser | AnonymousUser, reference: str) -> Case:
    """The case `reference` if `user` may see it; `NotFound` otherwise, the same answer as
    for a case that does not exist, so nobody learns that another's case exists."""
    case = cases_visible_to(user).filter(reference=normalise_reference(reference)).first()
    if case is None:
        raise NotFound(
            gettext_noop("there is no case %(reference)s"),
            code="case_not_found",
            field="reference",
            params={"reference": reference},
        )
    return case


def case_rule_in_force(case: Case) -> CapturedRule:
    """The rule a decision on `case` would be taken under today: in force and known on the
    post's date (22 CFR 41.11(c): the officer decides at the interview under the rule then
    published), with the program's waiver grounds (`BondTerms.waiver_grounds`).

    `case_decide` captures exactly this on the case; the console shows it before deciding.
    """
    today = post_today(case.post)
    answer = requirement_lookup(
        issuer=case.program.issuer,
        nationality=case.nationality,
        visa_class=case.visa_class,
        on=today,
        known_on=today,
    )
    terms = answer.requirement.terms
    version = answer.deciding_version()
    bond_terms = BondTerms.objects.filter(program=case.program).first()
    grounds = (
        () if bond_terms is None else tuple(WaiverGround(**g) for g in bond_terms.waiver_grounds)
    )
    return CapturedRule(
        rule_id=None if version is None else version.rule_id,
        version=None if version is None else version.version,
        program=case.program.code if version is None else version.rule.program.code,
        legal_basis="" if version is None else version.legal_basis,
        sources=tuple(answer.to_json_dict()["sources"]),
        decided_on=today,
        bond_required=answer.requirement.bond_required,
        amounts=() if terms is None else terms.amounts,
        standard_amount=None if terms is None else terms.standard_amount,
        entries=None if terms is None else terms.visa.entries,
        validity_days=None if terms is None else terms.visa.validity_days,
        max_stay_days=None if terms is None else terms.visa.max_stay_days,
        ports=() if terms is None else terms.ports,
        issuance_suspended=answer.requirement.issuance_suspended,
        waiver_grounds=grounds,
    )


def post_cases(post: ConsularPost, *, state: str = "", query: str = "") -> QuerySet[Case]:
    """A post's cases, newest first, in one state if given, matching `query` if given
    (`cases_matching`)."""
    cases = Case.objects.filter(post=post).select_related("post", "program")
    return cases_matching(cases, state=state, query=query)


def cases_matching(cases: QuerySet[Case], *, state: str = "", query: str = "") -> QuerySet[Case]:
    """`cases`, newest first, in one state if given, matching `query` if given.

    `query` matches a case reference (typed as people type it: look-alikes mapped), a
    passport number, or part of a surname or given name as the passport's zone writes it
    (Doc 9303-3 §6: "Zoë" finds ZOE).
    """
    if state:
        cases = cases.filter(state=state)
    text = query.strip()
    if text:
        try:
            name = mrz_name_part(text, field="query").replace("<", " ")
        except MrzError:
            name = text
        cases = cases.filter(
            Q(reference=normalise_reference(text))
            | Q(passport_number=text.upper().replace(" ", ""))
            | Q(surname__icontains=name)
            | Q(given_names__icontains=name)
        )
    return cases.order_by("-submitted_at", "-pk")


def post_case_counts(post: ConsularPost) -> dict[CaseState, int]:
    """How many of a post's cases are in each state (every state, zero included)."""
    counts = dict(
        Case.objects.filter(post=post)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state.value, 0) for state in CaseState}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case or its bond: when, what, who, why."""

    occurred_at: dt.datetime
    subject: str  # "case" or "bond"
    before: str
    after: str
    actor_name: str
    reason: str


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Every transition of the case and of its bond, oldest first, in one list."""
    entries = [
        TimelineEntry(e.occurred_at, "case", e.before, e.after, e.actor_name, e.reason)
        for e in CaseEvent.objects.filter(case=case)
    ]
    entries += [
        TimelineEntry(e.occurred_at, "bond", e.before, e.after, e.actor_name, e.reason)
        for e in BondEventRecord.objects.filter(bond__case=case)
    ]
    return sorted(entries, key=lambda e: e.occurred_at)


def bond_of(case: Case) -> Bond | None:
    """The bond directed for a case, if one was."""
    return Bond.objects.filter(case=case).first()


def visa_of(case: Case) -> Visa | None:
    """The visa issued for a case, if one was."""
    return Visa.objects.filter(case=case).first()
