"""Reads of adjudications: who may see which, and one with its steps."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from visabond.accounts.roles import Role, roles_of
from visabond.adjudication.models import Adjudication, AdjudicationState
from visabond.core.errors import NotFound
from visabond.core.references import normalise_reference

# Roles that read every adjudication; an applicant reads those of their own bonds.
READ_ALL = {Role.BOND_ADJUDICATOR, Role.AUDITOR}
READERS = (Role.BOND_ADJUDICATOR, Role.AUDITOR, Role.APPLICANT)


def adjudications_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Adjudication]:
    """Adjudicators and auditors see every adjudication; an obligor those of their bonds."""
    rows = Adjudication.objects.select_related("bond", "decided_by", "approved_by")
    held = roles_of(user)
    if held & READ_ALL:
        return rows
    if Role.APPLICANT in held:
        return rows.filter(bond__obligor_id=user.pk)
    return rows.none()


def adjudication_for(user: AbstractBaseUser | AnonymousUser, reference: str) -> Adjudication:
    """The adjudication `reference` if `user` may see it; `NotFound` otherwise, the answer
    for one that does not exist."""
    found = (
        adjudications_visible_to(user)
        .filter(reference=normalise_reference(reference))
        .prefetch_related("steps")
        .first()
    )
    if found is None:
        raise NotFound(
            f"there is no adjudication {reference}",
            code="adjudication_not_found",
            field="reference",
        )
    return found


def adjudications_waiting() -> QuerySet[Adjudication]:
    """Adjudications an adjudicator must act on, oldest first: open ones (a breach to
    decide) and forfeitures awaiting a second adjudicator's approval."""
    return (
        Adjudication.objects.filter(
            state__in=[AdjudicationState.OPEN, AdjudicationState.AWAITING_APPROVAL]
        )
        .select_related("bond", "decided_by")
        .order_by("opened_at", "pk")
    )
