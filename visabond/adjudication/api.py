"""The adjudication JSON API: thin handlers over `adjudication.services` and its selectors.

Session sign-in with Django's CSRF check; the role is checked before the body is read
(`RoleSession`). Bond adjudicators read every adjudication, decide and approve; auditors
read; an obligor reads and contests those of their own bonds (any other is "not found").
Every error is `{code, field, message}`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja import Router, Schema

from visabond.accounts.api_auth import RoleSession
from visabond.accounts.roles import Role
from visabond.adjudication import selectors, services
from visabond.adjudication.models import Adjudication
from visabond.adjudication.schemas import (
    AdjudicationOut,
    BreachDecisionIn,
    ContestIn,
    ForfeitureApprovalIn,
)
from visabond.policy.schemas import ErrorOut

router = Router(tags=["adjudication"])

READERS = RoleSession(*selectors.READERS)
ADJUDICATORS = RoleSession(Role.BOND_ADJUDICATOR)
OBLIGORS = RoleSession(Role.APPLICANT)

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _caller(request: HttpRequest) -> AbstractBaseUser:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, AbstractBaseUser)
    return user


def adjudication_json(adjudication: Adjudication) -> dict[str, Any]:
    def name(user: AbstractBaseUser | None) -> str | None:
        return None if user is None else user.get_username()

    return {
        "reference": adjudication.reference,
        "bond": adjudication.bond.number,
        "bond_state": adjudication.bond.state,
        "ground": adjudication.ground,
        "state": adjudication.state,
        "round": adjudication.round,
        "opened_at": adjudication.opened_at,
        "decided_by": name(adjudication.decided_by),
        "decided_at": adjudication.decided_at,
        "decision_reason": adjudication.decision_reason,
        "approved_by": name(adjudication.approved_by),
        "contest_deadline": adjudication.contest_deadline,
        "evidence": adjudication.evidence,
        "steps": [
            {
                "action": step.action,
                "round": step.round,
                "occurred_at": step.occurred_at,
                "actor": step.actor_name,
                "note": step.note,
            }
            for step in adjudication.steps.all()
        ],
    }


def _shown(request: HttpRequest, reference: str) -> dict[str, Any]:
    return adjudication_json(selectors.adjudication_for(_caller(request), reference))


@router.get("", auth=READERS, response={200: list[AdjudicationOut], **ERRORS})
def adjudications_list(request: HttpRequest, state: str | None = None) -> list[dict[str, Any]]:
    """The adjudications the caller may see, oldest first (at most 500)."""
    rows = selectors.adjudications_visible_to(_caller(request)).prefetch_related("steps")
    if state:
        rows = rows.filter(state=state)
    return [adjudication_json(a) for a in rows.order_by("opened_at", "pk")[:500]]


@router.get("/{reference}", auth=READERS, response={200: AdjudicationOut, **ERRORS})
def adjudication_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _shown(request, reference)


@router.post("/{reference}/decision", auth=ADJUDICATORS, response={200: AdjudicationOut, **ERRORS})
def adjudication_decide(
    request: HttpRequest, reference: str, data: BreachDecisionIn
) -> dict[str, Any]:
    """Decide an open adjudication: a breach forfeits the bond (above the program's amount,
    once a second adjudicator approves); none cancels it and its money is returned."""
    services.adjudication_decide(
        reference=reference, breach=data.breach, reason=data.reason, actor=_caller(request)
    )
    return _shown(request, reference)


@router.post("/{reference}/approval", auth=ADJUDICATORS, response={200: AdjudicationOut, **ERRORS})
def adjudication_approve(
    request: HttpRequest, reference: str, data: ForfeitureApprovalIn
) -> dict[str, Any]:
    """A second adjudicator (never the one who decided) approves a large forfeiture, or not."""
    services.adjudication_approve(
        reference=reference, approve=data.approve, reason=data.reason, actor=_caller(request)
    )
    return _shown(request, reference)


@router.post("/{reference}/contest", auth=OBLIGORS, response={200: AdjudicationOut, **ERRORS})
def adjudication_contest(request: HttpRequest, reference: str, data: ContestIn) -> dict[str, Any]:
    """The obligor contests a forfeiture within the program's period, with new evidence."""
    services.adjudication_contest(
        reference=reference,
        statement=data.statement,
        evidence=[item.dict() for item in data.evidence],
        actor=_caller(request),
    )
    return _shown(request, reference)
