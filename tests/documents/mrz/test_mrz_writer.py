"""Writing the MRV-A zone of a visa we issue (Doc 9303-7), and reading it back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visabond.documents.codes import KNOWN_CODES
from visabond.documents.mrz import MrzError, MrzFormat, VisaZoneData, mrva_zone, parse_mrz
from visabond.documents.mrz.writer import mrz_name_part

TODAY = date(2025, 6, 1)

ABERNATHY_VISA = VisaZoneData(
    issuing_state="UTO",
    document_number="VZ3300917",
    surname="Abernathy",
    given_names="Clément",
    nationality="UTO",
    birth_date=date(1966, 6, 6),
    sex="M",
    expiry_date=date(2026, 6, 6),
    optional_data="BOND12",
)
# Worked out by hand with the plain check digit computation of test_mrz_checkdigit.py.
ABERNATHY_ZONE = (
    "V<UTOABERNATHY<<CLEMENT<<<<<<<<<<<<<<<<<<<<<",
    "VZ33009179UTO6606068M2606060BOND12<<<<<<<<<<",
)


def test_writer_produces_the_mrva_zone_with_its_check_digits() -> None:
    """Doc 9303-7: V, type, state, name; number, nationality, dates, sex, optional data."""
    assert mrva_zone(ABERNATHY_VISA) == ABERNATHY_ZONE


def test_written_zone_reads_back_as_a_valid_mrva() -> None:
    """What we print on a visa must pass every check at the border."""
    result = parse_mrz(mrva_zone(ABERNATHY_VISA), today=TODAY)
    assert result.format is MrzFormat.MRVA
    assert result.valid


def test_unspecified_sex_is_written_as_filler() -> None:
    """Doc 9303-7: unspecified sex is `<`, which every reader edition accepts."""
    from dataclasses import replace

    line2 = mrva_zone(replace(ABERNATHY_VISA, sex="X"))[1]
    assert line2[20] == "<"


def test_unknown_birth_date_is_written_as_fillers() -> None:
    """Doc 9303-3: an unknown birth date is six fillers, check digit 0."""
    from dataclasses import replace

    line2 = mrva_zone(replace(ABERNATHY_VISA, birth_date=None))[1]
    assert line2[13:20] == "<<<<<<0"


@pytest.mark.parametrize(
    ("written", "in_zone"),
    [
        ("Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT"),
        ("José María", "JOSE<MARIA"),
        ("O'Brien", "OBRIEN"),
        ("Østergaard", "OESTERGAARD"),
        ("Straße", "STRASSE"),
        ("Łukasz", "LUKASZ"),
        ("  de la  Cruz ", "DE<LA<CRUZ"),
    ],
)
def test_names_are_transliterated_to_mrz_letters(written: str, in_zone: str) -> None:
    """Doc 9303-3 §6: diacritics dropped or spelled out, spaces and hyphens become `<`."""
    assert mrz_name_part(written, field="surname") == in_zone


def test_name_without_latin_transliteration_is_refused() -> None:
    """Doc 9303-3 §6: script this writer cannot transliterate must be given in Latin."""
    with pytest.raises(MrzError) as caught:
        mrz_name_part("李", field="surname")
    assert caught.value.field == "surname"


def test_long_given_names_are_cut_to_initials_last_first() -> None:
    """Doc 9303-3 truncation: given names shrink to initials before the surname is touched."""
    from dataclasses import replace

    visa = replace(
        ABERNATHY_VISA,
        surname="Featherstonehaugh",
        given_names="Bartholomew Maximilian Alexander",
    )
    line1 = mrva_zone(visa)[0]
    assert line1[5:] == "FEATHERSTONEHAUGH<<BARTHOLOMEW<M<A<<<<<<<"[:39]
    assert len(line1) == 44


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"document_number": "AB12345678"}, "document_number"),
        ({"document_number": ""}, "document_number"),
        ({"issuing_state": "ZZQ"}, "issuing_state"),
        ({"nationality": "fra"}, "nationality"),
        ({"sex": "U"}, "sex"),
        ({"optional_data": "X" * 17}, "optional_data"),
        ({"surname": ""}, "surname"),
        ({"visa_type": "12"}, "visa_type"),
        ({"birth_date": date(2026, 6, 6)}, "birth_date"),
        ({"birth_date": date(2026, 6, 7)}, "birth_date"),
    ],
)
def test_visa_data_outside_the_zone_rules_is_refused(change: dict[str, str], field: str) -> None:
    """Doc 9303-7: a visa zone holds 9-character numbers, known codes, F/M/X sex..."""
    from dataclasses import replace

    with pytest.raises(MrzError) as caught:
        mrva_zone(replace(ABERNATHY_VISA, **change))  # type: ignore[arg-type]
    assert caught.value.field == field


NAME_PART = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
NUMBER_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
visas = st.builds(
    VisaZoneData,
    issuing_state=st.sampled_from(sorted(KNOWN_CODES)),
    document_number=NUMBER_TEXT,
    surname=st.lists(NAME_PART, min_size=1, max_size=2).map(" ".join),
    given_names=st.lists(NAME_PART, max_size=2).map(" ".join),
    nationality=st.sampled_from(sorted(KNOWN_CODES)),
    birth_date=st.none() | st.dates(TODAY - timedelta(days=99 * 365), TODAY),
    sex=st.sampled_from(["M", "F", "X"]),
    # The century rule reads an expiry within 80 years before and 20 years after today.
    expiry_date=st.dates(date(TODAY.year - 80, 6, 2), date(TODAY.year + 20, 6, 1)),
    optional_data=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=16),
).filter(lambda visa: visa.birth_date is None or visa.birth_date < visa.expiry_date)


@settings(max_examples=150, deadline=None)
@given(visas)
def test_any_visa_written_reads_back_to_the_same_fields(visa: VisaZoneData) -> None:
    """Writer and reader agree on every field of Doc 9303-7 MRV-A, check digits included."""
    result = parse_mrz(mrva_zone(visa), today=TODAY)
    assert result.valid
    assert result.format is MrzFormat.MRVA
    assert (result.issuing_state, result.nationality) == (visa.issuing_state, visa.nationality)
    assert result.document_number == visa.document_number
    assert (result.surname, result.given_names) == (visa.surname, visa.given_names)
    assert (result.birth_date, result.expiry_date) == (visa.birth_date, visa.expiry_date)
    assert (result.sex, result.optional_data) == (visa.sex, visa.optional_data)
