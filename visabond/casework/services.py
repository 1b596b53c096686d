"""Writes of consular casework: application, interview, decision, visa, refusal, lapse.

Entry points open their own durable transaction (docs/writes.md); `case_bond_paid` is a
step the payment entry points call. Every transition goes through `rules.case_transition`
(an illegal one is a `Conflict` naming the current state, and changes nothing), is recorded
as a `CaseEvent` with its actor, moment and reason, and is an audit entry. Notices leave on
commit.

A consular officer acts only on the cases of the post they are assigned to; for a case of
another post the answer is the same `NotFound` as for a case that does not exist, so an
officer cannot learn what another post holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from visabond.accounts.roles import Role, has_role
from visabond.audit.actors import Actor, actor_name, actor_user
from visabond.audit.services import AuditAction, audit_record, audit_refusal_kept
from visabond.bonds.lifecycle import BondEvent, BondState, CancelReason
from visabond.bonds.models import Bond, BondTerms
from visabond.bonds.services import bond_direct, bond_event_apply, bond_locked
from visabond.casework import rules
from visabond.casework.claim_services import claim_code_issue
from visabond.casework.models import Case, CaseEvent, ConsularPost, PostAssignment, Visa
from visabond.casework.rules import (
    BondChoice,
    CapturedRule,
    CaseState,
    Outcome,
    case_transition,
)
from visabond.casework.selectors import case_rule_in_force, post_today
from visabond.core import clock
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, gettext_noop
from visabond.core.money import Money
from visabond.core.references import new_reference, normalise_reference
from visabond.core.text import quoted
from visabond.core.writes import within_caller_transaction
from visabond.documents.mrz import MrzError, VisaZoneData, mrva_zone, parse_mrz
from visabond.ledger.postings import TransactionKind
from visabond.notices.services import Notice, notice_send
from visabond.policy.models import Program, RuleVersion
from visabond.policy.visa_classes import normalise_visa_class

LONGEST_TEXT = 2000


@dataclass(frozen=True)
class Application:
    """What an applicant submits: the passport's zone, the same identity typed, the trip."""

    post: str
    visa_class: str
    passport_mrz: str
    surname: str
    given_names: str
    birth_date: dt.date
    passport_number: str
    purpose: str
    intended_arrival: dt.date
    intended_departure: dt.date
    program: str = ""


def case_submit(
    *, application: Application, applicant: AbstractBaseUser | None, actor: Actor
) -> Case:
    """Open a case from an application (state `submitted`).

    An entry point. The identity is the passport's MRZ (ICAO Doc 9303-4, TD3): it must read
    with every check digit passing, and what was typed must agree with it field by field
    (`identity_mismatch`, naming the first field that differs). The passport must be valid
    through the intended departure; the trip's dates must be in order and not in the past.
    """
    opening = _opening(application)
    with transaction.atomic(durable=True):
        return _opened(opening, applicant=applicant, actor=actor)


def case_walk_in_open(*, application: Application, actor: Actor) -> Case:
    """Open a case for a walk-in applicant: someone who applied in person at the post and
    has no portal account, so the case has no applicant (state `submitted`). When a bond is
    directed on it, a claim code is issued and printed on the bond notice, by which the
    obligor claims the case later (`claim_services`).

    An entry point, for a consular officer of the application's post (a process, such as
    the demonstration's loader, for any post). The application is checked as
    `case_submit` checks it. Raises `PermissionDenied` (`role_required`) for a user who is
    no consular officer, `PermissionDenied` (`post_not_assigned`, field `post`) for a post
    other than the officer's own (that refusal is audited, `case.walk_in_refused`),
    `Conflict` (`case_already_open`, field `passport_number`) while the traveller's passport
    has an open case in the program (`_refuse_second_open`), and whatever `case_submit`
    raises.
    """
    user = actor_user(actor)
    if user is not None:
        if not has_role(user, Role.CONSULAR_OFFICER):
            raise PermissionDenied(
                gettext_noop("only a consular officer opens a case at the post"),
                code="role_required",
            )
        own = PostAssignment.objects.filter(user_id=user.pk).select_related("post").first()
        if own is None or own.post.code != application.post.strip().lower():
            _wrong_post_recorded(user=user, actor=actor, post=application.post, own=own)
            raise PermissionDenied(
                gettext_noop("a case is opened at the post you are assigned to, not at %(post)s"),
                code="post_not_assigned",
                field="post",
                params={"post": quoted(application.post)},
            )
    opening = _opening(application)
    try:
        with transaction.atomic(durable=True):
            return _opened(opening, applicant=None, actor=actor)
    except Conflict as refused:
        if refused.code == "case_already_open" and user is not None:
            # The answer says whether a passport has a case open at another post: who asked
            # it of which passport is on the trail.
            audit_refusal_kept(
                AuditAction.CASE_WALK_IN_REFUSED,
                subject=user,
                actor=actor,
                details={
                    "post": opening.post.code,
                    "passport_number": opening.zone.document_number,
                    "passport_issuing_state": opening.zone.issuing_state,
                    "reason": "case_already_open",
                    "open_case": refused.params.get("reference", "at another post"),
                },
            )
        raise


@dataclass(frozen=True)
class _Opening:
    """An application checked, with what the case records of it."""

    post: ConsularPost
    program: Program
    visa_class: str
    zone: Any
    purpose: str
    intended_arrival: dt.date
    intended_departure: dt.date


def _opening(application: Application) -> _Opening:
    post = _post(application.post)
    program = _program_of(post, application.program)
    zone = _passport_zone(application.passport_mrz)
    _check_identity(application, zone)
    if zone.nationality == program.issuer:
        raise InvalidInput(
            gettext_noop("a national of %(issuer)s needs no visa of %(issuer)s"),
            code="nationality_is_issuer",
            field="passport_mrz",
            params={"issuer": program.issuer},
        )
    _check_trip(application, zone.expiry_date, today=post_today(post))
    return _Opening(
        post=post,
        program=program,
        visa_class=normalise_visa_class(program.issuer, application.visa_class),
        zone=zone,
        purpose=_text(application.purpose, field="purpose", limit=500),
        intended_arrival=application.intended_arrival,
        intended_departure=application.intended_departure,
    )


def _wrong_post_recorded(
    *, user: AbstractBaseUser, actor: Actor, post: str, own: PostAssignment | None
) -> None:
    """Put on the trail a walk-in case refused to an officer for a post not their own.

    Its own transaction, committed before the refusal is raised: the refusal writes nothing
    else, and its entry stays (as `claim_services.case_claim` keeps its refusals).
    """
    audit_refusal_kept(
        AuditAction.CASE_WALK_IN_REFUSED,
        subject=user,
        actor=actor,
        details={
            "post": post[:40],
            "assigned_post": "" if own is None else own.post.code,
            "reason": "post_not_assigned",
        },
    )


def _opened(opening: _Opening, *, applicant: AbstractBaseUser | None, actor: Actor) -> Case:
    zone = opening.zone
    walk_in = applicant is None
    if walk_in:
        _refuse_second_open(opening, actor=actor)
    case = _created_case(
        # The database refuses a second open walk-in case for the passport also when two
        # officers open it at once, each before the other's is committed.
        refused=(lambda: _refuse_second_open(opening, actor=actor)) if walk_in else None,
        applicant=applicant,
        post=opening.post,
        program=opening.program,
        visa_class=opening.visa_class,
        state=CaseState.SUBMITTED,
        surname=zone.surname,
        given_names=zone.given_names,
        nationality=zone.nationality,
        birth_date=zone.birth_date,
        sex=zone.sex,
        passport_number=zone.document_number,
        passport_issuing_state=zone.issuing_state,
        passport_expiry=zone.expiry_date,
        passport_mrz=list(zone.lines),
        purpose=opening.purpose,
        intended_arrival=opening.intended_arrival,
        intended_departure=opening.intended_departure,
    )
    _record(case, before="", after=CaseState.SUBMITTED, actor=actor, reason="application")
    audit_record(
        AuditAction.CASE_SUBMITTED,
        subject=case,
        actor=actor,
        details={
            "case": case.reference,
            "post": opening.post.code,
            "visa_class": opening.visa_class,
            "walk_in": walk_in,
        },
    )
    return case


def _refuse_second_open(opening: _Opening, *, actor: Actor) -> None:
    """Refuse a walk-in case while its traveller's passport has a case open in the program.

    Open is `rules.OPEN_STATES`: submitted, interviewed, approved, bond directed or bond
    posted, where the case can still be decided, directed a bond or issued a visa, so a
    second case would be a second application and could direct a second bond. A refused,
    lapsed or issued case is closed and the traveller may apply again. The passport is its
    number and issuing state with the holder's birth date, as the zone reads them (ICAO Doc
    9303-4); an open case opened at a post, claimed since, or applied for in the portal
    counts. The database holds the rule for walk-in cases opened at once
    (`case_walk_in_open_once_per_passport`).

    Raises `Conflict` (`case_already_open`, field `passport_number`) naming the open case's
    reference, for the officer to continue that case; a case at another post is said to be
    there without its reference, as an officer learns no other post's cases (`_may_act_on`).
    """
    zone = opening.zone
    existing = (
        Case.objects.filter(
            program=opening.program,
            passport_issuing_state=zone.issuing_state,
            passport_number=zone.document_number,
            birth_date=zone.birth_date,
            state__in=rules.OPEN_STATES,
        )
        .order_by("submitted_at", "pk")
        .first()
    )
    if existing is None:
        return
    params = {"passport": zone.document_number, "program": opening.program.name}
    if _may_act_on(actor, existing):
        raise Conflict(
            gettext_noop(
                "passport %(passport)s has a case open in %(program)s already, %(reference)s: "
                "continue that case rather than open another"
            ),
            code="case_already_open",
            field="passport_number",
            params={**params, "reference": existing.reference},
        )
    raise Conflict(
        gettext_noop(
            "passport %(passport)s has a case open in %(program)s already, at another post: "
            "it continues there and is not opened again here"
        ),
        code="case_already_open",
        field="passport_number",
        params=params,
    )


def case_interview(*, reference: str, notes: str, actor: Actor) -> Case:
    """Record that the applicant was interviewed (state `interviewed`). An entry point."""
    with transaction.atomic(durable=True):
        case = _case_locked(reference, actor)
        _move(case, CaseState.INTERVIEWED, actor=actor, reason=_text(notes, field="notes"))
        audit_record(
            AuditAction.CASE_INTERVIEWED,
            subject=case,
            actor=actor,
            details={"case": case.reference},
        )
    return case


def case_decide(
    *,
    reference: str,
    outcome: Outcome,
    choice: BondChoice,
    actor: Actor,
) -> Case:
    """Decide an interviewed case: refuse, approve without a bond, or direct a bond.

    An entry point. The rule in force and known on the post's date of the decision is
    captured on the case (rule id and version, its amounts, conditions and sources) and is
    never read again (`CapturedRule`). `rules.interview_decision` validates the choice
    against it (22 CFR 41.11(c); 90 FR 37378). A directed bond must be paid within the
    program's payment period; the applicant is told how, where and by when. On a case
    opened for a walk-in applicant (no account) a claim code is issued with the direction;
    it is on the returned case's `claim_code`, the only time it exists in clear.
    """
    with transaction.atomic(durable=True):
        case = _case_locked(reference, actor)
        captured = case_rule_in_force(case)
        decision = rules.interview_decision(captured, outcome, choice)
        case_transition(CaseState(case.state), decision.next_state)
        case.rule_version_id = _version_pk(captured)
        case.captured_rule = captured.to_json()
        case.outcome = decision.outcome.value
        case.amount_reason = decision.reason.value if decision.reason else ""
        case.waiver_ground = decision.waiver.code if decision.waiver else ""
        case.decision_explanation = decision.explanation[:LONGEST_TEXT]
        case.decided_at = clock.now()
        case.decided_by_id = _user_id(actor)
        _move(case, decision.next_state, actor=actor, reason=decision.explanation)
        audit_record(
            AuditAction.CASE_DECIDED,
            subject=case,
            actor=actor,
            details={
                "case": case.reference,
                "outcome": decision.outcome.value,
                "rule_id": captured.rule_id,
                "rule_version": captured.version,
                "amount": None if decision.amount is None else decision.amount.to_json(),
                "amount_reason": case.amount_reason,
                "waiver_ground": case.waiver_ground,
                "explanation": decision.explanation,
            },
        )
        if decision.amount is not None:
            _direct(case, decision.amount, actor=actor)
        elif decision.outcome is Outcome.REFUSE:
            _notify(case, Notice.CASE_REFUSED, explanation=decision.explanation)
    return case


def case_issue_visa(*, reference: str, actor: Actor) -> Visa:
    """Issue the annotated visa of an approved case, or of one whose bond is posted.

    An entry point. Conditions come from the captured rule (entries, validity from the
    post's date of issue, longest stay, designated ports); the MRV-A zone (Doc 9303-7) is
    written by our writer. A bond becomes `active`: it now guarantees the visa's terms.
    """
    with transaction.atomic(durable=True):
        case = _case_locked(reference, actor)
        case_transition(CaseState(case.state), CaseState.ISSUED)
        captured = CapturedRule.from_json(case.captured_rule or {})
        bond = _bond_of(case)
        bond_terms = BondTerms.objects.filter(program=case.program).first()
        terms = rules.visa_terms(
            captured,
            issued_on=post_today(case.post),
            bond=None if bond is None else bond.money,
            bond_form="" if bond_terms is None else bond_terms.bond_form,
        )
        visa = _created_visa(case, terms, bond=bond, actor=actor)
        if bond is not None:
            bond_event_apply(
                bond_locked(bond.number), BondEvent.ACTIVATE, actor=actor, reason="visa issued"
            )
        _move(case, CaseState.ISSUED, actor=actor, reason=f"visa {visa.number} issued")
        audit_record(
            AuditAction.VISA_ISSUED,
            subject=visa,
            actor=actor,
            details={
                "case": case.reference,
                "visa": visa.number,
                "valid_until": visa.valid_until.isoformat(),
                "ports": visa.ports,
            },
        )
        _notify(
            case,
            Notice.VISA_ISSUED,
            visa_number=visa.number,
            valid_until=visa.valid_until.isoformat(),
            ports=" ".join(visa.ports),
            max_stay_days=visa.max_stay_days or "",
            bond_number="" if bond is None else bond.number,
        )
    return visa


def case_refuse(*, reference: str, explanation: str, actor: Actor) -> Case:
    """Refuse a case after an approval or a direction (a bond does not guarantee issuance).

    An entry point. A posted bond is cancelled, so its money is returned; a direction not yet
    paid lapses.
    """
    why = _text(explanation, field="explanation")
    with transaction.atomic(durable=True):
        case = _case_locked(reference, actor)
        case_transition(CaseState(case.state), CaseState.REFUSED)
        bond = _bond_of(case)
        if bond is not None:
            locked = bond_locked(bond.number)
            if locked.state == BondState.DIRECTED:
                bond_event_apply(locked, BondEvent.LAPSE, actor=actor, reason="visa refused")
            else:
                bond_event_apply(
                    locked,
                    BondEvent.CANCEL,
                    actor=actor,
                    reason=f"{CancelReason.VISA_REFUSED.value}: {why}",
                )
        _move(case, CaseState.REFUSED, actor=actor, reason=why)
        audit_record(
            AuditAction.CASE_REFUSED,
            subject=case,
            actor=actor,
            details={"case": case.reference, "explanation": why},
        )
        _notify(case, Notice.CASE_REFUSED, explanation=why)
    return case


def case_lapse_overdue(*, as_of: dt.date, actor: Actor) -> list[str]:
    """Lapse every direction not paid by its deadline as of `as_of` (`visabond casework lapse`).

    An entry point with one durable transaction per case, so a run that stops half way
    keeps what it did and a second run finishes the rest; a case already lapsed (or paid
    meanwhile) is left alone. Returns the references lapsed. The period is the program's
    (`BondTerms.payment_days`), fixed on the bond at its direction.
    """
    overdue = Bond.objects.filter(state=BondState.DIRECTED, payment_deadline__lt=as_of).values_list(
        "case__reference", flat=True
    )
    lapsed = []
    for reference in list(overdue):
        with transaction.atomic(durable=True):
            case = _case_locked(reference, actor)
            bond = bond_locked(_bond_of(case).number)  # type: ignore[union-attr]
            if bond.state != BondState.DIRECTED or not bond.payment_deadline < as_of:
                continue
            bond_event_apply(
                bond,
                BondEvent.LAPSE,
                actor=actor,
                reason=f"not paid by {bond.payment_deadline.isoformat()}",
            )
            _move(case, CaseState.LAPSED, actor=actor, reason="bond not paid in time")
            audit_record(
                AuditAction.CASE_LAPSED, subject=case, actor=actor, details={"case": reference}
            )
            _notify(case, Notice.BOND_LAPSED, bond_number=bond.number)
            lapsed.append(reference)
    return lapsed


def case_bond_paid(*, bond: Bond, actor: Actor, from_unapplied: bool, payment: str) -> None:
    """The directed bond of a case was paid: the bond is `posted`, the case `bond_posted`.

    A step: runs inside the caller's transaction (a payment entry point, which holds the
    bond's row lock). Money first held
    as unapplied moves from there; otherwise it is a new receipt into escrow.
    """
    with within_caller_transaction("case_bond_paid"):
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("post", "program", "applicant")
            .get(pk=bond.case_id)
        )
        movement = TransactionKind.UNAPPLIED_APPLIED if from_unapplied else None
        bond_event_apply(
            bond, BondEvent.POST, actor=actor, reason=f"payment {payment}", movement=movement
        )
        _move(case, CaseState.BOND_POSTED, actor=actor, reason=f"bond paid ({payment})")
        _notify(case, Notice.PAYMENT_RECEIVED, bond_number=bond.number, amount=str(bond.money))


def post_assign(*, user: AbstractBaseUser, post_code: str, actor: Actor) -> PostAssignment:
    """Assign a consular officer or cashier to a post (replacing any earlier assignment)."""
    post = _post(post_code)
    with transaction.atomic(durable=True):
        assignment, _ = PostAssignment.objects.update_or_create(
            user_id=user.pk, defaults={"post": post}
        )
        audit_record(
            AuditAction.POST_ASSIGNED, subject=assignment, actor=actor, details={"post": post.code}
        )
    return assignment


# -- the steps' own helpers ---------------------------------------------------------------


def _post(code: str) -> ConsularPost:
    try:
        return ConsularPost.objects.get(code=code.strip().lower())
    except ConsularPost.DoesNotExist:
        raise NotFound(
            gettext_noop("there is no consular post %(code)s"),
            code="post_not_found",
            field="post",
            params={"code": quoted(code)},
        ) from None


def _program_of(post: ConsularPost, code: str) -> Program:
    programs = list(post.programs.all())
    if code:
        chosen = [p for p in programs if p.code == code]
        if not chosen:
            raise InvalidInput(
                gettext_noop("%(post)s takes no applications under %(code)s"),
                code="program_not_at_post",
                field="program",
                params={"post": post.name, "code": quoted(code)},
            )
        return chosen[0]
    if len(programs) != 1:
        raise InvalidInput(
            gettext_noop("%(post)s serves several programs: name one"),
            code="program_missing",
            field="program",
            params={"post": post.name},
        )
    return programs[0]


def _passport_zone(text: str) -> Any:
    try:
        zone = parse_mrz(text)
    except MrzError as error:
        raise InvalidInput(
            f"the passport's zone does not read: {error}",
            code="mrz_unreadable",
            field="passport_mrz",
        ) from None
    if not zone.valid:
        failed = ", ".join(zone.failed_checks())
        raise InvalidInput(
            gettext_noop("the passport's zone fails its checks (%(failed)s)"),
            code="mrz_check_failed",
            field="passport_mrz",
            params={"failed": failed},
        )
    if not zone.document_code.startswith("P"):
        raise InvalidInput(
            gettext_noop(
                "a visa is applied for with a passport; this zone is a %(format)s document "
                "of type %(type)s"
            ),
            code="not_a_passport",
            field="passport_mrz",
            params={"format": zone.format, "type": quoted(zone.document_code)},
        )
    if zone.birth_date is None or zone.expiry_date is None:
        raise InvalidInput(
            gettext_noop("the passport's zone leaves the birth or expiry date unknown"),
            code="mrz_dates_unknown",
            field="passport_mrz",
        )
    return zone


def _check_identity(application: Application, zone: Any) -> None:
    typed = {
        "surname": application.surname,
        "given_names": application.given_names,
        "birth_date": application.birth_date,
        "passport_number": application.passport_number.replace(" ", ""),
    }
    read = {
        "surname": zone.surname,
        "given_names": zone.given_names,
        "birth_date": zone.birth_date,
        "passport_number": zone.document_number,
    }
    mismatches = rules.identity_mismatches(typed, read)
    if mismatches:
        first = mismatches[0]
        also = ", ".join(m.field for m in mismatches[1:])
        template = (
            gettext_noop(
                "%(field)s was typed as %(typed)s but the passport says %(read)s "
                "(also differs: %(also)s)"
            )
            if also
            else gettext_noop("%(field)s was typed as %(typed)s but the passport says %(read)s")
        )
        raise InvalidInput(
            template,
            code="identity_mismatch",
            field=first.field,
            params={
                "field": first.field,
                "typed": quoted(first.typed),
                "read": quoted(first.read),
                "also": also,
            },
        )


def _check_trip(application: Application, passport_expiry: dt.date, *, today: dt.date) -> None:
    if application.intended_departure < application.intended_arrival:
        raise InvalidInput(
            gettext_noop("the departure is before the arrival"),
            code="dates_unordered",
            field="intended_departure",
        )
    if application.intended_arrival < today:
        raise InvalidInput(
            gettext_noop("the arrival (%(day)s) is in the past"),
            code="date_in_past",
            field="intended_arrival",
            params={"day": application.intended_arrival},
        )
    if passport_expiry < application.intended_departure:
        raise InvalidInput(
            gettext_noop("the passport expires on %(day)s, before the intended departure"),
            code="passport_expires",
            field="passport_mrz",
            params={"day": passport_expiry},
        )


def _text(value: str, *, field: str, limit: int = LONGEST_TEXT) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(
            gettext_noop("%(field)s is required"),
            code="required",
            field=field,
            params={"field": field},
        )
    if len(text) > limit:
        raise InvalidInput(
            gettext_noop("%(field)s has at most %(limit)s characters"),
            code="too_long",
            field=field,
            params={"field": field, "limit": limit},
        )
    return text


def _created_case(*, refused: Callable[[], None] | None, **fields: Any) -> Case:
    """The case inserted under a fresh reference. When the database refuses the row,
    `refused` raises the rule it broke, if any; otherwise the reference was drawn twice and
    is drawn again."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(reference=new_reference("C"), **fields)
        except IntegrityError:
            if refused is not None:
                refused()
            continue  # pragma: no cover - a 40-bit collision, drawn again
    raise RuntimeError("no fresh case reference after five draws")


def _case_locked(reference: str, actor: Actor) -> Case:
    try:
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("post", "program", "applicant")
            .get(reference=normalise_reference(reference))
        )
    except Case.DoesNotExist:
        case = None
    if case is None or not _may_act_on(actor, case):
        raise NotFound(
            gettext_noop("there is no case %(reference)s"),
            code="case_not_found",
            field="reference",
            params={"reference": reference},
        )
    return case


def _may_act_on(actor: Actor, case: Case) -> bool:
    """A process may act on any case; a consular officer on their own post's cases only."""
    user = actor_user(actor)
    if user is None:
        return True
    if has_role(user, Role.CONSULAR_OFFICER):
        assignment = PostAssignment.objects.filter(user_id=user.pk).first()
        return assignment is not None and assignment.post_id == case.post_id
    return False


def _move(case: Case, target: CaseState, *, actor: Actor, reason: str) -> None:
    before = CaseState(case.state)
    case_transition(before, target)
    case.state = target
    case.save()
    _record(case, before=before, after=target, actor=actor, reason=reason)


def _record(case: Case, *, before: str, after: str, actor: Actor, reason: str) -> None:
    CaseEvent.objects.create(
        case=case,
        before=before,
        after=after,
        actor_id=_user_id(actor),
        actor_name=actor_name(actor),
        reason=reason[:LONGEST_TEXT],
    )


def _version_pk(captured: CapturedRule) -> int | None:
    if captured.rule_id is None or captured.version is None:
        return None
    return (
        RuleVersion.objects.filter(rule_id=captured.rule_id, version=captured.version)
        .values_list("pk", flat=True)
        .first()
    )


def _direct(case: Case, amount: Money, *, actor: Actor) -> Bond:
    terms = BondTerms.objects.filter(program=case.program).first()
    if terms is None:
        raise InvalidInput(
            gettext_noop("%(program)s has no bond terms (payment period): record them first"),
            code="bond_terms_missing",
            field="program",
            params={"program": case.program.name},
        )
    deadline = rules.payment_deadline(post_today(case.post), payment_days=terms.payment_days)
    bond = bond_direct(
        case_id=case.pk,
        case_reference=case.reference,
        obligor=case.applicant,
        obligor_name=f"{case.given_names} {case.surname}".strip(),
        amount=amount,
        payment_deadline=deadline,
        actor=actor,
    )
    if case.applicant_id is None:
        # A walk-in applicant has no account: the code printed on the bond notice lets the
        # obligor claim the case in the portal (claim_services.case_claim).
        case.claim_code = claim_code_issue(case=case, actor=actor)
    captured = CapturedRule.from_json(case.captured_rule or {})
    # The notice explains the decision as the decision page does: the rule and its source,
    # the amounts it allows, the reason category and the officer's words (90 FR 37378).
    _notify(
        case,
        Notice.BOND_DIRECTED,
        bond_number=bond.number,
        amount=str(amount),
        payment_deadline=deadline.isoformat(),
        payment_channel=terms.payment_channel,
        rule_reference=captured.reference,
        legal_basis=captured.legal_basis,
        sources="; ".join(s.get("title", "") for s in captured.sources),
        amounts_allowed=", ".join(str(a) for a in captured.amounts),
        amount_reason=case.amount_reason,
        explanation=case.decision_explanation,
    )
    return bond


def _bond_of(case: Case) -> Bond | None:
    return Bond.objects.filter(case=case).first()


def _created_visa(case: Case, terms: rules.VisaTerms, *, bond: Bond | None, actor: Actor) -> Visa:
    for _ in range(5):
        number = new_reference("V", groups=1, size=8).replace("-", "")
        line1, line2 = mrva_zone(
            VisaZoneData(
                issuing_state=case.program.issuer,
                document_number=number,
                surname=case.surname,
                given_names=case.given_names,
                nationality=case.nationality,
                birth_date=case.birth_date,
                sex=case.sex,
                expiry_date=terms.valid_until,
                optional_data="" if bond is None else bond.number.replace("-", ""),
            )
        )
        try:
            with transaction.atomic():
                return Visa.objects.create(
                    number=number,
                    case=case,
                    visa_class=case.visa_class,
                    valid_from=terms.valid_from,
                    valid_until=terms.valid_until,
                    entries=terms.entries,
                    max_stay_days=terms.max_stay_days,
                    ports=list(terms.ports),
                    annotation=terms.annotation(),
                    mrz_line1=line1,
                    mrz_line2=line2,
                    issued_by_id=_user_id(actor),
                )
        except IntegrityError:  # pragma: no cover - a collision, drawn again
            continue
    raise RuntimeError("no fresh visa number after five draws")


def _notify(case: Case, notice: Notice, **context: Any) -> None:
    if case.applicant is None:
        return
    notice_send(
        notice,
        recipient=case.applicant,
        context={
            "case_reference": case.reference,
            "post": case.post.name,
            "issuer": country(case.program.issuer).name,
            **context,
        },
    )


def _user_id(actor: Actor) -> int | None:
    user = actor_user(actor)
    return None if user is None else int(user.pk)
