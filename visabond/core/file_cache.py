"""Django's file cache, with each entry's writes serialised across processes and threads.

Django's `FileBasedCache` adds by asking whether the key exists and then writing it, and
increments by reading the value and then writing value + delta: two workers of `visabond
serve` counting the same attempt both read 4 and both write 5, so a rate limit's counter
(web/throttle.py) loses counts and lets more through than its ceiling. Here `add`, `incr`
(so `decr`), `touch`, `set` and `delete` hold an exclusive `flock` for the entry while they
read and write it, so of two calls on one key one runs after the other, whichever process
or thread makes them. Reads (`get`, `has_key`) take no lock: an entry's file is replaced
whole by a rename, so a reader sees the old value or the new one, never a mix.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import random
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.move import file_move_safe

# The lock files, in a directory of the cache's own. A fixed pool, chosen by the entry's
# file name, rather than a lock file per key: the counters' keys name an address or account
# and a window, so lock files per key would grow without bound, and they could not be
# removed safely (a process waiting on a lock file another has just unlinked would hold a
# lock nobody else sees). Two keys sharing a lock file only wait for each other for the
# milliseconds of one read and one write.
LOCK_FILES = 256
LOCK_DIR = "locks"
# Django lists every file of the cache on each write to decide whether to cull: at the
# hundreds of thousands of files the counters reach (one per address and window, never read
# again once the window is past), each throttled request would list them all. Counted once
# every CULL_EVERY writes of a worker instead (OPTIONS["CULL_EVERY"]), MAX_ENTRIES is
# exceeded by at most that many entries per worker between two counts.
CULL_EVERY = 256


class LockedFileBasedCache(FileBasedCache):
    """`FileBasedCache` whose add-or-increment holds across the workers of one machine.

    Django's semantics are kept: `add` stores only a missing or expired key and says whether
    it did; `incr`/`decr` of a missing or expired key raise `ValueError`; `touch` of one
    returns False. Unlike Django's file cache, whose `incr` is a `set` under the default
    timeout, `incr` keeps the entry's expiry, as memcached, Redis and the local-memory cache
    do.

    Culling (`MAX_ENTRIES`, `CULL_FREQUENCY`, `CULL_EVERY`): nothing reads a past window's
    counter again, so its file stays until a cull. Once every `CULL_EVERY` writes, when the
    cache holds `MAX_ENTRIES` files, the expired ones are removed first (each under its
    key's lock), and only if the cache is still full is a random share of the live ones
    deleted, as Django's cull deletes them. A culled counter is gone: its next `incr` raises
    `ValueError` and the throttle starts the window's count again at 1, so a cull can lose
    counts, never add them; the settings set `MAX_ENTRIES` far above the live counters.
    `add` and `set` cull; `incr` and `touch` replace an entry rather than add one, so they
    do not (Django's `incr`, being a `set`, does).

    A `get` or `has_key` that finds an entry expired removes its file without the lock, as
    Django's do; were a locked `add` to write the key anew in between, its new file would go
    too. The throttle reads its counters only through `add` and `incr`, under the lock.
    """

    if TYPE_CHECKING:
        # Django's file cache has these; its type stubs leave its private members out.
        _dir: str
        _max_entries: int
        _cull_frequency: int

        def _list_cache_files(self) -> list[str]: ...

        def _key_to_file(self, key: Any, version: int | None = None) -> str: ...
        def _delete(self, fname: str) -> bool: ...
        def _createdir(self) -> None: ...

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", CULL_EVERY)))
        self._writes_since_count = 0

    def _cull(self) -> None:
        # Django's `set` calls this under the entry's lock; culling takes other entries'
        # locks (one lock file may serve both), so it only counts here and runs once the
        # lock is released (`_cull_if_due`).
        self._writes_since_count += 1

    def _cull_if_due(self, written: str) -> None:
        """Keep the cache under `MAX_ENTRIES`: expired entries go first, then, if it is still
        full, a random share of the live ones as Django culls (`CULL_FREQUENCY`); never the
        entry just `written` (Django culls before it writes, so that it stays).

        Django culls at random only: with past windows' counters filling the cache, a cull
        would delete live counters (resetting their counts) as readily as dead ones. The
        files are counted once every `CULL_EVERY` writes (see the constant).
        """
        if self._writes_since_count < self._cull_every:
            return
        self._writes_since_count = 0
        files = self._list_cache_files()
        # Counted after the write: one file more than Django counts before it.
        if len(files) <= self._max_entries:
            return
        live = [f for f in files if f != written and not self._expired_removed(f)]
        if len(live) < self._max_entries:
            return
        if self._cull_frequency == 0:  # Django's "clear the cache", but for the entry written
            for fname in live:
                self._delete(fname)
            return
        for fname in random.sample(live, len(live) // self._cull_frequency):
            self._delete(fname)

    def _expired_removed(self, fname: str) -> bool:
        """Whether the entry in `fname` had expired (or was gone), and so was removed, under
        its key's lock so that an `add` writing the key anew is not undone."""
        with self._entry_lock(fname):
            return self._read(fname) is None

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        """Store `value` under `key` if the key is missing or expired; whether it was stored."""
        fname = self._key_to_file(key, version)
        with self._entry_lock(fname):
            if self._read(fname) is not None:
                return False
            super().set(key, value, timeout, version)
        self._cull_if_due(fname)
        return True

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        """Store `value` under `key`, after any `add` or `incr` of the key under way."""
        fname = self._key_to_file(key, version)
        with self._entry_lock(fname):
            super().set(key, value, timeout, version)
        self._cull_if_due(fname)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to the number under `key`, keeping its expiry; the new number.

        Raises `ValueError` when the key is missing or expired (Django's cache API).
        """
        fname = self._key_to_file(key, version)
        with self._entry_lock(fname):
            entry = self._read(fname)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            expiry, value = entry
            new_value: int = value + delta
            self._replace(fname, expiry=expiry, value=new_value)
        return new_value

    async def aincr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """`incr` from async code (Django's own `aincr` reads, then writes, unlocked)."""
        return await sync_to_async(self.incr, thread_sensitive=True)(key, delta, version)

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Give `key` a new expiry, `timeout` seconds from now; False when it is missing or
        expired."""
        fname = self._key_to_file(key, version)
        with self._entry_lock(fname):
            entry = self._read(fname)
            if entry is None:
                return False
            self._replace(fname, expiry=self.get_backend_timeout(timeout), value=entry[1])
            return True

    def delete(self, key: Any, version: int | None = None) -> bool:
        """Remove `key`, after any write of it under way; whether there was a file to remove."""
        fname = self._key_to_file(key, version)
        with self._entry_lock(fname):
            return self._delete(fname)

    @contextmanager
    def _entry_lock(self, fname: str) -> Iterator[None]:
        # The entry's file itself cannot be locked: a write replaces it by a rename, so a
        # lock taken on the old file would not stop a writer of the new one. A fresh open
        # file each time, not one kept open, because flock locks belong to an open file:
        # threads sharing one would not exclude each other, nor would a forked worker.
        index = int(os.path.basename(fname)[:8], 16) % LOCK_FILES
        path = os.path.join(self._dir, LOCK_DIR, f"{index:03d}.lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # a new cache, or its directory was removed
            self._createdir()
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # which releases the lock

    def _read(self, fname: str) -> tuple[float | None, Any] | None:
        """The entry's expiry (a Unix time, or None for never) and value; None when there is
        no entry or it has expired (its file is then removed, as Django's reads do)."""
        # The files are the cache's own, in a directory only this service's user may open
        # (Django makes it 0o700), read with pickle as Django's file cache reads them.
        try:
            with open(fname, "rb") as f:
                try:
                    expiry: float | None = pickle.load(f)  # noqa: S301
                except EOFError:  # an empty file counts as expired, as in Django
                    expiry = 0
                if expiry is None or expiry >= time.time():
                    return expiry, pickle.loads(zlib.decompress(f.read()))  # noqa: S301
        except FileNotFoundError:
            return None
        self._delete(fname)
        return None

    def _replace(self, fname: str, *, expiry: float | None, value: Any) -> None:
        """Write the entry into a new file and rename it over the old one, as Django's `set`
        does, with the given expiry and without culling."""
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        renamed = False
        try:
            with open(fd, "wb") as f:
                f.write(pickle.dumps(expiry, self.pickle_protocol))
                f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            file_move_safe(tmp_path, fname, allow_overwrite=True)
            renamed = True
        finally:
            if not renamed:
                os.remove(tmp_path)
