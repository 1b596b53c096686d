"""The sweep's SQL and the plain rule agree: for generated facts of a bond (visa validity,
designated ports, refusal, admission, extension, departure, status change, grace days) the
query `sweep.outcomes_select` decides what `outcomes.sweep_outcome` decides, on SQLite and on
PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.border_world import Bonded, bonded, cloned_bond
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond, BondTerms
from visabond.border.models import Admission, Departure, RefusedAdmission
from visabond.border.outcomes import BondFacts, StatusChange, sweep_outcome
from visabond.border.sweep import outcomes_in

pytestmark = pytest.mark.usefixtures("pilot")

DAY0 = dt.date(2025, 10, 1)
PORTS = ["BOS", "JFK", "IAD", "ORD", "ATL"]
_serial = itertools.count(1)


def day(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


def near(draw: st.DrawFn, edge: int) -> int:
    """A day on either side of an edge the rule turns on, or on it; sometimes anywhere."""
    return draw(st.one_of(st.sampled_from([edge - 1, edge, edge + 1]), st.integers(-30, 180)))


@st.composite
def bond_facts(draw: st.DrawFn) -> tuple[BondFacts, dt.date]:
    """Facts as the border can report them, and the sweep's day: dates drawn mostly at the
    edges the rule turns on (the visa's last day, the admit-until date, the grace days)."""
    ports = draw(st.sampled_from([frozenset(), frozenset({"BOS", "JFK", "IAD"})]))
    valid_until = draw(st.integers(-30, 90))
    grace = draw(st.sampled_from([0, 0, 1, 3, 10]))
    refused = draw(st.sampled_from([False, False, False, True]))
    if not draw(st.booleans()):
        facts = BondFacts(
            visa_valid_until=day(valid_until),
            designated_ports=ports,
            admission_refused=refused,
            grace_days=grace,
        )
        return facts, day(near(draw, valid_until + 1))
    admitted = draw(st.integers(-20, 40))
    until = admitted + draw(st.integers(0, 60))
    departed = draw(
        st.one_of(
            st.none(),
            st.sampled_from([until - 1, until, until + 1]),
            st.integers(admitted, admitted + 90),
        )
    )
    if departed is not None:
        departed = max(departed, admitted)
    usual = ["BOS", "JFK", "IAD"]
    facts = BondFacts(
        visa_valid_until=day(valid_until),
        designated_ports=ports,
        admission_refused=refused,
        admitted_on=day(admitted),
        entry_port=draw(st.sampled_from([*usual, *usual, "ORD"])),
        admit_until=day(until),
        departed_on=None if departed is None else day(departed),
        exit_port=None if departed is None else draw(st.sampled_from([*usual, *usual, "ATL"])),
        status_change=draw(st.sampled_from([None, None, None, None, *list(StatusChange)])),
        grace_days=grace,
    )
    return facts, day(near(draw, until + grace + 1))


def designated(port: str | None, facts: BondFacts) -> bool:
    """What the intake records for a port (`placement.port_designated`)."""
    return not facts.designated_ports or port in facts.designated_ports


def bond_of(facts: BondFacts, base: Bonded) -> Bond:
    """Rows for `facts`: a case, its visa, an active bond, and the border's records."""
    serial = next(_serial)
    bond = cloned_bond(
        base,
        f"GEN-{serial:05d}",
        valid_until=facts.visa_valid_until,
        ports=sorted(facts.designated_ports),
    )
    BondTerms.objects.filter(program_id=bond.case.program_id).update(grace_days=facts.grace_days)
    record = {"sender": "gen", "received_by": "test", "document_number": "X1"}
    if facts.admission_refused:
        RefusedAdmission.objects.create(
            **record,
            sender_record_id=f"r{serial}",
            bond=bond,
            port="JFK",
            state="USA",
            refused_at=dt.datetime.combine(DAY0, dt.time(12), tzinfo=dt.UTC),
        )
    if facts.admitted_on is not None and facts.admit_until is not None:
        admission = Admission.objects.create(
            **record,
            sender_record_id=f"a{serial}",
            bond=bond,
            port=facts.entry_port,
            state="USA",
            admitted_at=dt.datetime.combine(facts.admitted_on, dt.time(12), tzinfo=dt.UTC),
            admitted_on=facts.admitted_on,
            admit_until=facts.admit_until,
            authorized_until=facts.admit_until,
            visa_class="B2",
            entry_port_designated=designated(facts.entry_port, facts),
            status_change="" if facts.status_change is None else facts.status_change.value,
        )
        if facts.departed_on is not None:
            departure = Departure.objects.create(
                **record,
                sender_record_id=f"d{serial}",
                admission=admission,
                port=facts.exit_port,
                state="USA",
                departed_at=dt.datetime.combine(facts.departed_on, dt.time(12), tzinfo=dt.UTC),
                departed_on=facts.departed_on,
                evidence="exit_record",
                rank=4,
                match="matched",
                port_designated=designated(facts.exit_port, facts),
            )
            admission.deciding_departure = departure
            admission.save(update_fields=["deciding_departure"])
    return bond


@pytest.fixture
def base() -> Bonded:
    return bonded()


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=bond_facts())
def test_the_sweeps_sql_decides_as_the_plain_rule_does(
    base: Bonded, case: tuple[BondFacts, dt.date]
) -> None:
    facts, as_of = case
    with transaction.atomic():
        bond = bond_of(facts, base)
        ((bond_id, _, decision, reason),) = outcomes_in(
            as_of=as_of, after=bond.pk - 1, upto=bond.pk
        )
        expected = sweep_outcome(facts, as_of=as_of)
        transaction.set_rollback(True)
    assert bond_id == bond.pk
    assert (decision, reason) == (expected.decision.value, expected.reason), facts


def test_a_bond_that_is_not_active_is_not_swept(base: Bonded) -> None:
    facts = BondFacts(visa_valid_until=day(0), designated_ports=frozenset())
    bond = bond_of(facts, base)
    assert [row[2:] for row in outcomes_in(as_of=day(5), after=bond.pk - 1, upto=bond.pk)] == [
        ("cancel", "visa_unused")
    ]
    Bond.objects.filter(pk=bond.pk).update(state=BondState.CANCELLED)
    assert outcomes_in(as_of=day(5), after=bond.pk - 1, upto=bond.pk) == []


def test_the_latest_admission_and_its_extension_decide(base: Bonded) -> None:
    facts = BondFacts(
        visa_valid_until=day(60),
        designated_ports=frozenset(),
        admitted_on=day(0),
        entry_port="JFK",
        admit_until=day(10),
    )
    bond = bond_of(facts, base)
    Admission.objects.filter(bond=bond).update(authorized_until=day(30))
    assert outcomes_in(as_of=day(20), after=bond.pk - 1, upto=bond.pk)[0][2] == "wait"
    assert outcomes_in(as_of=day(31), after=bond.pk - 1, upto=bond.pk)[0][2:] == (
        "suspect",
        "overstay",
    )
