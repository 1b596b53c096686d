"""One sweep at a time, whatever starts them: a lock the database (or the system) releases
when the process holding it ends, however it ends.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`), held by the sweep's
connection across its chunk transactions and released when the connection closes, a
`kill -9` included. SQLite has no such lock: an exclusive `flock` on a file beside the
database, which the kernel releases with the process. A second sweep is refused at once
(`Conflict`, `sweep_running`) rather than queued: it would find nothing left to decide.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from visabond.core.errors import Conflict

# "visabond sweep" as a 63-bit key, the same in every process.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"visabond sweep").digest()[:8], "big") >> 1


@contextlib.contextmanager
def sweep_lock() -> Iterator[None]:
    """Hold the sweep's lock for the block; raises `Conflict` when another sweep holds it."""
    if connection.vendor == "postgresql":
        with _advisory_lock():
            yield
    else:
        with _file_lock(_lock_path()):
            yield


def _refused() -> Conflict:
    return Conflict(
        "another sweep is running: it decides what this one would",
        code="sweep_running",
        field=None,
    )


@contextlib.contextmanager
def _advisory_lock() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        row = cursor.fetchone()
    if not (row and row[0]):
        raise _refused()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refused() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name and name != ":memory:" and "mode=memory" not in name:
        return Path(name).with_name(Path(name).name + ".sweep.lock")
    # An in-memory database belongs to one process: so does its lock.
    return Path(tempfile.gettempdir()) / f"visabond-sweep-memory-{os.getpid()}.lock"
