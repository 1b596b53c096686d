"""Who decided and on what authority: the facts every registry decision carries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from visabond.audit.services import Actor
from visabond.policy.models import RuleVersion


@dataclass(frozen=True)
class Source:
    """Where a fact was read: every registry entry cites at least one."""

    title: str
    url: str = ""
    date: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "date": self.date}


@dataclass(frozen=True)
class Author:
    """Who decided: a user of the console or the API, or a named process (the seed loader)."""

    name: str
    user: AbstractBaseUser | None = None

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser) -> Author:
        """The signed-in person behind a request."""
        assert isinstance(user, AbstractBaseUser), "views check the sign-in before deciding"
        return cls(user.get_username(), user)

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else self.user.pk

    @property
    def actor(self) -> Actor:
        """The audit trail's actor: the person, or else the process's name."""
        return self.name if self.user is None else self.user


@dataclass
class Recorded:
    """A version appended to a rule's history, with the warnings it was recorded with."""

    version: RuleVersion
    warnings: list[str] = field(default_factory=list)
