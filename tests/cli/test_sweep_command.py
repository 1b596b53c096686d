"""`visabond sweep [--as-of DATE]`: what it decided, by outcome and reason."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.border_world import admit, bonded, grace

pytestmark = pytest.mark.usefixtures("pilot")


def test_the_sweep_prints_what_it_decided_by_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    bonded()
    admit(grace())
    call_command("sweep", "--as-of", "2025-10-31")
    out = capsys.readouterr().out
    assert "as of 2025-10-31: 1 bonds" in out
    assert "1  breach suspected (adjudication opened): overstay" in out
    call_command("sweep", "--as-of", "2025-10-31")
    assert ": 0 bonds" in capsys.readouterr().out


def test_a_bad_date_is_exit_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("sweep", "--as-of", "2025-02-30")
    assert exited.value.code == 2
    assert "--as-of: 2025-02-30 is not a calendar date" in capsys.readouterr().err
