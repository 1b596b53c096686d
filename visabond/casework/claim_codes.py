"""Claim codes: how a walk-in obligor proves a case is theirs when they open a portal account.

Plain Python, no Django. A code is 20 characters of Crockford's base32 (100 random bits from
`secrets`), printed in five groups of four ("7KQ2-M9XD-..."), so a person can copy it from
paper: the alphabet has no I, L, O or U, and reading it back forgives case, spaces, dashes
and the letters people mistake for digits (O for 0, I and L for 1). Only the SHA-256 of the
normalised code is stored: 100 random bits need no slow hash, since nobody can guess a code
to test against the hash (the same reasoning as the border clients' keys, `border/keys.py`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 20
GROUP = 4
# What a person may type for a character the alphabet leaves out (Crockford's decoding).
MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def claim_code_new() -> str:
    """A fresh code, grouped for print: 20 characters of the alphabet in groups of four."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def claim_code_normalised(typed: str) -> str:
    """The code as typed, read as the alphabet writes it: upper case, without spaces or
    dashes, O read as 0 and I or L as 1. Any other character is kept (it then matches no
    code)."""
    text = "".join(typed.split()).replace("-", "").upper()
    return text.translate(MISREAD)


def claim_code_hash(code: str) -> str:
    """The stored form of a code: hex SHA-256 of its normalised UTF-8 bytes."""
    return hashlib.sha256(claim_code_normalised(code).encode()).hexdigest()


def claim_code_matches(typed: str, stored_hash: str) -> bool:
    """Whether `typed` is the code whose hash is `stored_hash`, compared in constant time."""
    return bool(stored_hash) and hmac.compare_digest(claim_code_hash(typed), stored_hash)
