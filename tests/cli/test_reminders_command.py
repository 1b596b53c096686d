"""`visabond reminders send [--as-of DATE]`: the reminders sent, by kind; exit 0."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.border_world import bonded

pytestmark = pytest.mark.usefixtures("pilot")


def test_the_command_prints_the_reminders_sent_by_kind(capsys: pytest.CaptureFixture[str]) -> None:
    bonded()
    call_command("reminders", "send", "--as-of", "2025-09-02")
    out = capsys.readouterr().out
    assert "reminders as of 2025-09-02: 1 sent" in out
    assert "1  ports to use, before travel" in out
    assert "0  last day of the stay, within 7 days" in out
    call_command("reminders", "send", "--as-of", "2025-09-02")
    assert ": 0 sent" in capsys.readouterr().out


def test_a_bad_date_is_exit_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("reminders", "send", "--as-of", "2025-02-30")
    assert exited.value.code == 2
    assert "--as-of" in capsys.readouterr().err
