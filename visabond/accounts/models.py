"""The people who use visabond: one user model for applicants, officers, finance and auditors.

It keeps Django's `auth_user` table (and so `auth_user_groups`), which databases created
before this model already have: see `legacy.py` for how they are adopted without a copy.
Roles are Django groups (`roles.py`); the consular post an officer works at comes with
casework.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with a sign-in: their roles are groups, their language the one they read."""

    preferred_language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language of the console and of the notices sent to this person.",
    )

    class Meta:
        db_table = "auth_user"

    def __str__(self) -> str:
        return self.get_username()
