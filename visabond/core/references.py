"""Reference numbers people read aloud and type: random, unguessable, free of look-alikes."""

from __future__ import annotations

import re
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
    """A typed reference as stored: upper case, Crockford's look-alikes mapped (O->0, I/L->1),
    and grouped as `new_reference` writes it whatever dashes or spaces were typed:
    "b7k3m q9tx" and "B-7K3MQ9TX" are "B-7K3M-Q9TX".

    The prefix is the letters before the first dash when one was typed, else the letters
    before the groups of four (one or two: "B", "RB"). Text that is no such reference (its
    characters after the prefix not a whole number of groups) keeps its own dashes, its
    look-alikes mapped after the first."""
    compact = _SEPARATORS.sub("", text.upper())
    typed_prefix, dash, _ = text.strip().upper().partition("-")
    # A typed dash cuts the prefix when what precedes it is one; otherwise the groups do.
    # The same text normalised again is unchanged (a lookup and a rate limit keyed on the
    # reference must agree).
    typed_prefix = _SEPARATORS.sub("", typed_prefix)
    cuts = [len(typed_prefix)] if dash and _is_prefix(typed_prefix) else []
    for cut in cuts or [len(compact) % _GROUP]:
        prefix, body = compact[:cut], compact[cut:]
        if _is_prefix(prefix) and body and len(body) % _GROUP == 0:
            body = body.translate(_LOOK_ALIKES)
            return "-".join([prefix, *(body[i : i + _GROUP] for i in range(0, len(body), _GROUP))])
    prefix, _, rest = text.strip().upper().replace(" ", "").partition("-")
    if not rest:
        return prefix
    return f"{prefix}-{rest.translate(_LOOK_ALIKES)}"


def _is_prefix(text: str) -> bool:
    return 1 <= len(text) <= 2 and text.isascii() and text.isalpha()


_GROUP = 4  # the size of `new_reference`'s groups
_SEPARATORS = re.compile(r"[\s\-.]")
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
