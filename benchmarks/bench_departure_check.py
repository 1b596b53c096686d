"""The public "did my departure register?" check: a wrong bond number beside a wrong birth
date (the two must not be told apart by their time), and a match, side by side.

Run: python benchmarks/bench_departure_check.py   (DATABASE_URL=postgres://... for PostgreSQL)

A registry seeded with the real timeline, one bonded traveller admitted at IAD with 2,000
other bonds beside hers; then the full Django stack in process (middleware, CSRF, session,
templates), the page asked by POST, rounds of the three questions interleaved so that the
machine's load falls on each alike. Prints mean, median and 99th percentile in milliseconds
and the queries each answer makes; a refusal's two kinds should make the same queries and
differ by less than their spread.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DATA_DIR = tempfile.mkdtemp(prefix="visabond-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA_DIR}/bench.sqlite3")
os.environ["VISABOND_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "visabond.config.settings.base"

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# Each refusal is a 404, which Django's request log would print 800 times.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from tests.border_world import BORN, admit, bonded, cloned_bond, grace  # noqa: E402
from tests.casework_world import today_is  # noqa: E402
from visabond.casework.seed.loader import posts_seed_load  # noqa: E402
from visabond.policy.seed.loader import seed_load  # noqa: E402

DAY = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
ASKED = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)
OTHER_BONDS = 2000
ROUNDS = 400


def asked(client: Client, number: str, born: str) -> tuple[float, int, int]:
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        response = client.post(
            "/departure-check/", {"bond_number": number, "birth_date": born}, HTTP_HOST="127.0.0.1"
        )
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, queries, response.status_code


def report(label: str, samples: list[float], queries: int, status: int) -> None:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"{label:<28} {status}  mean {statistics.fmean(samples):6.2f} ms   median "
        f"{statistics.median(samples):6.2f} ms   p99 {p99:6.2f} ms   {queries} queries"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DEPARTURE_CHECK_THROTTLE_RATE="1000000/m",
    ):
        # The timeline holds announcements made after the pilot's day: loaded on the real day.
        seed_load()
        with today_is(DAY):
            posts_seed_load()
            traveller = bonded()
            for n in range(OTHER_BONDS):
                cloned_bond(traveller, f"{n:04d}-BNCH")
        with today_is(ASKED):
            admit(grace(), on="2025-10-01", until="2025-10-30")
            number = traveller.bond.number
            questions = {
                "wrong bond number": ("B-0000-0000", BORN.isoformat()),
                "wrong birth date": (number, "1990-04-03"),
                "match": (number, BORN.isoformat()),
            }
            client = Client()
            samples: dict[str, list[float]] = {label: [] for label in questions}
            facts: dict[str, tuple[int, int]] = {}
            for round_ in range(ROUNDS + 1):
                for label, (asked_number, born) in questions.items():
                    elapsed, queries, status = asked(client, asked_number, born)
                    facts[label] = (queries, status)
                    if round_:  # the first round warms the templates and caches up
                        samples[label].append(elapsed)
        print(f"database: {connection.vendor}; {OTHER_BONDS + 1} bonds; {ROUNDS} rounds")
        for label, values in samples.items():
            report(label, values, *facts[label])


if __name__ == "__main__":
    main()
