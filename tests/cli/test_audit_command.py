"""`visabond audit verify` tells an intact trail from an edited one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from visabond.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("seeded")


def test_an_intact_trail_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"audit trail: {AuditEvent.objects.count()} entries, intact" in out


def test_an_edited_entry_makes_verify_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    victim = AuditEvent.objects.order_by("sequence")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(actor_name="someone else")
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify")
    assert exited.value.code == 1
    assert f"entry {victim.sequence}: content differs" in capsys.readouterr().out


def test_a_deleted_entry_makes_verify_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    victim = AuditEvent.objects.order_by("sequence")[5]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "entries missing" in capsys.readouterr().out
