"""Text a person typed or a client sent: refused when it holds control characters, and
judged blank when it holds nothing visible.

NUL cannot be stored by PostgreSQL in a text column, and the other C0 controls (ESC, BEL...)
turn a name or a reason printed in a terminal into commands for it; tab and line breaks
are ordinary text. A reason of zero-width spaces says nothing, however long.
"""

from __future__ import annotations

import re
import unicodedata

from visabond.core.errors import InvalidInput

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control_characters(value: str, *, field: str) -> str:
    """`value` unchanged, or `InvalidInput` (`text_control_character`) naming `field` and
    the first control character (U+0000 NUL, U+001B ESC...)."""
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        raise InvalidInput(
            f"control character U+{ord(found.group()):04X} at position {found.start()}: "
            "text holds no control characters",
            code="text_control_character",
            field=field,
        )
    return value


def is_blank(value: str) -> bool:
    """True when `value` holds nothing visible: only spaces, separators (Unicode Z*) and
    format characters (Cf: zero-width space, joiners, bidirectional marks)."""
    return all(
        character.isspace() or unicodedata.category(character) in {"Cf", "Zs", "Zl", "Zp"}
        for character in value
    )


def quoted(value: str, *, limit: int = 40) -> str:
    """`value` quoted back in an error message (Python's `repr`), cut to `limit` characters
    with an ellipsis: a refusal names what was sent, it does not echo a megabyte of it."""
    return repr(value if len(value) <= limit else value[:limit] + "…")
