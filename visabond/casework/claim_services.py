"""Writes of a walk-in case's claim: the code issued with the bond's direction, a new code,
and the claim by which the obligor's portal account takes the case.

A case opened at the post for a walk-in applicant has no applicant account, so its obligor
cannot follow it, see the refund clock or give the account a refund is paid to. When a bond
is directed on such a case, a claim code is issued (`claim_codes.py`: 100 random bits,
only its SHA-256 kept) and printed on the bond notice; the obligor then signs up and claims
the case with its reference, the code and the passport number the case read from the
zone. A claim either makes the account the case's applicant and the bond's obligor, or is
refused with one answer that says nothing of why, so the page cannot be used to learn that
a case exists (rate-limited by the portal's page, each refusal audited).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from visabond.accounts.roles import Role, has_role
from visabond.audit.actors import Actor, actor_name, actor_user
from visabond.audit.services import AuditAction, audit_record, audit_refusal_kept
from visabond.bonds.models import Bond
from visabond.casework import rules
from visabond.casework.claim_codes import claim_code_hash, claim_code_matches, claim_code_new
from visabond.casework.models import Case, CaseClaim
from visabond.casework.selectors import case_for
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from visabond.core.references import normalise_reference
from visabond.core.writes import within_caller_transaction

# The one answer to every refused claim, whatever the reason (an unknown reference
# included), so that the page tells nobody whether a case exists.
REFUSED = gettext_noop("no case can be claimed with this reference, claim code and passport number")


def claim_code_issue(*, case: Case, actor: Actor) -> str:
    """Issue a claim code for a walk-in case (no applicant account); returns the code, the
    only time it exists in clear (the caller prints it on the bond notice).

    A step: runs inside the caller's transaction (the decision that directs the bond, or a
    new code asked for by the post's officer), which holds the case's row lock. A code
    issued earlier stops working. Audited without the code.
    """
    with within_caller_transaction("claim_code_issue"):
        code = claim_code_new()
        claim, created = CaseClaim.objects.select_for_update().get_or_create(
            case=case,
            defaults={"code_hash": claim_code_hash(code), "issued_by": actor_name(actor)},
        )
        if not created:
            claim.code_hash = claim_code_hash(code)
            claim.issued_at = clock.now()
            claim.issued_by = actor_name(actor)
            claim.codes_issued += 1
            claim.code_printed_at = None
            claim.save(
                update_fields=[
                    "code_hash",
                    "issued_at",
                    "issued_by",
                    "codes_issued",
                    "code_printed_at",
                ]
            )
        audit_record(
            AuditAction.CASE_CLAIM_CODE_ISSUED,
            subject=case,
            actor=actor,
            details={"case": case.reference, "codes_issued": claim.codes_issued},
        )
    return code


def claim_code_reissue(*, reference: str, actor: Actor) -> str:
    """A new claim code for a walk-in case, asked for by a consular officer of its post (the
    printed notice was lost); the old code stops working. Returns the new code, shown once.

    An entry point. Raises `NotFound` (`case_not_found`) for a case the officer may not see,
    `Conflict` (`case_claimed`) once an account has claimed the case and `Conflict`
    (`bond_not_directed`) before a bond is directed on it: the code is printed on the bond
    notice. An officer refused a case they may not see (another post's, or none) is on the
    trail (`case.claim_code_refused`, with the reason), as refused claims are: a new code
    lets whoever holds it take the case and its bond.
    """
    user = actor_user(actor)
    if user is not None and not has_role(user, Role.CONSULAR_OFFICER):
        raise _no_case(reference)
    try:
        seen = case_for(user, reference) if user is not None else None
    except NotFound:
        assert user is not None
        _reissue_refused(reference, user=user, actor=actor)
        raise
    with transaction.atomic(durable=True):
        case = _case_locked(reference if seen is None else seen.reference)
        if case is None:
            raise _no_case(reference)
        if case.applicant_id is not None:
            raise Conflict(
                gettext_noop("case %(reference)s is followed by an account already"),
                code="case_claimed",
                field="reference",
                params={"reference": case.reference},
            )
        if not Bond.objects.filter(case=case).exists():
            raise Conflict(
                gettext_noop("no bond is directed on case %(reference)s yet"),
                code="bond_not_directed",
                field="reference",
                params={"reference": case.reference},
            )
        return claim_code_issue(case=case, actor=actor)


def claim_code_printed(*, reference: str, code: str, actor: Actor) -> bool:
    """Whether this printing of case `reference`'s bond notice is the one that shows `code`:
    True for exactly one of any number of printings at once, and only while `code` is the
    code last issued, not yet printed and not spent.

    An entry point. One conditional UPDATE marks the code printed (`code_printed_at`): the
    database lets one statement match the row, and every other finds it printed already,
    however many requests hold the code (the officer's session is read by each request
    before any of them writes it back). The printing is audited, without the code.
    """
    with transaction.atomic(durable=True):
        claim = (
            CaseClaim.objects.filter(
                case__reference=normalise_reference(reference),
                code_hash=claim_code_hash(code),
                code_printed_at__isnull=True,
                spent_at__isnull=True,
            )
            .select_related("case")
            .first()
        )
        if claim is None:
            return False
        marked = CaseClaim.objects.filter(pk=claim.pk, code_printed_at__isnull=True).update(
            code_printed_at=clock.now()
        )
        if marked:
            audit_record(
                AuditAction.CASE_CLAIM_CODE_PRINTED,
                subject=claim.case,
                actor=actor,
                details={"case": claim.case.reference, "codes_issued": claim.codes_issued},
            )
    return bool(marked)


def case_claim(*, reference: str, claim_code: str, passport_number: str, applicant: Actor) -> Case:
    """The applicant's account claims a walk-in case: it becomes the case's applicant and its
    bond's obligor, and the code is spent.

    An entry point. The case must be unclaimed, its code the one last issued and not spent,
    and the passport number the one read from the case's zone, compared as the casework
    compares identities (`rules.identity_mismatches`, Doc 9303-4). The case's row is locked
    before any of it is read, so of two claims at once exactly one wins. Every refusal is
    the same `InvalidInput` (`claim_refused`, field `claim_code`), an unknown reference
    included, and is audited (with its reason) in a transaction of its own.
    """
    user = actor_user(applicant)
    if user is None or not has_role(user, Role.APPLICANT):
        raise InvalidInput(REFUSED, code="claim_refused", field="claim_code")
    with transaction.atomic(durable=True):
        case = _case_locked(reference)
        why = _refusal(case, claim_code=claim_code, passport_number=passport_number)
        if why:
            audit_record(
                AuditAction.CASE_CLAIM_REFUSED,
                subject=user,
                actor=applicant,
                details={"reference": reference[:40], "reason": why},
            )
        else:
            assert case is not None
            _claimed(case, user=user, actor=applicant)
    if why:
        raise InvalidInput(REFUSED, code="claim_refused", field="claim_code")
    assert case is not None
    return case


def case_claim_throttled(
    *, reference: str, applicant: AbstractBaseUser, address: str, ceiling: str
) -> None:
    """Record a claim attempt refused by a rate limit before it was tried: who (the account),
    which reference as typed (its first 40 characters), from which client address, and which
    ceiling refused it (`ceiling`: "account" or "case"; see
    `portal.views.portal_claim`). The typed code is not kept: it may be the right one.

    An entry point: its own transaction, so the refusal is on the trail although nothing
    else is written.
    """
    with transaction.atomic(durable=True):
        audit_record(
            AuditAction.CASE_CLAIM_THROTTLED,
            subject=applicant,
            actor=applicant,
            details={"reference": reference[:40], "address": address, "reason": ceiling},
        )


def _reissue_refused(reference: str, *, user: AbstractBaseUser, actor: Actor) -> None:
    """Put on the trail a new claim code refused to an officer for a case they may not see:
    whether the case is at another post (`post_not_assigned`) or does not exist
    (`no_such_case`), which the officer is not told. Its own transaction, committed before
    the refusal is raised, so the entry stays and nothing else is written."""
    case = Case.objects.filter(reference=normalise_reference(reference)).first()
    audit_refusal_kept(
        AuditAction.CASE_CLAIM_CODE_REFUSED,
        subject=user,
        actor=actor,
        details={
            "reference": reference[:40],
            "reason": "no_such_case" if case is None else "post_not_assigned",
        },
    )


def _no_case(reference: str) -> NotFound:
    """The answer for a case that does not exist, and for one the caller may not see."""
    return NotFound(
        gettext_noop("there is no case %(reference)s"),
        code="case_not_found",
        field="reference",
        params={"reference": reference},
    )


def _case_locked(reference: str) -> Case | None:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("post", "program")
        .filter(reference=normalise_reference(reference))
        .first()
    )


def _refusal(case: Case | None, *, claim_code: str, passport_number: str) -> str:
    """Why a claim is refused (for the trail only), or "" when it may go ahead."""
    if case is None:
        return "no_such_case"
    if case.applicant_id is not None:
        return "case_claimed"
    claim = CaseClaim.objects.select_for_update().filter(case=case).first()
    if claim is None:
        return "no_code_issued"
    if claim.spent_at is not None:
        return "code_spent"
    if not claim_code_matches(claim_code, claim.code_hash):
        return "code_wrong"
    typed = passport_number.replace(" ", "")
    if not typed or rules.identity_mismatches(
        {"passport_number": typed}, {"passport_number": case.passport_number}
    ):
        return "passport_wrong"
    return ""


def _claimed(case: Case, *, user: AbstractBaseUser, actor: Actor) -> None:
    now = clock.now()
    user_id = user.pk
    case.applicant_id = user_id
    case.save(update_fields=["applicant"])
    Bond.objects.filter(case=case, obligor__isnull=True).update(obligor_id=user_id)
    CaseClaim.objects.filter(case=case).update(spent_at=now, claimed_by_id=user_id)
    audit_record(
        AuditAction.CASE_CLAIMED,
        subject=case,
        actor=actor,
        details={"case": case.reference, "account": actor_name(actor)},
    )
