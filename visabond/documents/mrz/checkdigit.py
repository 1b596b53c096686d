"""The Doc 9303-3 §4.9 check digit: character values weighted 7, 3, 1 repeating, modulo 10.

Values: digits are themselves, A-Z are 10-35, the filler `<` is 0. The hot path works on
ASCII bytes: three strided slices, one `bytes.translate` each through a 256-entry value
table, and C-level `sum`, which is several times faster than a Python loop per character.
"""

from __future__ import annotations

DIGITS = "0123456789"


def _value_table() -> bytes:
    table = bytearray(256)
    for offset, char in enumerate(DIGITS):
        table[ord(char)] = offset
    for offset in range(26):
        table[ord("A") + offset] = 10 + offset
    table[ord("<")] = 0
    return bytes(table)


_VALUES = _value_table()


def check_value(data: bytes) -> int:
    """The check digit of MRZ characters (already known to be A-Z, 0-9 or `<`) as an int."""
    values = _VALUES
    return (
        7 * sum(data[0::3].translate(values))
        + 3 * sum(data[1::3].translate(values))
        + sum(data[2::3].translate(values))
    ) % 10


def check_digit(data: str) -> str:
    """The check digit character for `data`, a string of MRZ characters."""
    return DIGITS[check_value(data.encode("ascii"))]


def check_passes(data: bytes, check_char: str) -> bool:
    """Whether `check_char`, read from the zone, is the check digit of `data`."""
    return DIGITS[check_value(data)] == check_char
