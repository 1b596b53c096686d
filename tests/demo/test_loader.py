"""DEMO data: an account per role and a case at every stage, for development only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.casework_world import ledger_holds, today_is
from visabond.accounts.models import User
from visabond.accounts.roles import Role, roles_of
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.casework.models import Case
from visabond.casework.rules import CaseState
from visabond.casework.seed.loader import posts_seed_load
from visabond.core.errors import Conflict, InvalidInput
from visabond.demo.loader import demo_load
from visabond.policy.seed.loader import seed_load

# Every nationality and program of the stories is covered that day (Senegal from 2026-01-01,
# Mali's reciprocal bond until 2026-08-05).
DEMO_DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo_day(db: None) -> Iterator[None]:
    with today_is(DEMO_DAY):
        seed_load()
        posts_seed_load()
        yield


@pytest.mark.usefixtures("demo_day")
@override_settings(DEBUG=True)
def test_the_demo_has_an_account_per_role_and_a_case_at_every_stage() -> None:
    report = demo_load()
    held = set()
    for user in User.objects.filter(username__startswith="demo-"):
        held |= roles_of(user)
        assert user.check_password(report.passwords[user.username])
    assert held == set(Role)
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState)
    bond_states = set(Bond.objects.values_list("state", flat=True))
    assert bond_states >= {"directed", "posted", "active", "cancelled", "lapsed"}
    assert all(p.startswith("DEMO") for p in Case.objects.values_list("purpose", flat=True))
    assert ledger_holds()


@pytest.mark.usefixtures("demo_day")
@override_settings(DEBUG=True)
def test_the_demo_applicant_is_asked_to_pay_by_a_deadline_to_come() -> None:
    demo_load()
    directed = Bond.objects.get(state=BondState.DIRECTED, obligor__username="demo-applicant")
    assert directed.payment_deadline > DEMO_DAY.date()
    cancelled = Bond.objects.get(obligor__username="demo-applicant-fr")
    assert cancelled.state == BondState.CANCELLED


@pytest.mark.usefixtures("demo_day")
@override_settings(DEBUG=True)
def test_the_demo_loads_once() -> None:
    demo_load()
    cases = Case.objects.count()
    with pytest.raises(Conflict) as refused:
        demo_load()
    assert refused.value.code == "demo_loaded"
    assert Case.objects.count() == cases


@pytest.mark.usefixtures("demo_day")
@pytest.mark.parametrize(
    "settings_changes",
    [{"DEBUG": False}, {"DEBUG": True, "SETTINGS_MODULE": "visabond.config.settings.production"}],
    ids=["debug-off", "production-settings"],
)
def test_the_demo_is_refused_outside_development(settings_changes: dict[str, object]) -> None:
    with override_settings(**settings_changes), pytest.raises(InvalidInput) as refused:
        demo_load()
    assert (refused.value.code, refused.value.field) == ("demo_not_allowed", "settings")
    assert not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.usefixtures("pilot")
@override_settings(DEBUG=True)
def test_the_demo_needs_a_day_the_pilot_is_in_force() -> None:
    with today_is(dt.datetime(2026, 11, 30, tzinfo=dt.UTC)), pytest.raises(InvalidInput) as refused:
        demo_load()
    assert refused.value.code == "demo_day_outside_program"
    assert "VISABOND_CLOCK_SHIFT_DAYS" in refused.value.message
    assert not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.usefixtures("demo_day")
def test_the_command_refuses_with_exit_status_two_when_debug_is_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("demo", "load")
    assert exited.value.code == 2
    assert "development installation only" in capsys.readouterr().err


@pytest.mark.usefixtures("demo_day")
@override_settings(DEBUG=True)
def test_the_command_prints_each_account_once_with_its_role() -> None:
    out = StringIO()
    call_command("demo", "load", stdout=out)
    text = out.getvalue()
    for role in Role:
        assert f" {role.value}" in text
    assert "demo-consul-lilongwe     consular_officer at lilongwe (en); password: " in text
    assert "DEMO cases: 15" in text
