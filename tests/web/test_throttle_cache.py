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

from visabond.web.throttle import LookupThrottle

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


def test_an_hours_count_outlives_five_quiet_minutes_in_the_file_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file cache increments by a get and a set under its default timeout (300 s).
    files = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
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
