"""Requirement lookup latency on the seeded registry: the selector, and the full HTTP stack.

Run: python benchmarks/bench_requirements.py   (DATABASE_URL=postgres://... to use PostgreSQL)
Prints mean, median and 99th percentile in milliseconds. Target: under 5 ms a lookup.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DATA_DIR = tempfile.mkdtemp(prefix="visabond-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA_DIR}/bench.sqlite3")
os.environ["VISABOND_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "visabond.config.settings.base"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from visabond.policy.seed.loader import seed_load  # noqa: E402
from visabond.policy.selectors import requirement_lookup  # noqa: E402

QUESTIONS = [
    ("USA", "MLI", "B1/B2", "2025-10-24", "2025-10-20"),
    ("USA", "Gambia", "B-1/B-2", "2025-10-11", None),
    ("USA", "NGA", "B1/B2", "2026-01-21", None),
    ("USA", "Tanzania", "B1/B2", "2026-08-06", None),
    ("USA", "MWI", "F-1", "2025-09-01", None),
    ("MLI", "USA", "SHORT-STAY", "2025-11-15", None),
    ("USA", "Burkina Faso", "B1/B2", "2025-11-01", None),
    ("USA", "FRA", "B1/B2", "2026-03-01", None),
]


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"{label:<34} mean {statistics.fmean(samples):6.3f} ms   median {statistics.median(samples):6.3f} ms"
        f"   p99 {p99:6.3f} ms   ({len(samples)} lookups)"
    )


def ask_http(client: Client, params: dict[str, str]) -> object:
    response = client.get("/api/v1/requirements", params, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.content
    return response


def main() -> None:
    call_command("migrate", verbosity=0)
    seed_load()
    rounds = 400
    selector_samples: list[float] = []
    http_samples: list[float] = []
    client = Client()
    for issuer, nationality, visa_class, on, known_on in QUESTIONS:
        question = {
            "issuer": issuer,
            "nationality": nationality,
            "visa_class": visa_class,
            "on": on,
        }
        lookup = partial(
            lambda q, k: requirement_lookup(**q, known_on=k).to_json_dict(), question, known_on
        )
        params = question | ({"known_on": known_on} if known_on else {})
        http = partial(ask_http, client, params)
        lookup(), http()  # warm caches (country tables, templates, connection)
        selector_samples += timed(lookup, rounds)
        http_samples += timed(http, rounds)
    engine = django.db.connection.vendor
    print(f"requirements lookup on {engine}, {len(QUESTIONS)} questions x {rounds} rounds")
    report("selector (requirement_lookup)", selector_samples)
    report("HTTP API (full Django stack)", http_samples)


if __name__ == "__main__":
    main()
