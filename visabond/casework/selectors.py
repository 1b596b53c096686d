"""Reads of casework: who may see which case, a post's cases, a post's calendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from visabond.accounts.roles import Role, roles_of
from visabond.casework.models import Case, ConsularPost, PostAssignment
from visabond.core import clock
from visabond.core.errors import NotFound
from visabond.core.references import normalise_reference

# Roles that read every case: they decide on bonds and money, or audit.
READ_ALL = {Role.BOND_ADJUDICATOR, Role.FINANCE_OFFICER, Role.AUDITOR}


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
        raise NotFound(f"there is no case {reference}", code="case_not_found", field="reference")
    return case
