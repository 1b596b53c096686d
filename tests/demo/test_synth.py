"""`visabond synth`: bonded traffic from a seed, written in bulk as the entry points would
leave it, so that the ledger verifies and the sweep decides it like any other."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.border_world import bonded
from tests.casework_world import ledger_holds
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond, BondEventRecord
from visabond.border.models import Admission, Departure, PaxlstManifest
from visabond.border.passengers import passenger_records
from visabond.border.sweep_services import sweep_run
from visabond.casework.models import CaseEvent, Visa
from visabond.core.errors import InvalidInput
from visabond.demo.synth import synth_generate
from visabond.demo.traffic import Post, stories
from visabond.documents.mrz import parse_mrz
from visabond.documents.paxlst import assemble_series, parse_paxlst
from visabond.ledger.models import LedgerTransaction

pytestmark = pytest.mark.usefixtures("pilot")

START = dt.date(2025, 11, 1)
DAYS = 120
HORIZON = START + dt.timedelta(days=DAYS)
development = override_settings(DEBUG=True)


def synth(travellers: int = 400, seed: int = 17) -> Any:
    with development:
        return synth_generate(travellers=travellers, start=START, days=DAYS, seed=seed)


def test_synthesised_traffic_verifies_and_the_sweep_decides_every_kind_of_story() -> None:
    generated = synth()
    assert Bond.objects.filter(state="active").count() == 400
    assert ledger_holds()
    run = sweep_run(as_of=HORIZON, actor="visabond sweep")
    assert ledger_holds()
    for outcome in (
        "cancel:departed_on_time",
        "cancel:admission_refused",
        "suspect:late_departure",
        "suspect:overstay",
        "flag:port_not_designated",
        "wait",
    ):
        assert run.counts.get(outcome, 0) > 0, (outcome, run.counts)
    assert sum(run.counts.values()) == generated.travellers


def test_one_audit_entry_summarises_the_generation() -> None:
    before = AuditEvent.objects.count()
    generated = synth(travellers=50)
    entries = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [e.action for e in entries] == ["demo.synth_generated"]
    assert entries[0].details["rows"]["bonds_bond"] == 50 == generated.rows["bonds_bond"]
    assert entries[0].details["seed"] == 17


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Admission.objects.order_by("bond__number").values_list(
            "bond__number", "port", "admitted_at", "authorized_until", "status_change"
        )
    ) + list(Bond.objects.order_by("number").values_list("number", "amount", "case__reference"))


def test_the_same_seed_writes_the_same_traffic_and_another_seed_other_traffic() -> None:
    snapshots = []
    for seed in (5, 5, 6):
        # Each run undone before the next, so the next finds the database as the first did.
        undo = transaction.savepoint()
        synth(travellers=60, seed=seed)
        snapshots.append(_snapshot())
        transaction.savepoint_rollback(undo)
    assert snapshots[0] == snapshots[1]
    assert snapshots[0] != snapshots[2]


def test_stories_are_a_pure_function_of_the_seed() -> None:
    posts = [Post("lilongwe", "MWI", "Africa/Blantyre")]

    def draw(seed: int) -> list[object]:
        return list(
            stories(travellers=200, start=START, days=DAYS, seed=seed, posts_on=lambda _: posts)
        )

    assert draw(1) == draw(1)
    assert draw(1) != draw(2)


def test_a_synthesised_bond_leaves_the_rows_the_entry_points_leave() -> None:
    walked = bonded().bond
    synth(travellers=20)
    made = Bond.objects.exclude(pk=walked.pk).first()
    assert made is not None

    def trail(bond: Bond) -> dict[str, object]:
        return {
            "case": [
                (e.before, e.after)
                for e in CaseEvent.objects.filter(case_id=bond.case_id).order_by("pk")
            ],
            "bond": [
                (e.event, e.before, e.after, e.transaction_id is not None)
                for e in BondEventRecord.objects.filter(bond=bond).order_by("pk")
            ],
            "ledger": [
                (
                    t.kind,
                    t.key.replace(bond.number, "*"),
                    sorted((x.account, x.side, x.amount) for x in t.entries.all()),
                )
                for t in LedgerTransaction.objects.filter(bond=bond).order_by("pk")
            ],
            "state": (bond.state, bond.case.state, bond.amount > 0),
        }

    # Grace's bond is the standard $10,000 one; compare a synthesised bond of that amount.
    made = Bond.objects.exclude(pk=walked.pk).filter(amount=walked.amount).first()
    assert made is not None
    assert trail(made) == trail(walked)
    visa = Visa.objects.get(case_id=made.case_id)
    zone = parse_mrz(f"{visa.mrz_line1}\n{visa.mrz_line2}")
    assert zone.valid
    assert zone.document_number == visa.number
    assert visa.ports == Visa.objects.get(case_id=walked.case_id).ports


def test_synthesised_manifests_read_back_into_the_departures_stored_from_them() -> None:
    synth(travellers=400)
    manifests = list(PaxlstManifest.objects.all())
    assert manifests
    for row in manifests:
        read = assemble_series(parse_paxlst(bytes(row.raw)).manifests)
        expected = set()
        for manifest in read:
            for index, person in enumerate(manifest.passengers):
                found = passenger_records(person, manifest, states=frozenset({"USA", "MLI"}))
                for report in found.departures:
                    key = f"{row.digest[:16]}/{manifest.message_reference}/{index}/{report.port}"
                    expected.add(
                        (key, report.port, report.departed_at, report.traveller.document.number)
                    )  # type: ignore[union-attr]
        stored = {
            (d.sender_record_id, d.port, d.departed_at, d.document_number)
            for d in Departure.objects.filter(manifest=row)
        }
        assert stored == expected
        assert row.passengers == row.departures == len(stored)


@pytest.mark.parametrize(
    "settings_changes",
    [{"DEBUG": False}, {"DEBUG": True, "SETTINGS_MODULE": "visabond.config.settings.production"}],
)
def test_synth_is_refused_outside_development(settings_changes: dict[str, object]) -> None:
    with override_settings(**settings_changes), pytest.raises(InvalidInput) as refused:
        synth_generate(travellers=5, start=START, days=DAYS)
    assert refused.value.field == "settings"
    assert not Bond.objects.exists()


def test_synth_refuses_a_span_when_no_nationality_needs_a_bond() -> None:
    with development, pytest.raises(InvalidInput) as refused:
        synth_generate(travellers=5, start=dt.date(2024, 1, 1), days=60)
    assert refused.value.field == "start"
    assert not Bond.objects.exists()


def test_the_command_prints_the_rows_written_by_table() -> None:
    out = StringIO()
    with development:
        call_command(
            "synth",
            "--travellers",
            "30",
            "--start",
            START.isoformat(),
            "--days",
            str(DAYS),
            stdout=out,
        )
    assert "30 bonded travellers" in out.getvalue()
    assert "        30  bonds_bond" in out.getvalue()


def test_the_command_refuses_a_bad_day_with_exit_status_two(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with development, pytest.raises(SystemExit) as exited:
        call_command("synth", "--travellers", "3", "--start", "2025-13-01", "--days", "9")
    assert exited.value.code == 2
    assert "--start" in capsys.readouterr().err


def test_an_interchange_already_numbered_is_not_numbered_again() -> None:
    # A sender numbers each interchange once (UNB 0020, `manifest_once_per_interchange`);
    # nine random digits repeat within a sender's tens of thousands of manifests at a
    # million travellers. Here the references the seed draws are taken before it runs.
    undo = transaction.savepoint()
    synth(travellers=60, seed=5)
    drawn = list(PaxlstManifest.objects.values())
    transaction.savepoint_rollback(undo)
    assert drawn
    for index, manifest in enumerate(drawn):
        PaxlstManifest.objects.create(
            **{
                **manifest,
                "id": None,
                "digest": f"{index:064x}",
                "source": "an earlier run",
            }
        )
    synth(travellers=60, seed=5)
    numbered = list(PaxlstManifest.objects.values_list("sender", "control_reference"))
    assert len(numbered) == len(set(numbered)) == 2 * len(drawn)
