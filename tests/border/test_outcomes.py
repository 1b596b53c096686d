"""The sweep's rule for one bond: each fact of the program ends in its decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from visabond.border.evidence import Evidence, EvidenceKind, deciding
from visabond.border.outcomes import BondFacts, Decision, StatusChange, sweep_outcome

PORTS = frozenset({"BOS", "JFK", "IAD"})
ISSUED = BondFacts(visa_valid_until=dt.date(2025, 11, 29), designated_ports=PORTS)
ADMITTED = replace(
    ISSUED, admitted_on=dt.date(2025, 10, 1), entry_port="IAD", admit_until=dt.date(2025, 10, 30)
)


def outcome(facts: BondFacts, as_of: str) -> tuple[Decision, str]:
    found = sweep_outcome(facts, as_of=dt.date.fromisoformat(as_of))
    return found.decision, found.reason


def test_departed_on_the_last_day_is_returned() -> None:
    left = replace(ADMITTED, departed_on=dt.date(2025, 10, 30), exit_port="IAD")
    assert outcome(left, "2025-10-31") == (Decision.CANCEL, "departed_on_time")


def test_one_day_late_is_a_suspected_breach() -> None:
    late = replace(ADMITTED, departed_on=dt.date(2025, 10, 31), exit_port="JFK")
    assert outcome(late, "2025-11-01") == (Decision.SUSPECT, "late_departure")


def test_no_departure_waits_until_the_stay_and_grace_have_ended() -> None:
    assert outcome(ADMITTED, "2025-10-30") == (Decision.WAIT, "")
    assert outcome(ADMITTED, "2025-10-31") == (Decision.SUSPECT, "overstay")
    graced = replace(ADMITTED, grace_days=3)
    assert outcome(graced, "2025-11-02") == (Decision.WAIT, "")
    assert outcome(graced, "2025-11-03") == (Decision.SUSPECT, "overstay")


def test_a_visa_never_used_is_returned_once_it_has_expired() -> None:
    assert outcome(ISSUED, "2025-11-29") == (Decision.WAIT, "")
    assert outcome(ISSUED, "2025-11-30") == (Decision.CANCEL, "visa_unused")


def test_refused_admission_is_returned() -> None:
    assert outcome(replace(ISSUED, admission_refused=True), "2025-10-02") == (
        Decision.CANCEL,
        "admission_refused",
    )


@pytest.mark.parametrize(
    ("change", "ground"),
    [
        (StatusChange.ASYLUM, "asylum"),
        (StatusChange.CHANGE_OF_STATUS, "status_change"),
        (StatusChange.UNAUTHORIZED_WORK, "unauthorized_work"),
    ],
)
def test_a_reported_status_change_is_a_suspected_breach(change: StatusChange, ground: str) -> None:
    assert outcome(replace(ADMITTED, status_change=change), "2025-10-10") == (
        Decision.SUSPECT,
        ground,
    )


@pytest.mark.parametrize(("entry", "exit_port"), [("ORD", None), ("IAD", "ATL")])
def test_a_port_that_is_not_designated_is_flagged_never_decided(
    entry: str, exit_port: str | None
) -> None:
    facts = replace(ADMITTED, entry_port=entry, exit_port=exit_port)
    facts = replace(facts, departed_on=dt.date(2025, 10, 20) if exit_port else None)
    assert outcome(facts, "2025-12-01") == (Decision.FLAG, "port_not_designated")


def test_the_exit_record_decides_over_a_manifest_and_an_unreviewed_upload_counts_for_nothing() -> (
    None
):
    upload = Evidence(EvidenceKind.TRAVELLER_UPLOAD, accepted=False)
    manifest = Evidence(EvidenceKind.OUTBOUND_MANIFEST)
    exit_record = Evidence(EvidenceKind.EXIT_RECORD)
    assert deciding([upload, manifest, exit_record]) is exit_record
    assert deciding([upload]) is None
    accepted = Evidence(EvidenceKind.TRAVELLER_UPLOAD, accepted=True)
    assert deciding([accepted]) is accepted
