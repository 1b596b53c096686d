"""Writes of the statistics app: saving a report as a snapshot, with its audit entry."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from visabond.audit.actors import Actor
from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.stats.contract import DataError, locate
from visabond.stats.fingerprint import data_fingerprint
from visabond.stats.method import RULES_VERSION
from visabond.stats.models import OverstaySnapshot
from visabond.stats.reports import overstays_run
from visabond.stats.runner import OverstayQuery, Progress, no_progress

BREAKDOWN = ("nationality", "bonded")


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def overstay_snapshot_take(
    *,
    data_dir: Path,
    fiscal_year: Any,
    as_of: Any,
    engine: str = "duckdb",
    spark_master: str | None = None,
    actor: Actor,
    progress: Progress = no_progress,
) -> OverstaySnapshot:
    """Run the report by nationality (and bond, when admissions say who was bonded) and save it.

    The fingerprint is taken before the run; if a file changes meanwhile the fingerprint no
    longer matches and the run is refused (InvalidInput), so a snapshot never describes
    data it did not read. Audited as `stats.overstay_snapshot_saved` by `actor` (a user, or
    the name given to the command line).
    """
    files = locate(data_dir)
    progress("fingerprinting the data")
    fingerprint = data_fingerprint(files)
    started = time.perf_counter()
    try:
        by: tuple[str, ...] = BREAKDOWN
        rows = overstays_run(
            OverstayQuery(data_dir, fiscal_year, as_of, by),
            engine=engine,
            spark_master=spark_master,
            progress=progress,
        )
    except DataError as error:
        if error.code != "column_missing" or error.column != "bonded":
            raise
        by = ("nationality",)
        rows = overstays_run(
            OverstayQuery(data_dir, fiscal_year, as_of, by),
            engine=engine,
            spark_master=spark_master,
            progress=progress,
        )
    seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    if data_fingerprint(files) != fingerprint:
        raise DataError(
            "changed while the report ran; run it again",
            code="data_changed",
            file=data_dir,
            column=None,
            row=None,
        )
    with transaction.atomic(durable=True):
        snapshot = OverstaySnapshot.objects.create(
            taken_at=clock.now(),
            taken_by=actor if isinstance(actor, str) else actor.get_username(),
            fiscal_year=fiscal_year.year,
            fiscal_year_start=fiscal_year.start_month,
            as_of=as_of,
            engine=engine,
            rules_version=RULES_VERSION,
            data_fingerprint=fingerprint,
            data_source=str(data_dir.resolve()),
            by=",".join(by),
            rows=[_stored(row) for row in rows],
            seconds=seconds,
        )
        audit_record(
            AuditAction.OVERSTAY_SNAPSHOT_SAVED,
            subject=snapshot,
            actor=actor,
            details={
                "fiscal_year": fiscal_year.year,
                "as_of": as_of.isoformat(),
                "engine": engine,
                "rules_version": RULES_VERSION,
                "data_fingerprint": fingerprint,
            },
        )
    return snapshot
