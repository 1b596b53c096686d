"""Turning input text into the rows of a zone, and telling which Doc 9303 layout they have."""

from __future__ import annotations

from collections.abc import Sequence

from visabond.documents.mrz.errors import MrzError
from visabond.documents.mrz.model import MrzFormat

LEGAL_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
_LEGAL_BYTES = LEGAL_CHARACTERS.encode("ascii")
CHARACTER_SET_RULE = "Doc 9303-3 MRZ character set: A-Z, 0-9 and the filler <"
DIMENSIONS_RULE = "Doc 9303-4 to -7 zone dimensions"
LAYOUT_RULE = "Doc 9303-4 to -7 zone layouts"
BYTE_ORDER_MARK = "\ufeff"

# One unbroken line of OCR output is split when its length fits exactly one layout.
_ROW_LENGTH_OF_UNBROKEN = {90: 30, 72: 36, 88: 44}
_LAYOUTS_TEXT = "TD1 is 3 lines of 30, TD2 and MRV-B 2 lines of 36, TD3 and MRV-A 2 lines of 44"


def zone_rows(lines: Sequence[str] | str) -> tuple[tuple[str, ...], bool]:
    """The zone's rows with surrounding blanks removed (text is split at line breaks), and
    whether a UTF-8 byte-order mark opened the text (a file saved by a Windows editor)."""
    if isinstance(lines, str):
        marked = lines.lstrip().startswith(BYTE_ORDER_MARK)
        return _rows_of_text(lines.replace(BYTE_ORDER_MARK, "", 1) if marked else lines), marked
    rows = []
    marked = False
    for number, row in enumerate(lines, 1):
        if not isinstance(row, str):
            raise MrzError(f"is {type(row).__name__}, not text", rule=DIMENSIONS_RULE, line=number)
        if number == 1 and row.lstrip().startswith(BYTE_ORDER_MARK):
            marked, row = True, row.replace(BYTE_ORDER_MARK, "", 1)
        rows.append(row.strip())
    return tuple(rows), marked


def _rows_of_text(text: str) -> tuple[str, ...]:
    rows = [row.strip() for row in text.splitlines()]
    rows = [row for row in rows if row]
    if len(rows) == 1 and len(rows[0]) in _ROW_LENGTH_OF_UNBROKEN:
        width = _ROW_LENGTH_OF_UNBROKEN[len(rows[0])]
        return tuple(rows[0][start : start + width] for start in range(0, len(rows[0]), width))
    return tuple(rows)


def zone_format(rows: tuple[str, ...]) -> MrzFormat:
    """The layout the rows' count and lengths identify; visas are told apart by their `V`."""
    lengths = tuple(map(len, rows))
    if lengths == (44, 44):
        return MrzFormat.MRVA if rows[0][0] == "V" else MrzFormat.TD3
    if lengths == (36, 36):
        if rows[0][0] == "V":
            return MrzFormat.MRVB
        if _is_french_card_of_1988(rows):
            raise MrzError(
                "French national identity card, 1988-2021 layout: not an ICAO 9303 document",
                rule=LAYOUT_RULE,
                line=1,
                column=1,
                field="document_code",
                code="mrz_not_icao",
            )
        return MrzFormat.TD2
    if lengths == (30, 30, 30):
        return MrzFormat.TD1
    raise _dimensions_error(lengths)


def _is_french_card_of_1988(rows: tuple[str, ...]) -> bool:
    """The French identity card issued 1988-2021: two lines of 36 like TD2, but not TD2.

    Its line 1 is ID, FRA, the surname and the issuing office; line 2 opens with the
    12-character card number (issue year and month, department, serial) and its check
    digit, where TD2 has the document number, its check digit and the nationality. Digits
    where TD2's nationality letters belong (line 2, columns 11-13) tell them apart.
    """
    return rows[0].startswith("IDFRA") and any(char.isdigit() for char in rows[1][10:13])


def _dimensions_error(lengths: tuple[int, ...]) -> MrzError:
    shape = "/".join(map(str, lengths)) or "none"
    message = f"line lengths {shape} match no format ({_LAYOUTS_TEXT})"
    return MrzError(message, rule=DIMENSIONS_RULE, line=_odd_line_out(lengths))


def _odd_line_out(lengths: tuple[int, ...]) -> int | None:
    """The first line whose length differs from a plausible line 1, to point the reader at."""
    plausible_widths = {2: {36, 44}, 3: {30}}.get(len(lengths), set())
    if lengths and lengths[0] in plausible_widths:
        for number, length in enumerate(lengths[1:], 2):
            if length != lengths[0]:
                return number
    return None


def zone_bytes(rows: tuple[str, ...]) -> tuple[bytes, ...]:
    """The rows as ASCII bytes for the check digits, once every character is known legal."""
    encoded = []
    for number, row in enumerate(rows, 1):
        data = row.encode("ascii") if row.isascii() else b"\x00"
        if data.translate(None, _LEGAL_BYTES):
            raise _illegal_character_error(row, line=number)
        encoded.append(data)
    return tuple(encoded)


def _illegal_character_error(row: str, *, line: int) -> MrzError:
    column, char = next((c, ch) for c, ch in enumerate(row, 1) if ch not in LEGAL_CHARACTERS)
    hint = " (lower case)" if char.isalpha() and char.upper() in LEGAL_CHARACTERS else ""
    message = f"illegal character {char!r}{hint}"
    return MrzError(message, rule=CHARACTER_SET_RULE, line=line, column=column)
