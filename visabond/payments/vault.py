"""Signing secrets at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`).

The key is `settings.VISABOND_SECRETS_KEY`: one or more Fernet keys separated by commas, the
first encrypting, every one decrypting (so the key itself can be rotated). Without it, one
key is derived from `SECRET_KEY` with HKDF-SHA256 (RFC 5869): a database copied without the
settings does not give the secrets away. A secret is never logged; its plain text leaves
this module only to sign-check a message, or once, to the operator who created it.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HKDF_SALT = b"visabond"
HKDF_INFO = b"visabond webhook signing secrets v1"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from Django's SECRET_KEY (HKDF-SHA256, 32 bytes, base64url)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


@lru_cache(maxsize=4)
def _box(configured: str, secret_key: str) -> MultiFernet:
    keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
    if not keys:
        keys = [derived_key(secret_key)]
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _box(getattr(settings, "VISABOND_SECRETS_KEY", ""), settings.SECRET_KEY)


def seal(secret: str) -> str:
    """The secret encrypted under the current key (a Fernet token, ASCII)."""
    return _current().encrypt(secret.encode()).decode()


@lru_cache(maxsize=64)
def _opened(token: str, box: MultiFernet) -> str:
    return box.decrypt(token.encode()).decode()


def unseal(token: str) -> str:
    """The secret a token holds; `InvalidToken` when no configured key opens it.

    Cached by token: every signed message is checked against the active secrets, and a
    token's plain text never changes.
    """
    return _opened(token, _current())


__all__ = ["InvalidToken", "derived_key", "seal", "unseal"]
