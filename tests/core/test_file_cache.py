"""The default cache's file backend: an add-or-increment counts every call exactly, whatever
the processes and threads counting at once, with Django's cache semantics kept."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.processes import processes_at_once
from visabond.core.file_cache import LOCK_DIR, LOCK_FILES, LockedFileBasedCache

START = 1_700_000_000.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The Unix time the cache reads (its expiries), set by the test."""
    now = [START]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def files_cache(location: Path) -> LockedFileBasedCache:
    return LockedFileBasedCache(str(location), {})


COUNT = """
import sys, threading
from visabond.core.file_cache import LockedFileBasedCache

cache = LockedFileBasedCache(sys.argv[1], {})
threads, calls = int(sys.argv[2]), int(sys.argv[3])

def count():
    for _ in range(calls):
        if not cache.add("attempts", 1, 3600):
            cache.incr("attempts")

print("ready", flush=True)
sys.stdin.readline()
workers = [threading.Thread(target=count) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
"""


def test_eight_processes_of_four_threads_lose_no_count(tmp_path: Path) -> None:
    """8 processes x 4 threads x 25 add-or-increments of one key: the count is 800 exactly
    (Django's own file cache, adding and incrementing by a read then a write, ends far short)."""
    processes_at_once(COUNT, count=8, args=[str(tmp_path), "4", "25"])
    assert files_cache(tmp_path).get("attempts") == 8 * 4 * 25


def test_threads_of_one_process_lose_no_count(tmp_path: Path) -> None:
    """Threads of one worker open the lock file each on its own, so exclude each other too."""
    cache = files_cache(tmp_path)

    def count() -> None:
        for _ in range(50):
            if not cache.add("attempts", 1, 3600):
                cache.incr("attempts")

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("attempts") == 400


def test_incr_of_a_missing_or_expired_key_raises(tmp_path: Path, clock: list[float]) -> None:
    cache = files_cache(tmp_path)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("attempts")
    cache.add("attempts", 1, 10)
    clock[0] += 11
    with pytest.raises(ValueError, match="not found"):
        cache.incr("attempts")
    assert cache.get("attempts") is None


def test_incr_and_decr_keep_the_entrys_expiry(tmp_path: Path, clock: list[float]) -> None:
    """Unlike Django's file cache, whose incr is a set under the default timeout (300 s)."""
    cache = files_cache(tmp_path)
    assert cache.add("attempts", 1, 3600) is True
    clock[0] += 3000
    assert cache.incr("attempts", 5) == 6
    assert cache.decr("attempts") == 5
    clock[0] += 599  # 3,599 s after the add
    assert cache.get("attempts") == 5
    clock[0] += 2
    assert cache.get("attempts") is None


def test_an_expiry_of_never_is_kept_by_incr(tmp_path: Path, clock: list[float]) -> None:
    cache = files_cache(tmp_path)
    cache.set("attempts", 1, None)
    assert cache.incr("attempts") == 2
    clock[0] += 10 * 365 * 86400
    assert cache.get("attempts") == 2


def test_add_stores_only_a_missing_or_expired_key(tmp_path: Path, clock: list[float]) -> None:
    cache = files_cache(tmp_path)
    assert cache.add("attempts", 1, 10) is True
    assert cache.add("attempts", 7, 10) is False
    assert cache.get("attempts") == 1
    clock[0] += 11
    assert cache.add("attempts", 7, 10) is True
    assert cache.get("attempts") == 7


def test_touch_sets_a_new_expiry_of_a_live_key_only(tmp_path: Path, clock: list[float]) -> None:
    cache = files_cache(tmp_path)
    assert cache.touch("attempts", 100) is False
    cache.add("attempts", 3, 10)
    assert cache.touch("attempts", 100) is True
    clock[0] += 99
    assert cache.get("attempts") == 3
    clock[0] += 2
    assert cache.get("attempts") is None
    assert cache.touch("attempts", 100) is False


def test_set_and_delete_replace_and_remove_under_the_lock(tmp_path: Path) -> None:
    cache = files_cache(tmp_path)
    cache.set("attempts", 4, 60)
    assert cache.incr("attempts") == 5
    assert cache.delete("attempts") is True
    assert cache.delete("attempts") is False
    assert cache.add("attempts", 1, 60) is True


def test_aincr_counts_under_the_same_lock(tmp_path: Path) -> None:
    cache = files_cache(tmp_path)

    async def count() -> list[int]:
        await cache.aadd("attempts", 0, 60)
        return list(await asyncio.gather(*(cache.aincr("attempts") for _ in range(20))))

    assert sorted(asyncio.run(count())) == list(range(1, 21))
    assert cache.get("attempts") == 20


def test_lock_files_stay_a_fixed_pool_however_many_keys(tmp_path: Path) -> None:
    """Counters are keyed by address and window: a lock file per key would never stop growing."""
    cache = files_cache(tmp_path)
    for n in range(3 * LOCK_FILES):
        cache.add(f"throttle:lookup:192.0.2.{n}:1", 1, 60)
    locks = list((tmp_path / LOCK_DIR).iterdir())
    assert 0 < len(locks) <= LOCK_FILES
    # The lock files are not entries: clearing leaves them, and they are never culled.
    cache.clear()
    assert len(list((tmp_path / LOCK_DIR).iterdir())) == len(locks)
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_DIR]


def test_a_removed_cache_directory_is_made_again(tmp_path: Path) -> None:
    cache = files_cache(tmp_path / "cache")
    cache.add("attempts", 1, 60)
    shutil.rmtree(tmp_path / "cache")
    assert cache.add("attempts", 1, 60) is True
    assert cache.incr("attempts") == 2


def _culling_cache(location: Path, *, most: int, every: int = 1) -> LockedFileBasedCache:
    return LockedFileBasedCache(
        str(location), {"OPTIONS": {"MAX_ENTRIES": most, "CULL_EVERY": every}}
    )


def test_a_full_cache_sheds_its_expired_counters_before_any_live_one(
    tmp_path: Path, clock: list[float]
) -> None:
    cache = _culling_cache(tmp_path, most=10)
    for window in range(6):
        cache.add(f"past-window-{window}", 3, 60)
    for address in range(4):
        cache.add(f"live-{address}", 1, 3600)
    clock[0] += 120  # the six past windows' counters expire
    cache.add("live-4", 1, 3600)
    assert all(cache.incr(f"live-{address}") == 2 for address in range(5))
    assert len(cache._list_cache_files()) == 5


def test_a_cache_full_of_live_entries_culls_a_share_of_them(tmp_path: Path) -> None:
    cache = _culling_cache(tmp_path, most=9)
    for key in range(9):
        cache.set(f"live-{key}", key, 3600)
    cache.set("one-more", 1, 3600)
    # Django's share: a third (CULL_FREQUENCY 3) of the 9 found, then the new entry.
    assert len(cache._list_cache_files()) == 9 - 3 + 1
    assert cache.get("one-more") == 1


def test_the_files_are_counted_once_every_cull_every_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = _culling_cache(tmp_path, most=1_000, every=50)
    listings: list[int] = []
    listed = cache._list_cache_files

    def counted() -> list[str]:
        listings.append(1)
        return listed()

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    for key in range(120):
        if not cache.add(f"address-{key % 60}", 1, 3600):
            cache.incr(f"address-{key % 60}")  # an increment replaces, and counts no write
    for key in range(40):
        cache.set(f"page-{key}", key, 3600)
    assert len(listings) == (60 + 40) // 50
