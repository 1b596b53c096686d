"""`visabond audit verify|head` tells an intact trail from a tampered one, including a lost tail."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from visabond.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.usefixtures("seeded")


def audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `visabond audit ARGS`; its exit status and what it printed."""
    try:
        call_command("audit", *args)
    except SystemExit as exited:
        return int(exited.code or 0), capsys.readouterr().out
    return 0, capsys.readouterr().out


def test_an_intact_trail_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = audit(capsys, "verify")
    assert status == 0
    assert f"audit trail: {AuditEvent.objects.count()} entries, intact" in out


def test_head_prints_the_newest_entrys_sequence_and_hash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    newest = AuditEvent.objects.order_by("-sequence").first()
    assert newest is not None
    status, out = audit(capsys, "head")
    assert (status, out.strip()) == (0, f"{newest.sequence}:{newest.hash}")
    assert audit(capsys, "verify", "--expect-head", out.strip())[0] == 0


def test_an_edited_entry_makes_verify_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    victim = AuditEvent.objects.order_by("sequence")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(actor_name="someone else")
    status, out = audit(capsys, "verify")
    assert status == 1
    assert f"entry {victim.sequence}: content differs" in out


def test_a_deleted_entry_makes_verify_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    victim = AuditEvent.objects.order_by("sequence")[5]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    status, out = audit(capsys, "verify")
    assert status == 1
    assert "entries missing" in out


def test_a_deleted_newest_entry_makes_verify_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    newest = AuditEvent.objects.order_by("-sequence").first()
    assert newest is not None
    newest.delete()
    status, out = audit(capsys, "verify")
    assert status == 1
    assert f"the head row records entry {newest.sequence}" in out
    assert "the newest entries were deleted" in out


def test_a_deleted_tail_with_the_head_row_rewritten_is_caught_by_the_head_kept_outside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    kept = audit(capsys, "head")[1].strip()
    tail = list(AuditEvent.objects.order_by("-sequence")[:3])
    AuditEvent.objects.filter(pk__in=[e.pk for e in tail]).delete()
    survivor = AuditEvent.objects.order_by("-sequence").first()
    assert survivor is not None
    AuditHead.objects.update(last_sequence=survivor.sequence, last_hash=survivor.hash)
    assert audit(capsys, "verify")[0] == 0
    status, out = audit(capsys, "verify", "--expect-head", kept)
    assert status == 1
    assert "the head kept outside the database records entry" in out


def test_a_malformed_expected_head_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", "--expect-head", "yesterday")
    assert exited.value.code == 2
    assert "--expect-head" in capsys.readouterr().err
