"""The rate limits count in a cache every worker shares: with per-worker memory, N workers
would let a caller try N times the ceiling (a claim code, a departure check)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from tests.processes import processes_at_once
from visabond.core.file_cache import LockedFileBasedCache
from visabond.web.throttle import LookupThrottle, attempt_allowed

COUNT = """
import django
django.setup()
from django.core.cache import cache
cache.add("attempts", 0)
print(cache.incr("attempts"))
"""


def test_two_worker_processes_count_attempts_in_one_cache(tmp_path: Path) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
        "VISABOND_DATA_DIR": str(tmp_path),
    }
    env.pop("VISABOND_CACHE_BACKEND", None)
    env.pop("VISABOND_CACHE_LOCATION", None)
    counts = [
        subprocess.run(
            [sys.executable, "-c", COUNT], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert counts == ["1", "2"]
    assert (tmp_path / "cache").is_dir()


FILE_CACHES = [
    "visabond.core.file_cache.LockedFileBasedCache",
    # Django's own, which a deployment may still name (VISABOND_CACHE_BACKEND).
    "django.core.cache.backends.filebased.FileBasedCache",
]


@pytest.mark.parametrize("backend", FILE_CACHES)
def test_an_hours_count_outlives_five_quiet_minutes_in_the_file_cache(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django's file cache increments by a get and a set under its default timeout (300 s).
    files = {"BACKEND": backend}
    clock = [7200.0 * 500_000]  # the start of an hour's window
    monkeypatch.setattr(time, "time", lambda: clock[0])
    with override_settings(
        CACHES={"default": {**files, "LOCATION": str(tmp_path)}}, CLAIM_THROTTLE_RATE="3/h"
    ):
        throttle = LookupThrottle(scope="claim", setting="CLAIM_THROTTLE_RATE", ident="acct")
        assert [throttle.allow_request(None) for _ in range(3)] == [True, True, True]
        clock[0] += 400  # six quiet minutes, still within the hour
        assert throttle.allow_request(None) is False
        clock[0] += 3600  # the next hour's window
        assert throttle.allow_request(None) is True


def test_the_default_file_cache_is_the_locked_one(tmp_path: Path) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
        "VISABOND_DATA_DIR": str(tmp_path),
    }
    env.pop("VISABOND_CACHE_BACKEND", None)
    program = "import django\ndjango.setup()\nfrom django.core.cache import caches\n"
    program += "print(type(caches['default']).__qualname__)"
    backend = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    assert backend.stdout.strip() == "LockedFileBasedCache"


def test_claims_counted_in_process_on_the_locked_file_cache(tmp_path: Path) -> None:
    """The account's ceiling, then the 429's wait: the window's end, in seconds."""
    locked = {"BACKEND": "visabond.core.file_cache.LockedFileBasedCache"}
    with override_settings(
        CACHES={"default": {**locked, "LOCATION": str(tmp_path)}}, CLAIM_THROTTLE_RATE="3/h"
    ):
        outcomes = [
            attempt_allowed(scope="claim", ident="acct", setting="CLAIM_THROTTLE_RATE")
            for _ in range(5)
        ]
        other = attempt_allowed(scope="claim", ident="other", setting="CLAIM_THROTTLE_RATE")
    assert [allowed for allowed, _ in outcomes] == [True, True, True, False, False]
    waits = [wait for allowed, wait in outcomes if not allowed]
    assert all(0 < wait <= 3601 for wait in waits)
    assert other == (True, 0)
    assert any(tmp_path.glob("*.djcache"))


CLAIMS = """
import sys, threading, time
import django
django.setup()
from visabond.web.throttle import attempt_allowed

# One moment for every process, mid-window, so that all count in the same hour's window.
moment = float(sys.argv[1])
time.time = lambda: moment
threads, attempts = int(sys.argv[2]), int(sys.argv[3])
allowed = []

def claim():
    for _ in range(attempts):
        ok, _wait = attempt_allowed(scope="claim", ident="acct", setting="CLAIM_THROTTLE_RATE")
        allowed.append(ok)

print("ready", flush=True)
sys.stdin.readline()
workers = [threading.Thread(target=claim) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(sum(allowed))
"""


def test_claims_from_every_worker_at_once_stop_at_the_ceiling_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """48 claims at once (8 workers x 2 threads x 3) against 10 an hour: 10 let through, not
    one more, and the window's count saw all 48."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
        "VISABOND_DATA_DIR": str(tmp_path),
        "VISABOND_CLAIM_RATE": "10/h",
    }
    env.pop("VISABOND_CACHE_BACKEND", None)
    env.pop("VISABOND_CACHE_LOCATION", None)
    moment = 3600.0 * 480_000 + 1800
    allowed = processes_at_once(CLAIMS, count=8, args=[str(moment), "2", "3"], env=env)
    assert sum(int(n) for n in allowed) == 10
    monkeypatch.setattr(time, "time", lambda: moment)
    counted = LockedFileBasedCache(str(tmp_path / "cache"), {}).get("throttle:claim:acct:480000")
    assert counted == 48


@pytest.mark.parametrize("typed", ["C-\x01\x7f-X", "C " * 200, "Ç-ÉÈ-1", "a b"])
def test_what_a_client_typed_reaches_the_cache_as_a_digest_of_it(typed: str) -> None:
    """Control characters, spaces, non-ASCII or a long key are refused by memcached and
    warned of by Django (an error under -W error): a typed identity is hashed, and each
    one still counts on its own."""
    throttle = LookupThrottle(scope="claim", setting="CLAIM_THROTTLE_RATE", ident=typed)
    key = throttle.get_cache_key(None)
    assert key is not None
    assert key.startswith("throttle:claim:sha256-")
    assert len(key) < 100
    assert key.isascii()
    assert key.isprintable()
    assert " " not in key
    other = LookupThrottle(scope="claim", setting="CLAIM_THROTTLE_RATE", ident=typed + "2")
    assert other.get_cache_key(None) != key
    with override_settings(CLAIM_THROTTLE_RATE="2/h"):
        allowed = [
            attempt_allowed(scope="claim", ident=typed, setting="CLAIM_THROTTLE_RATE")[0]
            for _ in range(3)
        ]
    assert allowed == [True, True, False]


def test_an_address_or_a_normalised_reference_stays_readable_in_its_key() -> None:
    for who in ("192.0.2.7", "2001:db8::1", "acct:42", "C-DAED-R5N3"):
        throttle = LookupThrottle(scope="claim", setting="CLAIM_THROTTLE_RATE", ident=who)
        assert throttle.get_cache_key(None) == f"throttle:claim:{who}"
