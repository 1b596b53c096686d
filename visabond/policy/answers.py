"""The public's answers, kept until the registry changes.

When a designation is announced everyone asks at once, and between two registry decisions
the public page and the JSON lookup answer the same few questions again and again. Each
request reads the registry's stamp, one small query: the highest rule version id and the
highest program id. Rule versions are only ever added (an amendment, a withdrawal or a
correction is a new row) and programs too (the admin shows them read-only), so every
registry write changes the stamp, whichever process or command made it; answers computed
under an earlier stamp are dropped. (Rows are never deleted: see `forget` for a database
emptied or restored.) Under one stamp, a question is answered once per
process, from the same selectors as before (`selectors.requirement_lookup`).

The kept answers are shared: callers read them and never change them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection

from visabond.policy import selectors
from visabond.policy.models import Program, RuleVersion

# Bounds the memory a flood of distinct questions (every day of a year) can take: answers
# are about 1 KB, pages about 30 KB.
KEPT_ANSWERS = 4096
KEPT_PAGES = 256

T = TypeVar("T")
Stamp = tuple[int, int]


class _Kept:
    """Values computed under one stamp, the least recently used dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lock = threading.Lock()
        self.stamp: Stamp | None = None
        self.values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, stamp: Stamp, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self.lock:
            if stamp != self.stamp:
                self.stamp, self.values = stamp, OrderedDict()
            elif key in self.values:
                self.values.move_to_end(key)
                return self.values[key]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: a slow query must not hold the other threads
        with self.lock:
            if stamp == self.stamp:
                self.values[key] = value
                if len(self.values) > self.limit:
                    self.values.popitem(last=False)
        return value

    def forget(self) -> None:
        with self.lock:
            self.stamp, self.values = None, OrderedDict()


_ANSWERS = _Kept(KEPT_ANSWERS)
_VERSIONS = _Kept(KEPT_ANSWERS)
_PAGES = _Kept(KEPT_PAGES)


def registry_stamp() -> Stamp:
    """(highest rule version id, highest program id): changes with every registry write."""
    versions, programs = RuleVersion._meta.db_table, Program._meta.db_table
    with connection.cursor() as cursor:
        # Table names come from the models, not from a request.
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {versions}), (SELECT MAX(id) FROM {programs})")  # noqa: S608
        row = cursor.fetchone()
    return (row[0] or 0, row[1] or 0)


@dataclass(frozen=True)
class Registry:
    """The registry as one request reads it: every answer under the same stamp."""

    stamp: Stamp

    def issuers(self) -> frozenset[str]:
        """Alpha-3 codes of the states that have a program (`selectors.registered_issuers`)."""
        return _ANSWERS.get(
            self.stamp, ("issuers",), lambda: frozenset(selectors.registered_issuers())
        )

    def requirement(
        self,
        *,
        issuer: str,
        nationality: str,
        visa_class: str,
        on: str | dt.date,
        known_on: str | dt.date | None = None,
    ) -> dict[str, Any]:
        """`selectors.requirement_lookup(...).to_json_dict()`, computed once per question;
        the versions it reads are read once per issuer, nationality and class, whatever the
        day asked.

        Raises what the lookup raises (and keeps nothing then).
        """
        asked = ("requirement", issuer, nationality, visa_class, str(on), str(known_on))
        return _ANSWERS.get(
            self.stamp,
            asked,
            lambda: self._answer(
                selectors.requirement_question(
                    issuer=issuer,
                    nationality=nationality,
                    visa_class=visa_class,
                    on=on,
                    known_on=known_on,
                )
            ),
        )

    def _answer(self, question: selectors.RequirementQuestion) -> dict[str, Any]:
        key = (question.issuing.alpha_3, question.national.alpha_3, question.visa_class)
        versions = _VERSIONS.get(
            self.stamp,
            key,
            lambda: selectors.key_versions(issuer=key[0], nationality=key[1], visa_class=key[2]),
        )
        return selectors.requirement_answer(
            question, versions, registered=self.issuers
        ).to_json_dict()

    def page(self, key: tuple[Any, ...], render: Callable[[], bytes]) -> bytes:
        """A page's body that depends only on the registry and `key`, rendered once per stamp
        (the caller puts in `key` everything else the page depends on)."""
        return _PAGES.get(self.stamp, key, render)


def forget() -> None:
    """Drop every kept answer. The stamp relies on rows never being deleted; a database
    emptied or restored from a copy (a test's rollback, an operator's restore) can repeat
    an earlier stamp with other rows, so whatever does that calls this (or restarts)."""
    for kept in (_ANSWERS, _VERSIONS, _PAGES):
        kept.forget()


def registry() -> Registry:
    """The registry now: reads its stamp (one query)."""
    return Registry(registry_stamp())
