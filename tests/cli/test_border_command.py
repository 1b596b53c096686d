"""`visabond border client add|list|revoke`: the key is printed once and never listed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from visabond.border.models import BorderClient

pytestmark = pytest.mark.django_db


def border(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("border", *args)
    except SystemExit as exited:
        captured = capsys.readouterr()
        return int(exited.code or 0), captured.out, captured.err
    captured = capsys.readouterr()
    return 0, captured.out, captured.err


def test_a_client_is_added_with_its_key_printed_once_then_listed_without_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = border(
        capsys, "client", "add", "cbp-ades", "--scope", "admission", "--scope", "departure"
    )
    assert status == 0
    key = next(line for line in out.splitlines() if line.startswith("vbb_"))
    status, listed, _ = border(capsys, "client", "list")
    assert status == 0
    assert key not in listed
    assert "cbp-ades" in listed
    assert "admission,departure" in listed
    assert BorderClient.objects.get().key_prefix in listed


def test_revoking_is_said_and_a_bad_scope_is_exit_2_naming_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    border(capsys, "client", "add", "carrier", "--scope", "paxlst")
    status, out, _ = border(capsys, "client", "revoke", "carrier")
    assert (status, out.strip()) == (0, "border client carrier revoked")
    status, _, err = border(capsys, "client", "add", "other", "--scope", "refunds")
    assert status == 2
    assert "scopes: unknown scope 'refunds'" in err
