"""Many decisions recorded at once on real concurrent PostgreSQL connections form one chain.

Entry points that chain their entries at commit (`entry_point_transaction`), transactions
that chain them at once (`atomic(durable=True)`) and decisions that roll back run together:
the trail stays one unbroken chain that ends at the head row, holds every committed entry
and none of a rolled-back one, and keeps each transaction's entries together and in the
order recorded. SQLite serialises writers at BEGIN IMMEDIATE (settings); an in-memory
SQLite database is one connection, so the PostgreSQL pass runs this.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pytest
from django.db import transaction

from tests.concurrency import at_once, on_postgresql
from visabond.accounts.models import User
from visabond.audit.chain import verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.audit.services import AuditAction, audit_record
from visabond.core.writes import entry_point_transaction

ROUNDS = 5
WRITERS = 24
ENTRIES = 3


def decision(subject: User, name: str, *, deferred: bool, refused: bool) -> Callable[[], str]:
    def run() -> str:
        opened = entry_point_transaction() if deferred else transaction.atomic(durable=True)
        with opened:
            for step in range(ENTRIES):
                audit_record(
                    AuditAction.USER_ROLE_GRANTED,
                    subject=subject,
                    actor="test",
                    details={"decision": name, "step": step},
                )
            if refused:
                raise ValueError(f"{name} refused")
        return name

    return run


@pytest.mark.django_db(transaction=True)
def test_decisions_recorded_at_once_form_one_unbroken_chain_of_committed_entries() -> None:
    on_postgresql()
    subject = User.objects.create_user("ada", password="a-long-test-password-1")
    committed: set[str] = set()
    for round_ in range(ROUNDS):
        calls = []
        for writer in range(WRITERS):
            name = f"{round_}-{writer}"
            refused = writer % 8 == 7
            calls.append(decision(subject, name, deferred=writer % 3 != 0, refused=refused))
            if not refused:
                committed.add(name)
        results = at_once(*calls)
        assert sum(isinstance(r, ValueError) for r in results) == WRITERS // 8

    assert verify(audit_links(), head=audit_head()) == []
    steps: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sequence, details in AuditEvent.objects.values_list("sequence", "details"):
        steps[details["decision"]].append((sequence, details["step"]))
    assert set(steps) == committed
    for name, entries in steps.items():
        sequences = sorted(sequence for sequence, _ in entries)
        assert sequences == list(range(sequences[0], sequences[0] + ENTRIES)), name
        assert [step for _, step in sorted(entries)] == list(range(ENTRIES)), name
