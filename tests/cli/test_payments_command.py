"""`visabond payments secret add|list|revoke` and `reprocess`: a secret is printed once, kept
encrypted, listed without its value with when it was last used, and revoked for good."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.management import call_command

from tests.casework_world import directed_case, world
from tests.payments.provider import confirmation, signed
from visabond.audit.models import AuditEvent
from visabond.payments.models import DeliveryState, WebhookDelivery, WebhookSecret
from visabond.payments.webhook_services import webhook_receive

pytestmark = pytest.mark.usefixtures("pilot")


def payments(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `visabond payments ARGS`: its exit status, what it printed and what it complained."""
    try:
        call_command("payments", *args)
    except SystemExit as exited:
        captured = capsys.readouterr()
        return int(exited.code or 0), captured.out, captured.err
    captured = capsys.readouterr()
    return 0, captured.out, captured.err


def added(capsys: pytest.CaptureFixture[str], label: str = "provider") -> str:
    status, out, _ = payments(capsys, "secret", "add", "--label", label)
    assert status == 0
    return next(line for line in out.splitlines() if line.startswith("whsec_"))


def test_a_secret_is_printed_once_and_kept_only_encrypted(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        secret = added(capsys)
    row = WebhookSecret.objects.get()
    assert secret not in row.ciphertext
    assert secret.removeprefix("whsec_") not in row.ciphertext
    assert secret not in json.dumps([e.details for e in AuditEvent.objects.all()])
    assert secret not in caplog.text
    status, out, _ = payments(capsys, "secret", "list")
    assert status == 0
    assert secret not in out
    assert "provider" in out


def test_the_list_shows_when_each_secret_was_last_used_and_revoked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = added(capsys, "first")
    added(capsys, "second")
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    assert webhook_receive(headers=message.headers, body=message.body).status == 200
    second = WebhookSecret.objects.get(label="second")
    assert payments(capsys, "secret", "revoke", str(second.pk))[0] == 0
    _, out, _ = payments(capsys, "secret", "list")
    first, second = out.splitlines()[1:3]
    assert first.split()[1] == "first"
    assert first.endswith("2025-09-01 09:00:00")  # last used: the message it verified
    assert first.count("-") == 5  # created and last used are dates; not revoked
    assert second.split()[1] == "second"
    assert second.endswith(" -")  # never used
    assert "2025-09-01 09:00:00" in second  # created and revoked


def test_revoking_twice_or_an_unknown_secret_is_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    added(capsys)
    secret_id = str(WebhookSecret.objects.get().pk)
    assert payments(capsys, "secret", "revoke", secret_id)[0] == 0
    status, _, err = payments(capsys, "secret", "revoke", secret_id)
    assert status == 2
    assert f"id: signing secret {secret_id} was revoked" in err
    assert payments(capsys, "secret", "revoke", "999999")[0] == 2


def test_a_secret_needs_a_label(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = payments(capsys, "secret", "add", "--label", " ")
    assert status == 2
    assert "label" in err
    assert not WebhookSecret.objects.exists()


def test_reprocess_reads_every_kept_message_and_exits_1_while_some_stay_unreadable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = added(capsys)
    message = signed(b"{not json", secrets=[secret])
    webhook_receive(headers=message.headers, body=message.body)
    status, out, _ = payments(capsys, "reprocess")
    assert status == 1
    assert "0 read, 1 still kept" in out
    assert WebhookDelivery.objects.get().state == DeliveryState.QUARANTINED
