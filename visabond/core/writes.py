"""The write discipline's one helper: a step refuses to run outside its caller's transaction.

Every write is an entry point or a step (docs/writes.md). An entry point (called by a view,
the API or the command line) opens `transaction.atomic(durable=True)` itself. A step (append
a rule version, write an audit entry) is called by entry points and opens
`within_caller_transaction(...)`: an `atomic(savepoint=False)` that fails loudly when no
transaction is open, instead of quietly committing part of a decision on its own.
"""

from __future__ import annotations

from django.db import transaction
from django.db.transaction import Atomic, TransactionManagementError


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
