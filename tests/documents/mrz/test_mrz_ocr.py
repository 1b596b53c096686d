"""OCR tolerance: 0/O, 1/I, 5/S, 8/B and 2/Z repaired only where the field type and every
check digit agree, and each repair reported by line and column."""

from __future__ import annotations

from datetime import date

import pytest

from visabond.documents.mrz import Correction, MrzError, parse_mrz

TODAY = date(2025, 6, 1)

TD3_HALVORSEN = (
    "P<UTOHALVORSEN<<SIGRID<ASTRID<<<<<<<<<<<<<<<",
    "H70452X9<3UTO8105174F3305212AB1234567<<<<<16",
)
TD1_SILVA = (
    "I<UTOAB12345671<<<<<<<<<<<<<<<",
    "9207042F3001019UTO<<<<<<<<<<<8",
    "SILVA<<MARIA<LUISA<<<<<<<<<<<<",
)


def misread(lines: tuple[str, ...], line: int, column: int, char: str) -> tuple[str, ...]:
    rows = list(lines)
    row = rows[line - 1]
    rows[line - 1] = row[: column - 1] + char + row[column:]
    return tuple(rows)


def test_letter_o_in_a_date_is_read_as_zero() -> None:
    """Doc 9303-3: dates are digits, so an O there can only be a misread 0."""
    result = parse_mrz(misread(TD3_HALVORSEN, 2, 16, "O"), ocr=True, today=TODAY)
    assert result.valid
    assert result.birth_date == date(1981, 5, 17)
    assert result.corrections == (Correction(2, 16, "O", "0", "birth_date"),)


def test_digit_zero_in_a_name_is_read_as_letter_o() -> None:
    """Doc 9303-3: names are letters, so a 0 there can only be a misread O."""
    result = parse_mrz(misread(TD3_HALVORSEN, 1, 10, "0"), ocr=True, today=TODAY)
    assert result.surname == "HALVORSEN"
    assert result.corrections == (Correction(1, 10, "0", "O", "name"),)


def test_letter_in_a_check_digit_column_is_read_as_digit() -> None:
    """Doc 9303-3 §4.9: check digits are digits; Z in one is a misread 2."""
    result = parse_mrz(misread(TD3_HALVORSEN, 2, 28, "Z"), ocr=True, today=TODAY)
    assert result.valid
    assert result.corrections == (Correction(2, 28, "Z", "2", "expiry_date_check"),)


def test_several_misreads_across_lines_are_all_reported() -> None:
    """Each repaired character is listed with its own line, column and field."""
    zone = misread(misread(TD1_SILVA, 2, 2, "Z"), 3, 2, "1")
    result = parse_mrz(zone, ocr=True, today=TODAY)
    assert result.valid
    assert [(fix.line, fix.column, fix.replacement) for fix in result.corrections] == [
        (2, 2, "2"),
        (3, 2, "I"),
    ]


def test_ambiguous_character_in_document_number_is_settled_by_its_check_digit() -> None:
    """Doc 9303-3 §4.9: numbers mix letters and digits; only the check digit can decide."""
    result = parse_mrz(misread(TD3_HALVORSEN, 2, 3, "O"), ocr=True, today=TODAY)
    assert result.document_number == "H70452X9"
    assert result.valid
    assert result.corrections == (Correction(2, 3, "O", "0", "document_number"),)


def test_confusable_character_that_checks_out_is_left_alone() -> None:
    """A B in a personal number whose check digit passes is data, not a misread 8."""
    result = parse_mrz(TD3_HALVORSEN, ocr=True, today=TODAY)
    assert result.optional_data == "AB1234567"
    assert result.corrections == ()
    assert "corrections" not in result.to_json_dict()


def test_repair_is_refused_when_a_check_digit_still_fails() -> None:
    """A repair is kept only if every check then passes; otherwise the zone reads as is."""
    zone = misread(misread(TD3_HALVORSEN, 1, 10, "0"), 2, 20, "9")
    with pytest.raises(MrzError) as caught:
        parse_mrz(zone, ocr=True, today=TODAY)
    assert (caught.value.line, caught.value.column) == (1, 10)


def test_genuinely_wrong_check_digit_stays_invalid_in_ocr_mode() -> None:
    """OCR tolerance never turns a wrong check digit into a pass by guessing."""
    result = parse_mrz(misread(TD3_HALVORSEN, 2, 20, "9"), ocr=True, today=TODAY)
    assert not result.valid
    assert result.checks["birth_date"] is False
    assert result.corrections == ()


def test_ocr_mode_does_not_guess_characters_outside_the_confusion_pairs() -> None:
    """Only 0/O, 1/I, 5/S, 8/B and 2/Z are repaired; a Q in a date stays an error."""
    with pytest.raises(MrzError):
        parse_mrz(misread(TD3_HALVORSEN, 2, 16, "Q"), ocr=True, today=TODAY)


def test_corrections_appear_in_json_with_position() -> None:
    """The JSON names each change, so a clerk can compare it with the document."""
    data = parse_mrz(misread(TD3_HALVORSEN, 2, 16, "O"), ocr=True, today=TODAY).to_json_dict()
    assert data["corrections"] == [
        {"line": 2, "column": 16, "from": "O", "to": "0", "field": "birth_date"}
    ]


def test_strict_mode_refuses_what_ocr_mode_repairs() -> None:
    """Without ocr=True a misread is an error; tolerance is asked for, never assumed."""
    with pytest.raises(MrzError):
        parse_mrz(misread(TD3_HALVORSEN, 2, 16, "O"), today=TODAY)
