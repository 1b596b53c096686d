"""Running calls at once, each on its own database connection, as separate processes would;
and two policy officers designating the same country at the same moment, run in the test
process (PostgreSQL) or as a program of its own against a file-based SQLite installation, the
store `./dev up` gives (`python -m tests.concurrency`, with DJANGO_SETTINGS_MODULE and
DATABASE_URL set, prints the outcome as JSON)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections


def on_postgresql() -> None:
    """Row locks are PostgreSQL's; SQLite serialises writers with BEGIN IMMEDIATE (settings),
    and an in-memory SQLite database is one connection: the PostgreSQL pass runs these."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections: the PostgreSQL pass runs this")


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Release the calls together, each in a thread (so a connection) of its own; what each
    returned, or the exception it raised, in the order they finished."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def designation_race() -> dict[str, object]:
    """Both designate KEN B1/B2 from 2030-01-01 under a new program, released together by a
    barrier. Returns the outcomes ("recorded"/"refused") and the versions recorded."""
    from django.db import connections

    from visabond.core import clock
    from visabond.core.errors import Conflict
    from visabond.core.money import Money
    from visabond.policy import services
    from visabond.policy.decisions import Author, Source
    from visabond.policy.models import RuleVersion
    from visabond.policy.rules import Period, RuleTerms

    author = Author("officer")
    program = services.program_register(
        code="race",
        issuer="USA",
        name="Race",
        legal_basis="",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=[Source("s")],
        author=author,
    )
    bond = Money(Decimal(5000), "USD")
    terms = RuleTerms(bond_required=True, amounts=(bond,), standard_amount=bond)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def designate() -> None:
        try:
            barrier.wait()
            services.rule_designate(
                program=program,
                nationality="KEN",
                visa_class="B1/B2",
                terms=terms,
                period=Period(dt.date(2030, 1, 1)),
                announced_on=clock.today(),
                reason="race",
                sources=[Source("s")],
                author=author,
            )
            outcomes.append("recorded")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=designate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = RuleVersion.objects.filter(rule__nationality="KEN").count()
    return {"outcomes": sorted(outcomes), "versions": versions}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(designation_race()))
