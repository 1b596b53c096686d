"""Reading each Doc 9303 layout field by field, with our own invented specimen holders.

Check digits in these zones were worked out independently of the code under test (see
test_mrz_checkdigit.py for the plain computation); flipped variants fail on purpose.
"""

from __future__ import annotations

from datetime import date

import pytest

from visabond.documents.mrz import MrzError, MrzFormat, parse_mrz

TODAY = date(2025, 6, 1)
# The checks every layout has beside its check digits.
FIELD_CHECKS = {"issuing_state_code", "nationality_code", "date_order"}

TD3_HALVORSEN = (
    "P<UTOHALVORSEN<<SIGRID<ASTRID<<<<<<<<<<<<<<<",
    "H70452X9<3UTO8105174F3305212AB1234567<<<<<16",
)
TD3_BRANDT_GERMANY = (
    "P<D<<BRANDT<<JONAS<FELIX<<<<<<<<<<<<<<<<<<<<",
    "C01X00T478D<<9502286M2909141<<<<<<<<<<<<<<02",
)
TD3_NAKAMURA_FILLER_CHECK = (
    "P<UTONAKAMURA<<KENJI<<<<<<<<<<<<<<<<<<<<<<<<",
    "TK55503711UTO0211037<3106305<<<<<<<<<<<<<<<4",
)
TD1_SILVA = (
    "I<UTOAB12345671<<<<<<<<<<<<<<<",
    "9207042F3001019UTO<<<<<<<<<<<8",
    "SILVA<<MARIA<LUISA<<<<<<<<<<<<",
)
TD1_KOWALCZYK_LONG_NUMBER = (
    "IDUTOCD9876543<21019<NOTE7<<<<",
    "8709125M2912316UTOEXTRA<<<<<<2",
    "KOWALCZYK<<PIOTR<<<<<<<<<<<<<<",
)
TD2_FAROUK = (
    "I<UTOFAROUK<<LAYLA<<<<<<<<<<<<<<<<<<",
    "T2S4V6X809UTO9901018F3012316Q7<<<<<3",
)
TD2_MORENO_LONG_NUMBER = (
    "IRUTOMORENO<<ISABEL<<<<<<<<<<<<<<<<<",
    "R09876543<UTO7503153F2802297218<<<<4",
)
MRVA_ABERNATHY = (
    "V<UTOABERNATHY<<CLEMENT<<<<<<<<<<<<<<<<<<<<<",
    "VZ33009179UTO6606068M2606060BOND12<<<<<<<<<<",
)
MRVB_DUPONT = (
    "VCEUEDUPONT<<ELOISE<<<<<<<<<<<<<<<<<",
    "E44Q81J299FRA0102030F2511203<<<<<<<<",
)


def parse(lines: tuple[str, ...] | list[str] | str, **options: bool) -> object:
    return parse_mrz(lines, today=TODAY, **options)


def with_char(lines: tuple[str, ...], line: int, column: int, char: str) -> tuple[str, ...]:
    """The zone with one character replaced (1-based line and column)."""
    rows = list(lines)
    row = rows[line - 1]
    rows[line - 1] = row[: column - 1] + char + row[column:]
    return tuple(rows)


def test_td3_passport_yields_every_field() -> None:
    """Doc 9303-4: TD3 line 1 code, state, name; line 2 number to composite."""
    result = parse_mrz(TD3_HALVORSEN, today=TODAY)
    assert result.format is MrzFormat.TD3
    assert (result.document_code, result.issuing_state, result.nationality) == ("P", "UTO", "UTO")
    assert (result.surname, result.given_names) == ("HALVORSEN", "SIGRID ASTRID")
    assert result.document_number == "H70452X9"
    assert (result.birth_date, result.expiry_date) == (date(1981, 5, 17), date(2033, 5, 21))
    assert (result.sex, result.optional_data) == ("F", "AB1234567")
    assert result.checks == {
        "document_number": True,
        "birth_date": True,
        "expiry_date": True,
        "optional_data": True,
        "composite": True,
        "issuing_state_code": True,
        "nationality_code": True,
        "date_order": True,
    }
    assert result.failures == {}
    assert result.valid


def test_td1_identity_card_yields_every_field() -> None:
    """Doc 9303-5: TD1 spreads number, dates and name over three lines of 30."""
    result = parse_mrz(TD1_SILVA, today=TODAY)
    assert result.format is MrzFormat.TD1
    assert (result.document_code, result.document_number) == ("I", "AB1234567")
    assert (result.birth_date, result.expiry_date) == (date(1992, 7, 4), date(2030, 1, 1))
    assert (result.surname, result.given_names, result.sex) == ("SILVA", "MARIA LUISA", "F")
    assert (result.optional_data, result.optional_data_2) == ("", "")
    assert set(result.checks) == {"document_number", "birth_date", "expiry_date", "composite"} | (
        FIELD_CHECKS
    )
    assert result.valid


def test_td2_card_yields_every_field() -> None:
    """Doc 9303-6: TD2 line 2 ends in optional data and the composite check digit."""
    result = parse_mrz(TD2_FAROUK, today=TODAY)
    assert result.format is MrzFormat.TD2
    assert (result.document_number, result.optional_data) == ("T2S4V6X80", "Q7")
    assert (result.birth_date, result.expiry_date) == (date(1999, 1, 1), date(2030, 12, 31))
    assert (result.surname, result.given_names) == ("FAROUK", "LAYLA")
    assert set(result.checks) == {"document_number", "birth_date", "expiry_date", "composite"} | (
        FIELD_CHECKS
    )
    assert result.valid


def test_mrva_visa_has_sixteen_optional_characters_and_no_composite() -> None:
    """Doc 9303-7: MRV-A line 2 columns 29-44 are optional data, with no check digit."""
    result = parse_mrz(MRVA_ABERNATHY, today=TODAY)
    assert result.format is MrzFormat.MRVA
    assert (result.document_code, result.optional_data) == ("V", "BOND12")
    assert (result.surname, result.given_names, result.sex) == ("ABERNATHY", "CLEMENT", "M")
    assert set(result.checks) == {"document_number", "birth_date", "expiry_date"} | FIELD_CHECKS
    assert result.valid


def test_mrvb_visa_is_told_from_td2_by_its_v() -> None:
    """Doc 9303-7: MRV-B is 2x36 like TD2 but starts with V and has no composite."""
    result = parse_mrz(MRVB_DUPONT, today=TODAY)
    assert result.format is MrzFormat.MRVB
    assert (result.document_code, result.issuing_state, result.nationality) == ("VC", "EUE", "FRA")
    assert "composite" not in result.checks
    assert result.valid


def test_td1_long_document_number_continues_in_optional_data() -> None:
    """Doc 9303-5: a `<` check digit means the number goes on in the optional data."""
    result = parse_mrz(TD1_KOWALCZYK_LONG_NUMBER, today=TODAY)
    assert result.document_number == "CD98765432101"
    assert (result.optional_data, result.optional_data_2) == ("NOTE7", "EXTRA")
    assert result.checks["document_number"]
    assert result.valid


def test_td2_long_document_number_continues_in_optional_data() -> None:
    """Doc 9303-6: the TD2 number overflows into columns 29-35 with its check digit."""
    result = parse_mrz(TD2_MORENO_LONG_NUMBER, today=TODAY)
    assert (result.document_number, result.optional_data) == ("R0987654321", "")
    assert result.valid


def test_long_document_number_with_wrong_check_digit_fails_that_check() -> None:
    """Doc 9303-5: the continued number's check digit covers all of its characters."""
    zone = with_char(TD1_KOWALCZYK_LONG_NUMBER, 1, 20, "8")
    result = parse_mrz(zone, today=TODAY)
    assert result.checks["document_number"] is False
    assert not result.valid


def test_filler_in_check_column_without_continuation_fails_document_check() -> None:
    """Doc 9303-6: `<` as check digit promises a continuation; none there is a failure."""
    zone = with_char(TD2_FAROUK, 2, 10, "<")
    result = parse_mrz(zone, today=TODAY)
    assert result.checks["document_number"] is False


def test_empty_personal_number_may_have_filler_as_check_digit() -> None:
    """Doc 9303-4: an all-filler optional field's check digit may be `<` instead of 0."""
    result = parse_mrz(TD3_NAKAMURA_FILLER_CHECK, today=TODAY)
    assert result.optional_data == ""
    assert result.checks["optional_data"]
    assert result.valid


def test_empty_personal_number_may_have_zero_as_check_digit() -> None:
    """Doc 9303-4: 0 is the computed check digit of an all-filler optional field."""
    result = parse_mrz(TD3_BRANDT_GERMANY, today=TODAY)
    assert result.optional_data == ""
    assert result.checks["optional_data"]
    assert result.valid


def test_filler_as_sex_means_unspecified() -> None:
    """Doc 9303-4: `<` in the sex column is unspecified, reported as X."""
    assert parse_mrz(TD3_NAKAMURA_FILLER_CHECK, today=TODAY).sex == "X"


def test_sex_other_than_f_m_x_or_filler_is_not_a_zone() -> None:
    """Doc 9303-4: sex is F, M, X or `<`; anything else is located and refused."""
    with pytest.raises(MrzError) as caught:
        parse_mrz(with_char(TD3_HALVORSEN, 2, 21, "Q"), today=TODAY)
    assert (caught.value.line, caught.value.column) == (2, 21)


def test_germany_is_the_one_letter_code_d() -> None:
    """Doc 9303-3 §5: Germany is written `D<<`, read as D, with no warning."""
    result = parse_mrz(TD3_BRANDT_GERMANY, today=TODAY)
    assert (result.issuing_state, result.nationality) == ("D", "D")
    assert not [warning for warning in result.warnings if "code" in warning]


def test_specimen_state_utopia_is_flagged_with_a_warning() -> None:
    """Doc 9303-3 §5: UTO is ICAO's specimen state; a reader must not take it as real."""
    result = parse_mrz(TD3_HALVORSEN, today=TODAY)
    assert any("specimen" in warning for warning in result.warnings)


# An old visa naming its holder's nationality BOS (no such ISO or ICAO code); checks pass.
MRVB_NATIONALITY_BOS = (
    "VCBIHHADZIC<<AMRA<<<<<<<<<<<<<<<<<<<",
    "B7731025<8BOS7803129F9903126<<<<<<<<",
)
MRVB_ISSUED_BY_BOS = (
    "VCBOSHADZIC<<AMRA<<<<<<<<<<<<<<<<<<<",
    "B7731025<8BIH7803129F9903126<<<<<<<<",
)


@pytest.mark.parametrize(
    ("zone", "check", "field"),
    [
        (MRVB_NATIONALITY_BOS, "nationality_code", "nationality"),
        (MRVB_ISSUED_BY_BOS, "issuing_state_code", "issuing state"),
    ],
)
def test_an_unknown_state_code_is_a_failed_check_naming_the_field_and_the_code(
    zone: tuple[str, str], check: str, field: str
) -> None:
    """Doc 9303-3 §5: a border post cannot act on a code outside ISO 3166-1 and ICAO's list."""
    result = parse_mrz(zone, today=TODAY)
    assert result.failed_checks() == [check]
    assert not result.valid
    assert f"{field} 'BOS'" in result.failures[check]
    assert result.to_json_dict()["failures"] == {check: result.failures[check]}


def test_the_specimen_state_and_icao_codes_pass_the_code_checks() -> None:
    """UTO (ICAO's specimen) and ICAO's own codes such as D stay accepted."""
    for zone in (TD3_HALVORSEN, TD3_BRANDT_GERMANY, MRVB_DUPONT):
        result = parse_mrz(zone, today=TODAY)
        assert result.checks["issuing_state_code"]
        assert result.checks["nationality_code"]


def test_name_parts_split_at_double_filler_and_join_with_spaces() -> None:
    """Doc 9303-3: `<<` separates surname from given names, `<` separates their parts."""
    zone = (
        "P<UTOVAN<DER<BERG<<ANNA<MARIA<<<<<<<<<<<<<<<<",
        TD3_HALVORSEN[1],
    )
    zone = (zone[0][:44], zone[1])
    result = parse_mrz(zone, today=TODAY)
    assert (result.surname, result.given_names) == ("VAN DER BERG", "ANNA MARIA")


def test_name_filling_its_field_warns_of_truncation() -> None:
    """Doc 9303-3: a truncated name ends in a letter in the last column."""
    zone = ("P<UTOHALVORSEN<<SIGRID<ASTRID<ELISABETH<MARI", TD3_HALVORSEN[1])
    result = parse_mrz(zone, today=TODAY)
    assert result.given_names == "SIGRID ASTRID ELISABETH MARI"
    assert any("truncated" in warning for warning in result.warnings)


def test_digit_in_name_is_located_and_refused() -> None:
    """Doc 9303-3: names are letters and fillers only."""
    with pytest.raises(MrzError) as caught:
        parse_mrz(with_char(TD1_SILVA, 3, 4, "4"), today=TODAY)
    assert (caught.value.line, caught.value.column, caught.value.field) == (3, 4, "name")


@pytest.mark.parametrize(
    ("line", "column", "char", "check"),
    [
        (2, 10, "4", "document_number"),
        (2, 20, "5", "birth_date"),
        (2, 28, "3", "expiry_date"),
        (2, 43, "7", "optional_data"),
        (2, 44, "9", "composite"),
    ],
)
def test_wrong_check_digit_is_named_and_makes_zone_invalid(
    line: int, column: int, char: str, check: str
) -> None:
    """Doc 9303-3 §4.9: a failing check digit reads with valid=False, not an exception."""
    result = parse_mrz(with_char(TD3_HALVORSEN, line, column, char), today=TODAY)
    assert result.checks[check] is False
    assert not result.valid
    assert check in result.failed_checks()


def test_changed_data_fails_its_own_check_and_the_composite() -> None:
    """Doc 9303-4: the composite covers number, dates and personal number together."""
    result = parse_mrz(with_char(TD3_HALVORSEN, 2, 3, "8"), today=TODAY)
    assert result.failed_checks() == ["document_number", "composite"]


def test_td1_composite_covers_line_one_optional_data() -> None:
    """Doc 9303-5: TD1's composite includes line 1 columns 6-30."""
    result = parse_mrz(with_char(TD1_SILVA, 1, 20, "X"), today=TODAY)
    assert result.failed_checks() == ["composite"]


def test_line_lengths_that_fit_no_layout_are_not_a_zone() -> None:
    """Doc 9303-4 to -7: only 3x30, 2x36 and 2x44 are zones; the message says so."""
    with pytest.raises(MrzError, match="44/30"):
        parse_mrz([TD3_HALVORSEN[0], TD1_SILVA[0]], today=TODAY)


def test_a_short_line_is_located() -> None:
    """Doc 9303-4: every line of a TD3 zone has 44 characters."""
    with pytest.raises(MrzError) as caught:
        parse_mrz([TD3_HALVORSEN[0], TD3_HALVORSEN[1][:-1]], today=TODAY)
    assert caught.value.line == 2
    assert "44/43" in str(caught.value)


def test_illegal_character_is_located_by_line_and_column() -> None:
    """Doc 9303-3: the zone uses A-Z, 0-9 and `<` only."""
    with pytest.raises(MrzError) as caught:
        parse_mrz(with_char(TD3_HALVORSEN, 2, 17, "-"), today=TODAY)
    error = caught.value
    assert (error.line, error.column) == (2, 17)
    assert "line 2 column 17" in str(error)
    assert "Doc 9303-3" in error.rule


def test_lower_case_letters_are_illegal_characters() -> None:
    """Doc 9303-3: the MRZ alphabet has capitals only."""
    with pytest.raises(MrzError, match="lower case"):
        parse_mrz([TD3_HALVORSEN[0].lower(), TD3_HALVORSEN[1]], today=TODAY)


def test_mrz_error_is_an_invalid_input_with_code() -> None:
    """One application error type: MrzError is InvalidInput, so the CLI maps it to 2."""
    from visabond.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        parse_mrz("not a zone", today=TODAY)
    assert caught.value.code == "mrz_invalid"


def test_letter_in_a_date_is_not_a_zone() -> None:
    """Doc 9303-3: dates are six digits; the wrong character is located."""
    with pytest.raises(MrzError) as caught:
        parse_mrz(with_char(TD3_HALVORSEN, 2, 16, "O"), today=TODAY)
    assert (caught.value.line, caught.value.column, caught.value.field) == (2, 16, "birth_date")


def test_impossible_calendar_date_is_not_a_zone() -> None:
    """Doc 9303-3: a date must exist; 31 February does not."""
    zone = (TD3_HALVORSEN[0], TD3_HALVORSEN[1].replace("810517", "810231"))
    with pytest.raises(MrzError, match="birth date"):
        parse_mrz(zone, today=TODAY)


def test_zone_may_be_given_as_one_text_with_line_breaks() -> None:
    """Scanners hand over the zone as text; blank lines and surrounding spaces are dropped."""
    text = "\n  " + "\r\n".join(TD1_SILVA) + "  \n\n"
    assert parse_mrz(text, today=TODAY).document_number == "AB1234567"


def test_line_that_is_not_text_is_refused_with_its_number() -> None:
    """Lines must be text; bytes from a scanner must be decoded first."""
    with pytest.raises(MrzError) as caught:
        parse_mrz([TD3_HALVORSEN[0], TD3_HALVORSEN[1].encode()], today=TODAY)  # type: ignore[list-item]
    assert caught.value.line == 2


def test_zone_run_together_on_one_line_is_split_by_its_length() -> None:
    """88 characters can only be two lines of 44 (TD3 or MRV-A)."""
    assert parse_mrz("".join(MRVA_ABERNATHY), today=TODAY).format is MrzFormat.MRVA


def test_unusual_document_code_for_layout_is_a_warning() -> None:
    """Doc 9303-4: passports are P; a TD3 zone with another letter reads but is flagged."""
    result = parse_mrz(with_char(TD3_HALVORSEN, 1, 1, "A"), today=TODAY)
    assert result.document_code == "A"
    assert any("unusual" in warning for warning in result.warnings)


def test_json_dict_has_exactly_the_promised_keys() -> None:
    """The command line and API promise these keys, and ISO dates."""
    data = parse_mrz(TD3_HALVORSEN, today=TODAY).to_json_dict()
    assert list(data) == [
        "format", "document_code", "issuing_state", "document_number", "nationality",
        "birth_date", "expiry_date", "sex", "surname", "given_names", "optional_data",
        "valid", "checks", "failures", "warnings",
    ]  # fmt: skip
    assert (data["birth_date"], data["expiry_date"]) == ("1981-05-17", "2033-05-21")


def test_json_joins_td1_optional_fields_with_a_space() -> None:
    """TD1 has two optional fields; a space cannot occur in MRZ data, so it separates them."""
    data = parse_mrz(TD1_KOWALCZYK_LONG_NUMBER, today=TODAY).to_json_dict()
    assert data["optional_data"] == "NOTE7 EXTRA"


def test_result_is_immutable() -> None:
    """A parsed zone is a record of what was read; nobody may edit it afterwards."""
    from dataclasses import FrozenInstanceError

    result = parse_mrz(TD3_HALVORSEN, today=TODAY)
    with pytest.raises(FrozenInstanceError):
        result.surname = "OTHER"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.checks["composite"] = False  # type: ignore[index]


def test_a_result_cannot_be_made_to_claim_validity_a_check_denies() -> None:
    """`valid` is derived from the checks: replacing it is refused, the verdict stays."""
    from dataclasses import replace

    result = parse_mrz(with_char(TD3_HALVORSEN, 2, 20, "5"), today=TODAY)
    assert not result.valid
    with pytest.raises(TypeError):
        replace(result, valid=True)  # type: ignore[call-arg]
    assert result.failures["birth_date"].startswith("the check digit")


# The French identity card of 1988-2021: 2 lines of 36, card number where TD2 has its own.
FRENCH_CARD_1988 = (
    "IDFRAMARTIN<<<<<<<<<<<<<<<<<<<750123",
    "1207750123451ELODIE<<ANNE<<8503127F1",
)


def test_the_french_identity_card_of_1988_is_refused_by_name() -> None:
    """Its layout is not TD2: it is named, not misread as a name holding a digit."""
    with pytest.raises(MrzError) as caught:
        parse_mrz(FRENCH_CARD_1988, today=TODAY)
    error = caught.value
    assert "French national identity card, 1988-2021 layout: not an ICAO 9303 document" in str(
        error
    )
    assert error.code == "mrz_not_icao"
    with pytest.raises(MrzError, match="French national identity card"):
        parse_mrz(FRENCH_CARD_1988, ocr=True, today=TODAY)


FAROUK_FRANCE = (
    "IDFRAFAROUK<<LAYLA<<<<<<<<<<<<<<<<<<",
    "T2S4V6X809FRA9901018F3012316Q7<<<<<3",
)


def test_a_td2_card_issued_by_france_is_still_read_as_td2() -> None:
    """ICAO TD2 keeps letters in line 2 columns 11-13 (the nationality): not the 1988 card."""
    result = parse_mrz(FAROUK_FRANCE, today=TODAY)
    assert (result.format, result.issuing_state, result.valid) == (MrzFormat.TD2, "FRA", True)


def test_a_byte_order_mark_before_the_zone_is_skipped_with_a_warning() -> None:
    """Text saved by a Windows editor starts with U+FEFF; it is not part of the zone."""
    result = parse_mrz("\ufeff" + "\n".join(TD3_HALVORSEN), today=TODAY)
    assert result.valid
    assert result.warnings[0] == "a UTF-8 byte-order mark before the zone was skipped"
    lines = parse_mrz(["\ufeff" + TD3_HALVORSEN[0], TD3_HALVORSEN[1]], today=TODAY)
    assert lines.surname == "HALVORSEN"
