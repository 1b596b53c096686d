"""The write discipline's helpers: entry points open durable transactions, steps refuse to run
outside one, and work a step defers is done just before its entry point commits.

Every write is an entry point or a step (docs/writes.md). An entry point (called by a view,
the API or the command line) opens `transaction.atomic(durable=True)` itself, or
`entry_point_transaction()`, the same durable transaction that also does, just before it
commits, the work its steps handed over with `before_commit` (the audit trail appends a
transaction's entries there, so the trail's head is locked for milliseconds, not for the
whole decision). A step (append a rule version, write an audit entry) is called by entry
points and opens `within_caller_transaction(...)`: an `atomic(savepoint=False)` that fails
loudly when no transaction is open, instead of quietly committing part of a decision.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import Atomic, TransactionManagementError

T = TypeVar("T")
Work = Callable[[Sequence[Any]], None]


def within_caller_transaction(step: str, *, using: str | None = None) -> Atomic:
    """The block of a step: inside the caller's transaction, with no savepoint of its own.

    Raises `TransactionManagementError` when called outside a transaction: a step called on
    its own would commit its writes apart from the decision they belong to.
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            f"{step} runs inside its caller's transaction: call it from an entry point"
        )
    return transaction.atomic(using=using, savepoint=False)


class _Deferred:
    """The work handed over inside one open entry-point transaction, in the order given."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        # Savepoints below this depth are the entry point's own (a test case's, in tests).
        self.depth = len(connection.savepoint_ids)
        self.items: dict[Work, list[Any]] = {}

    def in_savepoint(self) -> bool:
        return any(sid is not None for sid in self.connection.savepoint_ids[self.depth :])

    def run(self) -> None:
        for work, items in self.items.items():
            work(items)


_open = threading.local()  # alias -> _Deferred, per thread as Django's connections are


def _opened() -> dict[str, _Deferred]:
    if not hasattr(_open, "by_alias"):
        _open.by_alias = {}
    opened: dict[str, _Deferred] = _open.by_alias
    return opened


class entry_point_transaction:  # noqa: N801 - used as `with`, like transaction.atomic
    """The transaction of an entry point: `transaction.atomic(durable=True)` that, when its
    block ends without error, does the work its steps deferred (`before_commit`) and commits.

    Durable, so nesting it inside another transaction raises `RuntimeError` as
    `atomic(durable=True)` does. When the block raises, or the transaction is marked for
    rollback, the deferred work is dropped with the rest: nothing of it is written. Work that
    fails rolls the whole transaction back and its error is raised.
    """

    def __init__(self, *, using: str | None = None) -> None:
        self.using = using
        self.atomic = transaction.atomic(using=using, durable=True)

    def __enter__(self) -> None:
        self.atomic.__enter__()
        connection = transaction.get_connection(self.using)
        _opened()[connection.alias] = _Deferred(connection)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = transaction.get_connection(self.using)
        deferred = _opened().pop(connection.alias)
        if exc_type is None and not connection.needs_rollback:
            try:
                deferred.run()
            except BaseException as error:
                self.atomic.__exit__(type(error), error, error.__traceback__)
                raise
        self.atomic.__exit__(exc_type, exc, traceback)


def before_commit(
    work: Callable[[Sequence[T]], None], item: T, *, using: str | None = None
) -> None:
    """Have `work` done with `item` just before the open entry point's transaction commits.

    A step's helper: runs inside the caller's transaction. Inside `entry_point_transaction`
    the items are kept in the order given, and `work` is called once with all of its items
    when the entry point's block ends without error (before another kind of work handed over
    later); a rolled-back block drops them. Anywhere else (an entry point opening
    `atomic(durable=True)`, a step's own transaction) `work([item])` is done at once.

    Inside a savepoint of a deferring entry point (`atomic()` nested in it) `work` is done at
    once too, so a savepoint rolled back takes it along; if items were already kept, doing
    them there would lose them with the savepoint and doing this one first would change
    their order, so that raises `TransactionManagementError`.
    """
    connection = transaction.get_connection(using)
    deferred = _opened().get(connection.alias)
    if deferred is None or not connection.in_atomic_block:
        work([item])
        return
    if not deferred.in_savepoint():
        deferred.items.setdefault(work, []).append(item)
        return
    if work in deferred.items:
        raise TransactionManagementError(
            "work deferred to the commit of this entry point cannot be done again inside a "
            "savepoint (atomic() nested in it): do it outside the savepoint, or open the "
            "entry point with atomic(durable=True)"
        )
    work([item])
