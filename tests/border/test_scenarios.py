"""The program's rules, one traveller each, from the border's records to the bond's end:
every scenario ends in the state the real program gives the bond, with `ledger verify` clean.

Grace Banda (Malawi) holds a $10,000 bond and a B-1/B-2 visa issued at Lilongwe on
2025-09-01 (valid until 2025-11-29, ports BOS, JFK, IAD); she is admitted at IAD on
2025-10-01 until 2025-10-30 unless the scenario says otherwise. The sweep runs as an
operator would run it, on the days named.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from tests.border_world import (
    Bonded,
    admit,
    bonded,
    depart,
    grace,
    manifest_passenger,
    paxlst,
    refuse,
    renew,
    status,
)
from tests.casework_world import ledger_holds, person
from visabond.accounts.roles import Role
from visabond.adjudication.models import Adjudication
from visabond.adjudication.services import adjudication_contest, adjudication_decide
from visabond.bonds.models import Bond
from visabond.border.evidence import EvidenceKind
from visabond.border.manifest_services import manifest_ingest, manifest_reprocess
from visabond.border.models import BondFlag, Departure, PaxlstManifest, SweepRun
from visabond.border.records import StatusKind
from visabond.border.sweep_services import sweep_run
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances

pytestmark = pytest.mark.usefixtures("pilot")


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def sweep(as_of: str) -> SweepRun:
    return sweep_run(as_of=dt.date.fromisoformat(as_of), actor="visabond sweep")


def bond(traveller: Bonded) -> Bond:
    return Bond.objects.get(pk=traveller.bond.pk)


def held_in(account: Account) -> Decimal:
    return account_balances().get((account, "USD"), Decimal(0))


def adjudicated(traveller: Bonded, *, breach: bool) -> Adjudication:
    adjudication = Adjudication.objects.get(bond=traveller.bond)
    adjudication_decide(
        reference=adjudication.reference,
        breach=breach,
        reason="on the evidence gathered",
        actor=person("adjudicator", Role.BOND_ADJUDICATOR),
    )
    return Adjudication.objects.get(pk=adjudication.pk)


def test_on_time_through_iad_the_bond_is_returned(traveller: Bonded) -> None:
    admit(grace(visa=traveller.visa.number), port="IAD")
    depart(grace(), port="IAD", on="2025-10-30", time="21:40")
    assert sweep("2025-10-31").counts == {"cancel:departed_on_time": 1}
    assert (bond(traveller).state, bond(traveller).cancel_reason) == (
        "cancelled",
        "departed_on_time",
    )
    assert held_in(Account.REFUNDS_PAYABLE) == Decimal("10000.00")
    assert ledger_holds()


def test_one_day_late_is_a_breach_an_adjudicator_confirms(traveller: Bonded) -> None:
    admit(grace())
    depart(grace(), on="2025-10-31", time="10:00")
    assert sweep("2025-11-01").counts == {"suspect:late_departure": 1}
    assert bond(traveller).state == "breach_suspected"
    assert adjudicated(traveller, breach=True).state == "forfeited"
    assert bond(traveller).state == "forfeited"
    assert held_in(Account.FORFEITED) == Decimal("10000.00")
    assert ledger_holds()


def test_never_departed_is_an_overstay_once_the_stay_has_ended(traveller: Bonded) -> None:
    admit(grace())
    assert sweep("2025-10-30").counts == {"wait": 1}
    assert sweep("2025-10-31").counts == {"suspect:overstay": 1}
    assert adjudicated(traveller, breach=True).state == "forfeited"
    assert bond(traveller).state == "forfeited"
    assert ledger_holds()


def test_a_visa_never_used_is_returned_once_it_expired(traveller: Bonded) -> None:
    assert sweep("2025-11-29").counts == {"wait": 1}
    assert sweep("2025-11-30").counts == {"cancel:visa_unused": 1}
    assert bond(traveller).cancel_reason == "visa_unused"
    assert ledger_holds()


def test_refused_at_jfk_the_bond_is_returned(traveller: Bonded) -> None:
    refuse(grace(visa=traveller.visa.number), port="JFK", on="2025-10-01")
    assert sweep("2025-10-02").counts == {"cancel:admission_refused": 1}
    assert bond(traveller).cancel_reason == "admission_refused"
    assert ledger_holds()


def test_entered_through_a_port_that_is_not_designated_is_flagged_never_decided(
    traveller: Bonded,
) -> None:
    admit(grace(), port="ORD")
    depart(grace(), port="IAD", on="2025-10-29")
    for day in ("2025-10-31", "2025-12-31"):
        sweep(day)
    assert bond(traveller).state == "active"
    assert BondFlag.objects.get(bond=traveller.bond).reason == "port_not_designated"
    assert held_in(Account.OBLIGOR_LIABILITY) == Decimal("10000.00")
    assert ledger_holds()


def test_an_asylum_application_is_a_breach_an_adjudicator_decides(traveller: Bonded) -> None:
    admit(grace())
    status(grace(), StatusKind.ASYLUM, on="2025-10-15")
    assert sweep("2025-10-16").counts == {"suspect:asylum": 1}
    assert Adjudication.objects.get(bond=traveller.bond).ground == "asylum"
    assert adjudicated(traveller, breach=True).state == "forfeited"
    assert ledger_holds()


def test_a_passport_renewed_during_the_stay_still_closes_it(traveller: Bonded) -> None:
    admit(grace())
    renew(grace(), new_passport="MB7654321", on="2025-10-15")
    manifest_ingest(
        raw=paxlst(manifest_passenger(passport="MB7654321")),
        source="ET501.edi",
        actor="visabond ingest paxlst",
    )
    assert Departure.objects.get().admission is not None
    assert sweep("2025-10-31").counts == {"cancel:departed_on_time": 1}
    assert bond(traveller).state == "cancelled"
    assert ledger_holds()


def test_the_same_manifest_twice_records_one_departure_and_returns_the_bond_once(
    traveller: Bonded,
) -> None:
    admit(grace())
    raw = paxlst(manifest_passenger())
    first = manifest_ingest(raw=raw, source="ET501.edi", actor="visabond ingest paxlst")
    again = manifest_ingest(raw=raw, source="ET501-resent.edi", actor="visabond ingest paxlst")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert (PaxlstManifest.objects.count(), Departure.objects.count()) == (1, 1)
    assert Departure.objects.get().evidence == EvidenceKind.OUTBOUND_MANIFEST
    assert sweep("2025-10-31").counts == {"cancel:departed_on_time": 1}
    assert held_in(Account.REFUNDS_PAYABLE) == Decimal("10000.00")
    assert ledger_holds()


def test_a_manifest_with_a_wrong_segment_count_is_quarantined_then_read_after_a_check(
    traveller: Bonded,
) -> None:
    admit(grace())
    raw = re.sub(rb"UNT\+\d+\+", b"UNT+99+", paxlst(manifest_passenger()))
    kept = manifest_ingest(raw=raw, source="ET501.edi", actor="visabond ingest paxlst")
    assert kept.quarantined
    assert kept.manifest.error_code == "paxlst.unt-count-mismatch"
    assert not Departure.objects.exists()
    assert sweep("2025-10-30").counts == {"wait": 1}
    manifest_reprocess(
        manifest_id=kept.manifest.pk,
        accept=["unt-count-mismatch"],
        reason="segments counted by hand against the carrier's copy",
        actor="visabond ingest reprocess",
    )
    assert sweep("2025-10-31").counts == {"cancel:departed_on_time": 1}
    assert bond(traveller).state == "cancelled"
    assert ledger_holds()


def test_a_contested_forfeiture_is_decided_again_on_the_new_evidence(traveller: Bonded) -> None:
    admit(grace())
    sweep("2025-11-01")
    assert adjudicated(traveller, breach=True).state == "forfeited"
    adjudication = Adjudication.objects.get(bond=traveller.bond)
    adjudication_contest(
        reference=adjudication.reference,
        statement="I left on 2025-10-29 by land to Canada; my entry there is stamped",
        evidence=[{"kind": "other_state_entry", "description": "Canada entry 2025-10-29"}],
        actor=traveller.people.applicant,
    )
    assert bond(traveller).state == "breach_suspected"
    assert held_in(Account.FORFEITED) == Decimal("0.00")
    assert adjudicated(traveller, breach=False).state == "cancelled"
    assert (bond(traveller).state, bond(traveller).cancel_reason) == (
        "cancelled",
        "breach_not_confirmed",
    )
    assert held_in(Account.REFUNDS_PAYABLE) == Decimal("10000.00")
    assert ledger_holds()
