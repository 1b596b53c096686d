"""The applicant's bond-status page (the portal's case page) under load, beside its peers.

Run: python benchmarks/bench_bond_status_page.py   (DATABASE_URL=postgres://... for PostgreSQL)

A registry seeded with the real timeline and 600 cases at Lilongwe at every stage (directed,
paid, issued, refused after payment); then the full Django stack in process (middleware,
session, templates, French and English), 400 requests per page, one applicant's case with a
refund clock running. Peers in the same run: the console's case page (the same case, for its
officer) and the public requirements page with an answer (the registry's page). Prints mean,
median and 99th percentile in milliseconds, and the queries each page makes.
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

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from tests.casework_world import (  # noqa: E402
    PASSWORD,
    World,
    directed_case,
    pay,
    td3,
    today_is,
    world,
)
from visabond.casework.seed.loader import posts_seed_load  # noqa: E402
from visabond.casework.services import case_issue_visa, case_refuse  # noqa: E402
from visabond.policy.seed.loader import seed_load  # noqa: E402

DAY = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
BACKGROUND = 600
ROUNDS = 400


def background(people: World) -> str:
    """Cases at every stage; returns the reference of a case refused after payment."""
    last = ""
    for n in range(BACKGROUND):
        number = f"MB{n:07d}"
        case = directed_case(people, passport_mrz=td3(number=number), passport_number=number)
        stage = n % 4
        if stage:
            pay(case.bond, payment=f"bench-{n}")
        if stage == 2:
            case_issue_visa(reference=case.reference, actor=people.officer)
        if stage == 3:
            case_refuse(reference=case.reference, explanation="bench", actor=people.officer)
            last = case.reference
    return last


def timed(client: Client, path: str) -> tuple[list[float], int]:
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(path, HTTP_HOST="127.0.0.1")
        samples.append((time.perf_counter() - start) * 1000)
    return samples, queries


def report(label: str, samples: list[float], queries: int) -> None:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"{label:<44} mean {statistics.fmean(samples):6.2f} ms   median "
        f"{statistics.median(samples):6.2f} ms   p99 {p99:6.2f} ms   {queries} queries"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    with (
        today_is(DAY),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        seed_load()
        posts_seed_load()
        people = world()
        started = time.perf_counter()
        reference = background(people)
        print(f"{BACKGROUND} cases made in {time.perf_counter() - started:.1f} s")
        applicant, officer = Client(), Client()
        assert applicant.login(username=people.applicant.username, password=PASSWORD)
        assert officer.login(username=people.officer.username, password=PASSWORD)
        print(f"database: {connection.vendor}; {ROUNDS} requests per page")
        pages = [
            ("portal: bond status (en)", applicant, f"/portal/cases/{reference}/"),
            ("portal: bond status (fr)", applicant, f"/fr/portal/cases/{reference}/"),
            ("console: the same case, its officer", officer, f"/console/cases/{reference}/"),
            (
                "public: requirements with an answer",
                Client(),
                "/requirements/?issuer=USA&nationality=MWI&visa_class=B1%2FB2&on=2025-09-01",
            ),
        ]
        for label, client, path in pages:
            samples, queries = timed(client, path)
            report(label, samples, queries)


if __name__ == "__main__":
    main()
