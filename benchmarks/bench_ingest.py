"""PAXLST manifest ingestion end to end on PostgreSQL: passengers per second.

Run: VISABOND_BENCH_POSTGRES_URL=postgres://... python benchmarks/bench_ingest.py
(`./dev bench` starts a throwaway PostgreSQL and sets it). Sizes: VISABOND_BENCH_INGEST_TRAVELLERS
(bonded travellers synthesised first, default 50,000), VISABOND_BENCH_INGEST_PASSENGERS
(passengers ingested by the set store, default 20,000, in manifests of 250) and
VISABOND_BENCH_INGEST_PEER_PASSENGERS (more, ingested passenger by passenger, default 1,000).

End to end is `manifest_ingest` as `visabond ingest paxlst` calls it: keep the bytes, parse,
read each passenger, match each departure to its admission, store it, audit. Every
passenger is an admitted traveller leaving Washington Dulles, so each one is matched.

Printed side by side, same passengers, same run:
- parse and read only (`manifest_read`: the parse and each passenger's records), in this
  process and in as many worker processes as there are cores (`read_ahead`, what
  `visabond ingest paxlst` uses for more than one file): what no database can avoid;
- COPY of as many departure rows (no matching): the floor a set-based store would pay;
- ingestion end to end, passenger by passenger (`per_passenger=True`, the peer: the path
  the set store replaced), through the set store, and through the set store with the files
  read ahead by the worker processes, with the queries each makes per passenger; each on
  manifests of its own.

Floor: 50,000 passengers a second. The load average is printed beside the figures.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.throwaway import throwaway_database

FLOOR_PASSENGERS_PER_SECOND = 50_000
SEATS = 250
START = dt.date(2025, 11, 1)
DAYS = 120


def main() -> None:
    server = os.environ.get("VISABOND_BENCH_POSTGRES_URL")
    if not server:
        print("ingest: set VISABOND_BENCH_POSTGRES_URL (./dev bench does) to run this")
        return
    travellers = int(os.environ.get("VISABOND_BENCH_INGEST_TRAVELLERS", "50000"))
    passengers = int(os.environ.get("VISABOND_BENCH_INGEST_PASSENGERS", "20000"))
    peer = int(os.environ.get("VISABOND_BENCH_INGEST_PEER_PASSENGERS", "1000"))
    with throwaway_database(server) as url:
        run(url, travellers=travellers, passengers=passengers, peer=peer)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _line(label: str, passengers: int, elapsed: float) -> float:
    rate = passengers / elapsed if elapsed else 0.0
    print(
        f"{label:<40} {passengers:>8,} passengers in {elapsed:7.2f} s  "
        f"{rate:>10,.0f} passengers/s  (load average {_load()})"
    )
    return rate


def run(url: str, *, travellers: int, passengers: int, peer: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "visabond.config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from visabond.demo.synth import synth_generate

    call_command("migrate", verbosity=0)
    call_command("seed", stdout=io.StringIO())
    with override_settings(DEBUG=True):
        synth_generate(travellers=travellers, start=START, days=DAYS, seed=23)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    files = _manifests(passengers + peer)
    sent = sum(count for _, count in files)
    print(
        f"ingest on PostgreSQL {connection.pg_version // 10000}: {sent:,} passengers in "
        f"{len(files)} manifests, against {travellers:,} synthesised bonds"
    )
    rates = {"parse": _line("parse and read only", sent, _parse(files))}
    workers = len(os.sched_getaffinity(0))
    rates["parallel"] = _line(
        f"parse and read only, {workers} worker processes", sent, _parse(files, workers=workers)
    )
    rates["copy"] = _line("COPY of as many departure rows", sent, _copy(sent))
    peer_files = max(2, peer // SEATS)
    each, rest = files[:peer_files], files[peer_files:]
    together, ahead = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    rates["each"] = _ingest(
        "end to end, passenger by passenger", each, per_passenger=True, queries=connection
    )
    rates["ingest"] = _ingest(
        "end to end, set store", together, per_passenger=False, queries=connection
    )
    rates["ahead"] = _ingest(
        f"end to end, set store, {workers} readers",
        ahead,
        per_passenger=False,
        queries=connection,
        workers=workers,
    )
    best = max(rates["ingest"], rates["ahead"])
    print(f"set store / passenger by passenger: {rates['ingest'] / rates['each']:,.0f}x")
    print(
        f"read ahead by {workers} processes / in process: {rates['ahead'] / rates['ingest']:.2f}x"
    )
    print(
        f"end to end (best) / COPY: {best / rates['copy']:.3f}; "
        f"end to end (best) / parse only: {best / rates['parse']:.3f}"
    )
    verdict = "meets" if best >= FLOOR_PASSENGERS_PER_SECOND else "BELOW"
    print(
        f"floor {FLOOR_PASSENGERS_PER_SECOND:,} passengers/s: {verdict} "
        f"({best / FLOOR_PASSENGERS_PER_SECOND:.1%} of it)"
    )


def _ingest(
    label: str,
    files: list[tuple[bytes, int]],
    *,
    per_passenger: bool,
    queries: Any,
    workers: int = 1,
) -> float:
    """Ingest `files` (the first one alone, counting its queries) the way named; with
    `workers`, the rest read ahead by as many processes, as `visabond ingest paxlst` does."""
    from django.test.utils import CaptureQueriesContext

    from visabond.border.manifest_reading import read_ahead
    from visabond.border.manifest_services import manifest_ingest
    from visabond.border.selectors import program_states
    from visabond.core import clock

    first, rest = files[0], files[1:]
    with CaptureQueriesContext(queries) as captured:
        manifest_ingest(
            raw=first[0], source=f"{label}-0", actor="bench", per_passenger=per_passenger
        )
    started = time.perf_counter()
    contents = read_ahead(
        ((f"{label}-{index}", raw) for index, (raw, _) in enumerate(rest, start=1)),
        states=program_states(),
        today=clock.today(),
        workers=workers,
    )
    for source, raw, read in contents:
        assert raw is not None
        ingested = manifest_ingest(
            raw=raw, source=source, actor="bench", per_passenger=per_passenger, read=read
        )
        assert ingested.manifest.state == "processed", ingested.to_json()
    elapsed = time.perf_counter() - started
    rate = _line(label, sum(count for _, count in rest), elapsed)
    print(
        f"  {len(captured.captured_queries) / first[1]:.2f} queries per passenger (first manifest)"
    )
    return rate


def _manifests(passengers: int) -> list[tuple[bytes, int]]:
    """Manifests of `SEATS` admitted travellers each, leaving IAD the day after the traffic."""
    from tests.border_world import manifest_passenger, paxlst
    from visabond.border.models import Admission

    admitted = list(
        Admission.objects.filter(status_change="")
        .order_by("pk")
        .values_list("document_number", "document_issuing_state", "birth_date", "nationality")
    )
    files = []
    for number, first in enumerate(range(0, passengers, SEATS)):
        group = [admitted[(first + seat) % len(admitted)] for seat in range(SEATS)]
        people = [
            manifest_passenger(surname="BENCH", passport=p, issuing_state=s, born=b, nationality=n)
            for p, s, b, n in group
        ]
        raw = paxlst(
            *people,
            reference=f"{number:06d}",
            departs="2026-03-02T21:40",
            arrives="2026-03-03T18:30",
        )
        files.append((raw, len(people)))
    return files


def _parse(files: list[tuple[bytes, int]], *, workers: int = 1) -> float:
    """Read `files` as `manifest_ingest` does before it stores, here or in `workers`
    processes (their start included)."""
    from visabond.border.manifest_reading import manifest_read, read_ahead

    states = frozenset({"USA", "MLI"})
    today = dt.date(2026, 3, 2)
    started = time.perf_counter()
    if workers > 1:
        contents = read_ahead(
            ((str(number), raw) for number, (raw, _) in enumerate(files)),
            states=states,
            today=today,
            workers=workers,
        )
        for _, _, read in contents:
            assert read is not None
    else:
        for number, (raw, _) in enumerate(files):
            manifest_read(raw, source=str(number), states=states, today=today)
    return time.perf_counter() - started


def _copy(rows: int) -> float:
    """COPY `rows` departure-shaped rows into a scratch table like border_departure."""
    from django.db import connection, transaction

    moment = dt.datetime(2026, 3, 3, 2, 40, tzinfo=dt.UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_departure (LIKE border_departure INCLUDING DEFAULTS "
            "INCLUDING INDEXES) ON COMMIT DROP"
        )
        columns = (
            "id, sender, sender_record_id, received_at, received_by, document_number, "
            "document_issuing_state, birth_date, nationality, visa_number, match, port, state, "
            "departed_at, departed_on, evidence, rank, accepted, matched_on, port_designated"
        )
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_departure ({columns}) FROM STDIN") as copy:
            for index in range(rows):
                copy.write_row(
                    (
                        index + 1,
                        "paxlst:ETHIOPIAN",
                        f"bench/{index}/IAD",
                        moment,
                        "bench",
                        f"MW{index:07d}",
                        "MWI",
                        dt.date(1990, 4, 2),
                        "MWI",
                        "",
                        "matched",
                        "IAD",
                        "USA",
                        moment,
                        moment.date(),
                        "outbound_manifest",
                        2,
                        True,
                        "document",
                        True,
                    )
                )
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
