"""Standard Webhooks signatures: what the specification's own library signs, we accept; any
change to the body, id or timestamp, an old message or an unknown secret, we refuse."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks import Webhook

from tests.payments.provider import signed
from visabond.payments.signatures import (
    SECRET_PREFIX,
    SignatureRefused,
    headers_read,
    secret_generate,
    secret_key,
    signature_verify,
)

NOW = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
OLD = "whsec_" + base64.b64encode(b"o" * 32).decode()
NEW = "whsec_" + base64.b64encode(b"n" * 32).decode()
KEYS = [(1, secret_key(OLD)), (2, secret_key(NEW))]
BODY = b'{"type": "payment.succeeded"}'


def verify(headers: dict[str, str], body: bytes = BODY, keys=KEYS, now: dt.datetime = NOW) -> int:  # type: ignore[no-untyped-def]
    return signature_verify(headers_read(headers), body, keys, now=now)


def test_a_message_signed_by_the_standard_library_is_accepted_naming_its_secret() -> None:
    message = signed(BODY, secrets=[NEW], at=NOW)
    assert verify(message.headers) == 2


def test_during_a_rotation_a_message_signed_with_either_active_secret_is_accepted() -> None:
    assert verify(signed(BODY, secrets=[OLD], at=NOW).headers) == 1
    assert verify(signed(BODY, secrets=[OLD, NEW], at=NOW).headers, keys=KEYS[1:]) == 2


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"body": BODY.replace(b"succeeded", b"succeedee")},
            "webhook_signature_invalid",
            "webhook-signature",
        ),
        ({"webhook-id": "msg_other"}, "webhook_signature_invalid", "webhook-signature"),
        (
            {"webhook-timestamp": str(int(NOW.timestamp()) + 1)},
            "webhook_signature_invalid",
            "webhook-signature",
        ),
        ({"webhook-signature": "v1,AAAA"}, "webhook_signature_invalid", "webhook-signature"),
        ({"webhook-signature": "v1,not base64!"}, "webhook_signature_invalid", "webhook-signature"),
        ({"webhook-timestamp": "1693558800.5"}, "webhook_timestamp_invalid", "webhook-timestamp"),
        (
            {"webhook-timestamp": "99999999999999999999"},
            "webhook_timestamp_invalid",
            "webhook-timestamp",
        ),
        ({"webhook-id": ""}, "webhook_header_missing", "webhook-id"),
        ({"webhook-signature": ""}, "webhook_header_missing", "webhook-signature"),
    ],
)
def test_a_tampered_or_incomplete_message_is_refused_naming_the_header(
    change: dict[str, str], code: str, field: str
) -> None:
    message = signed(BODY, secrets=[NEW], at=NOW, webhook_id="msg_1")
    body = change.pop("body", BODY)
    headers = message.headers | change
    with pytest.raises(SignatureRefused) as refused:
        verify(headers, body=body)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.http_status == 401


@pytest.mark.parametrize(
    "offset", [dt.timedelta(minutes=-5, seconds=-1), dt.timedelta(minutes=5, seconds=1)]
)
def test_a_message_more_than_five_minutes_off_is_refused_as_a_replay(offset: dt.timedelta) -> None:
    message = signed(BODY, secrets=[NEW], at=NOW + offset)
    with pytest.raises(SignatureRefused) as refused:
        verify(message.headers)
    assert refused.value.code == "webhook_timestamp_stale"


@pytest.mark.parametrize("offset", [dt.timedelta(minutes=-5), dt.timedelta(minutes=5)])
def test_a_message_exactly_five_minutes_off_is_still_accepted(offset: dt.timedelta) -> None:
    assert verify(signed(BODY, secrets=[NEW], at=NOW + offset).headers) == 2


def test_a_secret_no_longer_active_verifies_nothing() -> None:
    message = signed(BODY, secrets=[OLD], at=NOW)
    with pytest.raises(SignatureRefused):
        verify(message.headers, keys=KEYS[1:])


def test_signatures_of_other_versions_are_passed_over_not_refused() -> None:
    message = signed(BODY, secrets=[NEW], at=NOW)
    headers = message.headers | {
        "webhook-signature": "v1a,c2lnbmF0dXJl " + message.headers["webhook-signature"]
    }
    assert verify(headers) == 2


def test_generated_secrets_follow_the_specification_and_the_library_can_use_them() -> None:
    secret = secret_generate()
    assert secret.startswith(SECRET_PREFIX)
    assert 24 <= len(secret_key(secret)) <= 64
    assert secret != secret_generate()
    signature = Webhook(secret).sign("msg_1", NOW, BODY.decode())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(NOW.timestamp())),
        "webhook-signature": signature,
    }
    assert verify(headers, keys=[(9, secret_key(secret))]) == 9
