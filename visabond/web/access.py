"""The role check every page makes before anything else."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role


def page_user(request: HttpRequest, *roles: Role) -> AbstractBaseUser:
    """The signed-in person, who holds one of `roles`; Django's `PermissionDenied` (the 403
    page) otherwise. Call it behind `login_required`, so an anonymous visitor is sent to
    sign in first."""
    if not has_role(request.user, *roles):
        raise PermissionDenied(_("This page needs another role."))
    user = request.user
    assert isinstance(user, AbstractBaseUser), "the page is behind login_required"
    return user
