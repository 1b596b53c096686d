"""The rate limits count in a cache every worker shares: with per-worker memory, N workers
would let a caller try N times the ceiling (a claim code, a departure check)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
