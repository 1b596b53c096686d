"""Who decided and on what authority: the facts every registry decision carries."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """Who decided: a user of the console, or a named process such as the seed loader."""

    name: str
    user_id: int | None = None


@dataclass
class Recorded:
    version: RuleVersion
    warnings: list[str] = field(default_factory=list)
