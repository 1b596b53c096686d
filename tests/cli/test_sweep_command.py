"""`visabond sweep [--as-of DATE]`: what it decided, by outcome and reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests.border_world import admit, bonded, grace
from tests.casework_world import today_is
from visabond.adjudication.models import Adjudication
from visabond.border.models import SweepRun

pytestmark = pytest.mark.usefixtures("pilot")


def test_the_sweep_prints_what_it_decided_by_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    bonded()
    admit(grace())
    with today_is(dt.datetime(2025, 11, 2, 12, tzinfo=dt.UTC)):
        call_command("sweep", "--as-of", "2025-10-31")
        out = capsys.readouterr().out
        assert "as of 2025-10-31: 1 bonds" in out
        assert "1  breach suspected (adjudication opened): overstay" in out
        call_command("sweep", "--as-of", "2025-10-31")
        assert ": 0 bonds" in capsys.readouterr().out


def test_a_day_to_come_is_exit_2_and_decides_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    bonded()
    admit(grace(), on="2025-10-01", until="2025-10-30")
    with (
        today_is(dt.datetime(2025, 10, 15, 12, tzinfo=dt.UTC)),
        pytest.raises(SystemExit) as exited,
    ):
        call_command("sweep", "--as-of", "2025-11-01")
    assert exited.value.code == 2
    assert "--as-of: 2025-11-01 is after today (2025-10-15)" in capsys.readouterr().err
    assert not SweepRun.objects.exists()
    assert not Adjudication.objects.exists()


def test_a_bad_date_is_exit_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("sweep", "--as-of", "2025-02-30")
    assert exited.value.code == 2
    assert "--as-of: 2025-02-30 is not a calendar date" in capsys.readouterr().err
