"""Running calls at once, each on its own database connection, as separate processes would."""

from __future__ import annotations

import threading
from collections.abc import Callable

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
