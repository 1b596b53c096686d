"""Who acted: a person (a user) or a named process such as "visabond seed"."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser

Actor = AbstractBaseUser | str


def actor_user(actor: Actor) -> AbstractBaseUser | None:
    """The person behind an actor, or None for a named process."""
    return None if isinstance(actor, str) else actor


def actor_name(actor: Actor) -> str:
    """How the trail and the records name an actor: a username, or the process's name."""
    return actor if isinstance(actor, str) else actor.get_username()


def actor_user_id(actor: Actor) -> int | None:
    """The id of the person behind an actor, or None for a named process (for foreign keys)."""
    user = actor_user(actor)
    return None if user is None else int(user.pk)
