"""Reading a zone that OCR may have misread: 0/O, 1/I, 5/S, 8/B and 2/Z swapped.

A character is changed only where its field's type makes the reading impossible (a letter
in a date or check digit, a digit in a name or code), or, inside a document or personal
number, where the swap alone makes that field's check digit pass. A set of changes is kept
only when every check digit of the zone then passes; otherwise the zone reads as without
OCR tolerance. Each change is reported with its line and column.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import islice, product

from visabond.documents.mrz.checkdigit import check_passes
from visabond.documents.mrz.errors import MrzError
from visabond.documents.mrz.model import Correction, MrzFormat, MrzResult
from visabond.documents.mrz.parser import parse_rows
from visabond.documents.mrz.zone import zone_format

_TO_DIGITS = str.maketrans("OISBZ", "01582")
_TO_LETTERS = str.maketrans("01582", "OISBZ")
_SWAP = str.maketrans("OISBZ01582", "01582OISBZ")
_CONFUSABLE = "OISBZ01582"
# Beyond this many confusable characters in one number, a check digit (one in ten) cannot
# single out the right reading.
_MAX_SWAPPABLE = 8
_MAX_CANDIDATES = 64

DIGITS, LETTERS, MIXED = "digits", "letters", "mixed"
# (start, end, kind, field) per row, 0-based and end-exclusive, for each layout.
Segment = tuple[int, int, str, str]

_TWO_LINE_CORE: tuple[Segment, ...] = (
    (0, 9, MIXED, "document_number"),
    (9, 10, DIGITS, "document_number_check"),
    (10, 13, LETTERS, "nationality"),
    (13, 19, DIGITS, "birth_date"),
    (19, 20, DIGITS, "birth_date_check"),
    (20, 21, LETTERS, "sex"),
    (21, 27, DIGITS, "expiry_date"),
    (27, 28, DIGITS, "expiry_date_check"),
)


def _line_one(width: int) -> tuple[Segment, ...]:
    return (
        (0, 2, LETTERS, "document_code"),
        (2, 5, LETTERS, "issuing_state"),
        (5, width, LETTERS, "name"),
    )


_SEGMENTS: dict[MrzFormat, tuple[tuple[Segment, ...], ...]] = {
    MrzFormat.TD1: (
        (
            (0, 2, LETTERS, "document_code"),
            (2, 5, LETTERS, "issuing_state"),
            (5, 14, MIXED, "document_number"),
            (14, 15, DIGITS, "document_number_check"),
            (15, 30, MIXED, "optional_data"),
        ),
        (
            (0, 6, DIGITS, "birth_date"),
            (6, 7, DIGITS, "birth_date_check"),
            (7, 8, LETTERS, "sex"),
            (8, 14, DIGITS, "expiry_date"),
            (14, 15, DIGITS, "expiry_date_check"),
            (15, 18, LETTERS, "nationality"),
            (18, 29, MIXED, "optional_data_2"),
            (29, 30, DIGITS, "composite_check"),
        ),
        ((0, 30, LETTERS, "name"),),
    ),
    MrzFormat.TD2: (
        _line_one(36),
        (*_TWO_LINE_CORE, (28, 35, MIXED, "optional_data"), (35, 36, DIGITS, "composite_check")),
    ),
    MrzFormat.TD3: (
        _line_one(44),
        (
            *_TWO_LINE_CORE,
            (28, 42, MIXED, "optional_data"),
            (42, 43, DIGITS, "optional_data_check"),
            (43, 44, DIGITS, "composite_check"),
        ),
    ),
    MrzFormat.MRVA: (_line_one(44), (*_TWO_LINE_CORE, (28, 44, MIXED, "optional_data"))),
    MrzFormat.MRVB: (_line_one(36), (*_TWO_LINE_CORE, (28, 36, MIXED, "optional_data"))),
}

# Numbers with their own check digit: (row, start, end, check column), 0-based.
_CHECKED_NUMBERS: dict[MrzFormat, tuple[tuple[int, int, int, int], ...]] = {
    MrzFormat.TD1: ((0, 5, 14, 14),),
    MrzFormat.TD2: ((1, 0, 9, 9),),
    MrzFormat.TD3: ((1, 0, 9, 9), (1, 28, 42, 42)),
    MrzFormat.MRVA: ((1, 0, 9, 9),),
    MrzFormat.MRVB: ((1, 0, 9, 9),),
}


def parse_rows_tolerating_ocr(rows: tuple[str, ...], *, today: date) -> MrzResult:
    """Like `parse_rows`, but a zone that fails is retried with check-confirmed corrections."""
    try:
        strict = parse_rows(rows, today=today)
    except MrzError:
        corrected = _corrected(rows, today=today)
        if corrected is None:
            raise
        return corrected
    if strict.valid:
        return strict
    return _corrected(rows, today=today) or strict


def _corrected(rows: tuple[str, ...], *, today: date) -> MrzResult | None:
    try:
        layout = zone_format(rows)
    except MrzError:
        return None
    typed_rows = _fix_by_field_type(rows, _SEGMENTS[layout])
    candidates = _candidates_by_check_digit(typed_rows, layout)
    valid = [parsed for candidate in candidates if (parsed := _valid_parse(candidate, today=today))]
    # Two readings that both pass every check: the zone cannot tell which is right.
    return _with_corrections(valid[0], rows, layout) if len(valid) == 1 else None


def _fix_by_field_type(
    rows: tuple[str, ...], segments: tuple[tuple[Segment, ...], ...]
) -> list[str]:
    fixed = []
    for row, row_segments in zip(rows, segments, strict=True):
        pieces = []
        for start, end, kind, _field in row_segments:
            piece = row[start:end]
            if kind == DIGITS:
                piece = piece.translate(_TO_DIGITS)
            elif kind == LETTERS:
                piece = piece.translate(_TO_LETTERS)
            pieces.append(piece)
        fixed.append("".join(pieces) + row[row_segments[-1][1] :])
    return fixed


def _candidates_by_check_digit(rows: list[str], layout: MrzFormat) -> list[tuple[str, ...]]:
    """The type-fixed rows, with each failing number replaced by the readings its check admits."""
    choices: list[list[tuple[int, int, int, str]]] = []
    for row_index, start, end, check_column in _CHECKED_NUMBERS[layout]:
        row = rows[row_index]
        number, check = row[start:end], row[check_column]
        if not check.isdigit() or not number.isascii() or _passes(number, check):
            continue
        readings = _fewest_swaps_passing(number, check)
        choices.append([(row_index, start, end, reading) for reading in readings])
    candidates = []
    for combination in islice(product(*choices), _MAX_CANDIDATES):
        candidate = list(rows)
        for row_index, start, end, reading in combination:
            candidate[row_index] = (
                candidate[row_index][:start] + reading + candidate[row_index][end:]
            )
        candidates.append(tuple(candidate))
    return candidates


def _fewest_swaps_passing(number: str, check: str) -> list[str]:
    positions = [index for index, char in enumerate(number) if char in _CONFUSABLE]
    if len(positions) > _MAX_SWAPPABLE:
        return []
    by_count: dict[int, list[str]] = {}
    for mask in range(1, 1 << len(positions)):
        chars = list(number)
        for bit, index in enumerate(positions):
            if mask >> bit & 1:
                chars[index] = chars[index].translate(_SWAP)
        reading = "".join(chars)
        if _passes(reading, check):
            by_count.setdefault(mask.bit_count(), []).append(reading)
    return by_count[min(by_count)] if by_count else []


def _passes(number: str, check: str) -> bool:
    try:
        return check_passes(number.encode("ascii"), check)
    except UnicodeEncodeError:
        return False


def _valid_parse(rows: tuple[str, ...], *, today: date) -> MrzResult | None:
    try:
        result = parse_rows(rows, today=today)
    except MrzError:
        return None
    return result if result.valid else None


def _with_corrections(result: MrzResult, original: tuple[str, ...], layout: MrzFormat) -> MrzResult:
    corrections = tuple(
        Correction(
            line=line,
            column=column,
            original=before,
            replacement=after,
            field=_field_at(layout, line, column),
        )
        for line, (old_row, new_row) in enumerate(zip(original, result.lines, strict=True), 1)
        for column, (before, after) in enumerate(zip(old_row, new_row, strict=True), 1)
        if before != after
    )
    return replace(result, corrections=corrections)


def _field_at(layout: MrzFormat, line: int, column: int) -> str:
    for start, end, _kind, field in _SEGMENTS[layout][line - 1]:
        if start < column <= end:
            return field
    return "filler"
