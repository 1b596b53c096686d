"""Reference numbers people read aloud and type: random, unguessable, free of look-alikes."""

from __future__ import annotations

import secrets

# Crockford's base 32: no I, L, O or U, so a number read over the phone is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str, *, groups: int = 2, size: int = 4) -> str:
    """A fresh reference such as "B-7K3M-Q9TX": `groups` groups of `size` random characters.

    Random rather than sequential, so a reference reveals nothing about how many cases or
    bonds there are and cannot be guessed from another (40 bits with the defaults); callers
    store it under a unique constraint and draw again on the rare collision.
    """
    parts = ["".join(secrets.choice(ALPHABET) for _ in range(size)) for _ in range(groups)]
    return "-".join([prefix, *parts])


def normalise_reference(text: str) -> str:
    """A typed reference as stored: upper case, Crockford's look-alikes mapped (O->0, I/L->1)."""
    prefix, _, rest = text.strip().upper().replace(" ", "").partition("-")
    if not rest:
        return prefix
    return f"{prefix}-{rest.translate(_LOOK_ALIKES)}"


_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
