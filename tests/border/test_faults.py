"""Faults on PostgreSQL: the sweep and a manifest ingestion killed with SIGKILL at random
points, and PostgreSQL itself restarted under a sweep; after a restart nothing is lost and
nothing is done twice, and the ledger verifies (issue 17, "Faults and figures").

The number of kills is the issue's 25 (`VISABOND_FAULT_KILLS` lowers it for a quick run);
the points are drawn from a seed (`VISABOND_FAULT_SEED`) and spread by progress: each kill
waits until the run committed so far (a chunk of the sweep, a manifest), then a random
moment more, so kills land in every part of a chunk's or a manifest's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connections
from django.db.models import Count, Max, Sum
from django.test import override_settings

from tests.border.faults import REPO, command_line, killed_at, postgres_restart, visabond
from tests.border_world import manifest_passenger, paxlst
from tests.casework_world import ledger_holds, today_is
from tests.concurrency import on_postgresql
from visabond.adjudication.models import Adjudication
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond, BondEventRecord
from visabond.border.models import (
    Admission,
    BondFlag,
    Departure,
    PaxlstManifest,
    ReviewItem,
    SweepRun,
)
from visabond.border.sweep import outcomes_in
from visabond.demo.synth import synth_generate
from visabond.ledger.models import LedgerTransaction

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pilot")]

KILLS = int(os.environ.get("VISABOND_FAULT_KILLS", "25"))
SEED = int(os.environ.get("VISABOND_FAULT_SEED", "17"))
START = dt.date(2025, 11, 1)
DAYS = 120
AS_OF = START + dt.timedelta(days=DAYS)


def traffic(travellers: int) -> dict[int, str]:
    """Synthesised bonds, and the decision the sweep owes each one that is not waiting."""
    with override_settings(DEBUG=True):
        synth_generate(travellers=travellers, start=START, days=DAYS, seed=SEED)
    upto = Bond.objects.aggregate(top=Max("pk"))["top"]
    owed = {bond: decision for bond, _, decision, _ in outcomes_in(as_of=AS_OF, after=0, upto=upto)}
    return {bond: decision for bond, decision in owed.items() if decision != "wait"}


def chunks_committed() -> int:
    return int(SweepRun.objects.aggregate(total=Sum("chunks"))["total"] or 0)


def assert_each_bond_decided_once(owed: dict[int, str]) -> None:
    """No active bond is left with a decision owed; each decided bond was decided once, its
    money moved once; the ledger verifies."""
    upto = Bond.objects.aggregate(top=Max("pk"))["top"]
    flagged = set(BondFlag.objects.values_list("bond", flat=True))
    # A flagged bond stays active (an officer verifies it): it is decided once flagged.
    left = [
        o
        for o in outcomes_in(as_of=AS_OF, after=0, upto=upto)
        if o[2] != "wait" and not (o[2] == "flag" and o[0] in flagged)
    ]
    assert left == []
    twice = (
        BondEventRecord.objects.filter(event__in=["cancel", "suspect_breach"])
        .values("bond", "event")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
    )
    assert list(twice) == []
    by_decision: dict[str, set[int]] = {"cancel": set(), "suspect": set(), "flag": set()}
    for bond, decision in owed.items():
        by_decision[decision].add(bond)
    assert (
        set(Bond.objects.filter(state="cancelled").values_list("pk", flat=True))
        == by_decision["cancel"]
    )
    assert (
        set(Bond.objects.filter(state="breach_suspected").values_list("pk", flat=True))
        == by_decision["suspect"]
    )
    assert set(BondFlag.objects.values_list("bond", flat=True)) == by_decision["flag"]
    assert Adjudication.objects.count() == len(by_decision["suspect"])
    postings = LedgerTransaction.objects.filter(kind="bond_cancelled")
    assert (
        postings.count() == postings.values("bond").distinct().count() == len(by_decision["cancel"])
    )
    assert ledger_holds()


def test_a_sweep_killed_at_random_points_decides_each_bond_once_after_a_restart() -> None:
    on_postgresql()
    owed = traffic(400)
    assert len(owed) > 100
    rng = random.Random(SEED)
    command = ["sweep", "--as-of", AS_OF.isoformat(), "--chunk", "5"]
    # The forked sweeps read the test's clock: the day after AS_OF (a sweep judges no day to
    # come).
    with today_is(dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(12), dt.UTC)):
        kills = sum(
            killed_at(
                rng,
                command=command,
                progress=chunks_committed,
                target=chunks_committed() + rng.randint(0, 1),
                # About a chunk's time: the kills land in it, and 25 leave work for the restart.
                jitter=0.02,
            )
            for _ in range(KILLS)
        )
    assert kills >= KILLS * 0.8, kills
    visabond(*command)
    assert_each_bond_decided_once(owed)


def test_a_sweep_survives_postgresql_restarting_under_it() -> None:
    on_postgresql()
    if "VISABOND_TEST_POSTGRES_DATA" not in os.environ:
        pytest.skip("restarts the throwaway server of `./dev test` (VISABOND_TEST_POSTGRES_DATA)")
    owed = traffic(300)
    line, environment = command_line("sweep", "--as-of", AS_OF.isoformat(), "--chunk", "3")
    connections.close_all()
    sweeping = subprocess.Popen(
        line, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while chunks_committed() < 3:
            assert sweeping.poll() is None, "the sweep ended before the restart"
            time.sleep(0.01)
        connections.close_all()
        postgres_restart()
        assert sweeping.wait(timeout=120) != 0  # its connection went with the server
    finally:
        if sweeping.poll() is None:
            sweeping.kill()
    connections.close_all()
    assert Bond.objects.filter(state="active").count() > 0
    visabond("sweep", "--as-of", AS_OF.isoformat())
    assert_each_bond_decided_once(owed)


def manifests(directory: Path) -> int:
    """30 outbound manifests of admitted travellers leaving IAD, 10 passengers each, one of
    them with a wrong segment count (UNT); returns the passengers in the good files."""
    admitted = list(Admission.objects.filter(status_change="").order_by("pk")[:300])
    good = 0
    for number in range(30):
        group = [admitted[(number * 10 + seat) % len(admitted)] for seat in range(10)]
        passengers = [
            manifest_passenger(
                surname="SYNTH",
                passport=a.document_number,
                born=a.birth_date,
                nationality=a.nationality,
                issuing_state=a.document_issuing_state,
            )
            for a in group
        ]
        raw = paxlst(
            *passengers,
            reference=f"{number:06d}",
            departs="2026-03-02T21:40",
            arrives="2026-03-03T18:30",
        )
        if number == 3:
            raw = re.sub(rb"UNT\+(\d+)\+", lambda m: b"UNT+%d+" % (int(m.group(1)) + 1), raw)
        else:
            good += len(passengers)
        (directory / f"manifest-{number:03d}.edi").write_bytes(raw)
    return good


def test_a_manifest_ingestion_killed_at_random_points_keeps_every_passenger_once(
    tmp_path: Path,
) -> None:
    on_postgresql()
    traffic(300)
    rng = random.Random(SEED)
    good = manifests(tmp_path)
    files = sorted(tmp_path.iterdir())
    sent = 0
    for path in files:
        sent += path.read_bytes().count(b"NAD+FL+")

    def kept() -> int:
        return PaxlstManifest.objects.filter(source__startswith=str(tmp_path)).count()

    kills = sum(
        killed_at(
            rng,
            command=["ingest", "paxlst", str(tmp_path)],
            progress=kept,
            target=kept() + rng.randint(0, 1),
        )
        for _ in range(KILLS)
    )
    assert kills >= KILLS * 0.5, kills
    # Exit 1 when this run quarantines the bad file, 0 when a killed run already had.
    assert visabond("ingest", "paxlst", str(tmp_path), check=False).returncode in (0, 1)
    rows = PaxlstManifest.objects.filter(source__startswith=str(tmp_path))  # not synth's own
    assert sorted(rows.values_list("digest", flat=True)) == sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    )
    processed = rows.filter(state="processed")
    quarantined = rows.filter(state="quarantined")
    assert quarantined.count() == 1
    stored = processed.aggregate(total=Sum("passengers"))["total"]
    assert stored == good
    # Records in = stored + quarantined: the quarantined file's passengers are in its bytes.
    assert sent == stored + bytes(quarantined.get().raw).count(b"NAD+FL+")
    departures = Departure.objects.filter(manifest__in=rows)
    assert departures.count() == processed.aggregate(total=Sum("departures"))["total"] == good
    assert departures.filter(match="matched").count() == good

    counts = (
        Departure.objects.count(),
        PaxlstManifest.objects.count(),
        ReviewItem.objects.count(),
        AuditEvent.objects.count(),
    )
    visabond("ingest", "paxlst", str(tmp_path), check=False)
    assert counts == (
        Departure.objects.count(),
        PaxlstManifest.objects.count(),
        ReviewItem.objects.count(),
        AuditEvent.objects.count(),
    )
