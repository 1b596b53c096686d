"""One request at a time through the whole Django stack: the public page and the JSON lookup.

Run: python benchmarks/bench_page.py [--profile NAME]
Serves the four URLs of bench_load.py from a seeded SQLite registry by calling the WSGI
application as a server does (every middleware, the throttle, the templates; no network,
no server process) and prints the median and 99th percentile of one request in
milliseconds, and the processor time it took (less sensitive than the wall clock to the
other work on a shared machine): the time a worker spends on it, which bounds what
`visabond serve` can do under load. The same questions on days never asked
before show the time of a first answer (nothing kept). `--profile NAME` (empty, answer,
french, json, "fresh answer", "fresh json") prints where a request's time goes (cProfile,
by own time).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DATA_DIR = tempfile.mkdtemp(prefix="visabond-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR}/bench.sqlite3"
os.environ["VISABOND_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "visabond.config.settings.base"
# One client asks thousands of times: the per-address ceiling is raised, as in bench_load.py.
os.environ["VISABOND_LOOKUP_RATE"] = "100000000/m"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from visabond.policy.seed.loader import seed_load  # noqa: E402

URLS = {
    "empty": "/requirements/",
    "answer": "/requirements/?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-01-21",
    "french": "/fr/requirements/?issuer=MLI&nationality=USA&visa_class=SHORT-STAY&on=2025-11-15",
    "json": "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-01-21",
}
# The same questions on days not asked before: nothing kept, every request reads the
# registry and draws the page (what the first traveller to ask a question waits for).
FRESH = {
    "answer": "/requirements/?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on={day}",
    "json": "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on={day}",
}
LABELS = {
    "empty": "public page, empty form",
    "answer": "public page, an answer",
    "french": "public page, French answer",
    "json": "JSON lookup",
    "fresh answer": "public page, never asked",
    "fresh json": "JSON lookup, never asked",
}
ROUNDS = 300


APPLICATION = get_wsgi_application()
FACTORY = RequestFactory(HTTP_HOST="127.0.0.1")


def get(url: str) -> None:
    statuses: list[str] = []
    environ = FACTORY.get(url).environ
    body = b"".join(APPLICATION(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"], (url, statuses)
    assert body, url


def days(count: int) -> list[str]:
    first = dt.date(2026, 1, 21)
    return [(first + dt.timedelta(days=n)).isoformat() for n in range(count)]


def measure(label: str, urls: list[str]) -> None:
    samples, cpu = [], []
    for url in urls:
        start, start_cpu = time.perf_counter(), time.process_time()
        get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    ordered = sorted(samples)
    print(
        f"{label:<28} median {statistics.median(samples):6.2f} ms   "
        f"p99 {ordered[int(len(ordered) * 0.99) - 1]:6.2f} ms   "
        f"CPU mean {statistics.fmean(cpu):6.2f} ms   ({len(samples)} requests, "
        f"load average {os.getloadavg()[0]:.2f})"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    seed_load()
    profile = sys.argv[2] if sys.argv[1:2] == ["--profile"] else None
    for name, url in URLS.items():
        for _ in range(20):  # warm: templates, catalogues, caches
            get(url)
        measure(LABELS[name], [url] * ROUNDS)
    for name, url in FRESH.items():
        measure(LABELS[f"fresh {name}"], [url.format(day=day) for day in days(ROUNDS)])
    if profile:
        fresh = profile.removeprefix("fresh ")
        urls = (
            [FRESH[fresh].format(day=day) for day in days(2 * ROUNDS)[ROUNDS:]]
            if profile.startswith("fresh ")
            else [URLS[profile]] * ROUNDS
        )
        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls:
            get(url)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            sys.argv[3] if len(sys.argv) > 3 else "tottime"
        ).print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
