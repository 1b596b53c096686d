"""Standard Webhooks signatures: the headers a payment provider signs with, and their check.

Plain Python, no Django. The Standard Webhooks specification (standardwebhooks.com, "Signature
scheme"): a message carries

- `webhook-id`: the message's unique id, the same on every redelivery of it;
- `webhook-timestamp`: seconds since the Unix epoch when it was sent;
- `webhook-signature`: space-separated versioned signatures, `v1,` + base64 of
  HMAC-SHA256(key, `{id}.{timestamp}.{body}`), so several secrets can sign one message
  while a secret is rotated.

Secrets are `whsec_` + base64 of the key's bytes (the specification asks for 24 to 64 bytes).
A message whose timestamp is more than five minutes from now is refused (a replay), and so
is one whose signatures match none of the active secrets; comparisons take constant time.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from visabond.core.errors import VisabondError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the specification's prefix, not a secret
SECRET_BYTES = 32  # within the specification's 24 to 64
TOLERANCE = dt.timedelta(minutes=5)
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
LONGEST_ID = 200

K = TypeVar("K")


class SignatureRefused(VisabondError):
    """The message is not proven to come from the provider: answered 401, trusted in nothing."""

    http_status = 401


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """The three headers of a signed message, read but not yet checked."""

    webhook_id: str
    timestamp: int
    signatures: tuple[str, ...]

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp, tz=dt.UTC)


def secret_generate() -> str:
    """A fresh signing secret: `whsec_` + base64 of 32 random bytes (CSPRNG)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a `whsec_` secret stands for (its base64 decoded); `ValueError` if none."""
    text = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(text + "==", validate=False)
    except (binascii.Error, ValueError):
        raise ValueError("a signing secret is whsec_ and base64") from None
    if not key:
        raise ValueError("a signing secret is not empty")
    return key


def headers_read(headers: Mapping[str, str]) -> SignedHeaders:
    """The signed message's headers (names case-insensitive), or `SignatureRefused`.

    Codes: `webhook_header_missing` naming the header absent, `webhook_timestamp_invalid`
    for a timestamp that is not whole seconds, `webhook_id_invalid` for an id too long.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in HEADERS:
        if not lowered.get(name, "").strip():
            raise SignatureRefused(
                f"a signed message carries the {name} header",
                code="webhook_header_missing",
                field=name,
            )
    webhook_id = lowered["webhook-id"].strip()
    if len(webhook_id) > LONGEST_ID:
        raise SignatureRefused(
            f"a webhook id has at most {LONGEST_ID} characters",
            code="webhook_id_invalid",
            field="webhook-id",
        )
    stamp = lowered["webhook-timestamp"].strip()
    # Twelve digits reach the year 33658: more is no moment, and would overflow a datetime.
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise SignatureRefused(
            "webhook-timestamp is whole seconds since the Unix epoch",
            code="webhook_timestamp_invalid",
            field="webhook-timestamp",
        )
    return SignedHeaders(
        webhook_id=webhook_id,
        timestamp=int(stamp),
        signatures=tuple(lowered["webhook-signature"].split()),
    )


def expected_signature(key: bytes, signed: SignedHeaders, body: bytes) -> bytes:
    """HMAC-SHA256 of `{id}.{timestamp}.{body}` under `key` (the v1 scheme)."""
    content = f"{signed.webhook_id}.{signed.timestamp}.".encode() + body
    return hmac.new(key, content, hashlib.sha256).digest()


def signature_verify(
    signed: SignedHeaders, body: bytes, keys: Sequence[tuple[K, bytes]], *, now: dt.datetime
) -> K:
    """Which of `keys` ((label, key) pairs: the active secrets) signed `body`.

    Raises `SignatureRefused`: `webhook_timestamp_stale` (field `webhook-timestamp`) when
    the timestamp is more than five minutes before or after `now`; `webhook_signature_invalid`
    (field `webhook-signature`) when no `v1` signature matches an active key. Signatures of
    other versions (such as the asymmetric `v1a`) are passed over, as the specification says.
    """
    if abs(signed.moment - now) > TOLERANCE:
        raise SignatureRefused(
            f"the message was signed at {signed.moment.isoformat()}, more than five minutes "
            f"from now ({now.isoformat()}): a replay is refused",
            code="webhook_timestamp_stale",
            field="webhook-timestamp",
        )
    offered = []
    for versioned in signed.signatures:
        version, _, value = versioned.partition(",")
        if version != "v1":
            continue
        try:
            offered.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    for label, key in keys:
        expected = expected_signature(key, signed, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return label
    raise SignatureRefused(
        "no v1 signature matches an active signing secret",
        code="webhook_signature_invalid",
        field="webhook-signature",
    )
