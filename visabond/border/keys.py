"""Machine clients' keys: how one is made, found by its prefix and checked by its hash.

Plain Python, no Django. A key is `vbb_` + an 8-character hex prefix + `_` + 43 characters
of URL-safe base64 (32 random bytes from `secrets`). Only the prefix (to find the client)
and the SHA-256 of the whole key (to check it) are stored: a key of 256 random bits needs no
slow hash, since nobody can guess one to test against the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "vbb"


def key_new() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = secrets.token_hex(4)
    return f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def key_hash(key: str) -> str:
    """The stored form of a key: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix a key carries, or None when it does not have a key's shape."""
    scheme, _, rest = key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != 8 or len(secret) < 32:
        return None
    return prefix


def key_matches(key: str, stored_hash: str) -> bool:
    """Whether `key` hashes to `stored_hash`, compared in constant time."""
    return hmac.compare_digest(key_hash(key.strip()), stored_hash)
