"""Each defect real manifests carry is read through and reported by exactly one warning."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from visabond.documents.paxlst import Defect, parse_paxlst

Read = Callable[[str], bytes]
D = Defect


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "defect_counts.edi",
            [D.UNT_COUNT_MISMATCH, D.CNT_QUALIFIER_MISMATCH, D.CNT_COUNT_MISMATCH],
        ),
        ("defect_cnt_plus.edi", [D.CNT_MALFORMED]),
        ("defect_macroman_byte.edi", [D.CHARSET_OUTSIDE_DECLARED]),
        ("defect_utf8_under_unoa.edi", [D.CHARSET_OUTSIDE_DECLARED]),
        (
            "defect_case_blanks_junk.edi",
            [D.STRAY_WHITESPACE, D.TRAILING_DATA, D.LOWERCASE_UNDER_UNOA, D.VALUE_WHITESPACE],
        ),
        ("defect_empty_and_order.edi", [D.EMPTY_VALUE] * 4 + [D.SEGMENT_ORDER]),
        ("defect_dates_change_multileg.edi", [D.DATE_FORMAT_MISMATCH, D.DATE_INVALID]),
        ("custom_separators_crlf.edi", [D.TAG_WHITESPACE]),
        ("body_only_part1.edi", [D.INTERCHANGE_HEADER_MISSING, D.UNT_COUNT_MISMATCH]),
    ],
)
def test_each_defect_gives_one_warning(
    fixture_bytes: Read, name: str, expected: list[Defect]
) -> None:
    warnings = parse_paxlst(fixture_bytes(name), source=name).warnings
    assert Counter(w.code for w in warnings) == Counter(expected)
    for warning in warnings:
        assert warning.source == name
        assert warning.segment_number >= 1
        assert warning.byte_offset >= 0
        assert warning.message


def test_a_habit_repeated_in_every_segment_is_one_warning_with_a_count(fixture_bytes: Read) -> None:
    (warning,) = [
        w
        for w in parse_paxlst(fixture_bytes("defect_dates_change_multileg.edi")).warnings
        if w.code is D.DATE_FORMAT_MISMATCH
    ]
    assert "201" in warning.message
    assert "(and 3 more)" in warning.message


def test_twelve_digit_dates_under_code_201_are_read_as_203(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_dates_change_multileg.edi")).manifests
    assert str(manifest.flights[1].legs[0].arrives) == "2026-03-02 07:45:00"


def test_an_impossible_birth_date_keeps_its_text_and_no_date(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_dates_change_multileg.edi")).manifests
    person = manifest.persons[0]
    assert (person.birth_date, person.birth_date_text) == (None, "871332")


def test_cnt_41_in_a_passenger_list_is_read_as_the_passenger_total(fixture_bytes: Read) -> None:
    warnings = parse_paxlst(fixture_bytes("defect_counts.edi")).warnings
    mismatch = next(w for w in warnings if w.code is D.CNT_COUNT_MISMATCH)
    assert "says 5" in mismatch.message
    assert "carries 2" in mismatch.message


def test_cnt_with_an_element_separator_still_yields_its_count(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_cnt_plus.edi")).manifests
    assert manifest.count("41") == 2


def test_a_macroman_byte_under_unoa_is_kept_not_dropped(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_macroman_byte.edi")).manifests
    assert manifest.persons[0].surname == "NOV\x87K"


def test_utf8_bytes_under_unoa_are_read_as_utf8(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_utf8_under_unoa.edi")).manifests
    assert manifest.persons[0].surname == "CHIRWA ÉLISE"


def test_invalid_utf8_under_unoy_is_kept_as_latin1(fixture_bytes: Read) -> None:
    data = fixture_bytes("defect_macroman_byte.edi").replace(b"UNOA", b"UNOY")
    result = parse_paxlst(data)
    assert [w.code for w in result.warnings] == [D.CHARSET_OUTSIDE_DECLARED]
    assert result.manifests[0].persons[0].surname == "NOV\x87K"


def test_lower_case_names_are_kept_as_sent(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_case_blanks_junk.edi")).manifests
    assert (manifest.persons[0].surname, manifest.persons[0].given_names) == (
        "Banda",
        "Amara Grace",
    )


def test_blanks_at_value_edges_are_stripped(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_case_blanks_junk.edi")).manifests
    assert (manifest.flights[0].number, manifest.flights[0].carrier) == ("ET500", "ET")


def test_empty_document_segments_give_an_empty_document(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_empty_and_order.edi")).manifests
    (document,) = manifest.persons[0].documents
    assert (document.kind, document.number, document.expiry, document.issuing_country) == (
        "",
        "",
        None,
        "",
    )


def test_an_expiry_after_the_issuing_country_still_belongs_to_its_document(
    fixture_bytes: Read,
) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_empty_and_order.edi")).manifests
    (document,) = manifest.persons[1].documents
    assert (document.number, str(document.expiry)) == ("MA2223334", "2032-02-02")


def test_a_segment_outside_any_message_is_warned_and_kept(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"UNH+", b"FTX+AAI+++STRAY'\nUNH+", 1)
    result = parse_paxlst(data)
    assert [w.code for w in result.warnings] == [D.SEGMENT_OUTSIDE_MESSAGE]
    assert [kept.text.strip() for kept in result.unread] == ["FTX+AAI+++STRAY'"]


def test_envelope_counts_and_references_are_checked(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"UNZ+1+000000042", b"UNZ+3+999")
    assert Counter(w.code for w in parse_paxlst(data).warnings) == Counter(
        [D.ENVELOPE_COUNT_MISMATCH, D.ENVELOPE_REFERENCE_MISMATCH]
    )


def test_an_unknown_segment_inside_a_message_is_warned_and_kept(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"BGM+745'", b"BGM+745'XYZ+1'")
    result = parse_paxlst(data)
    assert [w.code for w in result.warnings] == [D.UNKNOWN_SEGMENT, D.UNT_COUNT_MISMATCH]
    assert [kept.text.strip() for kept in result.unread] == ["XYZ+1'"]


@pytest.mark.parametrize("sequence", [b"+AB:Q'", b"+100:F'", b"+9999999:F'", b"+00:C'"])
def test_an_invalid_sequence_of_transfers_reads_as_a_single_message(
    fixture_bytes: Read, sequence: bytes
) -> None:
    """ISO 9735-1 S010, 0070 is n..2: a part is numbered 1 to 99."""
    data = fixture_bytes("passport_visa_clean.edi").replace(b"+01:F'", sequence)
    result = parse_paxlst(data)
    assert [w.code for w in result.warnings] == [D.SEQUENCE_INVALID]
    assert result.manifests[0].sequence is None


_CREW = b"NAD+FM+++HAILE:TESFAYE'\nATT+2++M'\nDTM+329:800101'\nCNT+42:2'\n"


def _with_crew_member(data: bytes, counts: bytes, sequence: bytes = b"01:F") -> bytes:
    """The clean manifest with a crew member after its passengers, the given CNT segments
    and sequence of transfers, and UNT counting the segments it then has."""
    data = data.replace(b"CNT+42:2'\n", _CREW.replace(b"CNT+42:2'\n", counts))
    added = _CREW.count(b"\n") - 1 + counts.count(b"\n") - 1
    return data.replace(b"+01:F'", b"+" + sequence + b"'").replace(
        b"UNT+37+", b"UNT+" + str(37 + added).encode() + b"+"
    )


def test_a_message_counts_passengers_and_crew_apart(fixture_bytes: Read) -> None:
    """CNT+42 is the passengers (2), CNT+41 the crew (1): both agree, nothing to warn."""
    data = _with_crew_member(fixture_bytes("passport_visa_clean.edi"), b"CNT+42:2'\nCNT+41:1'\n")
    result = parse_paxlst(data)
    assert result.warnings == ()
    assert (len(result.manifests[0].passengers), len(result.manifests[0].crew)) == (2, 1)


def test_a_passenger_total_that_counts_the_crew_is_a_mismatch(fixture_bytes: Read) -> None:
    data = _with_crew_member(fixture_bytes("passport_visa_clean.edi"), b"CNT+42:3'\n")
    (mismatch,) = parse_paxlst(data).warnings
    assert mismatch.code is D.CNT_COUNT_MISMATCH
    assert "CNT+42 says 3, the message carries 2" in mismatch.message


@pytest.mark.parametrize(("declared", "warned"), [(b"5", False), (b"2", False), (b"1", True)])
def test_a_part_may_declare_the_series_total_but_not_less_than_it_carries(
    fixture_bytes: Read, declared: bytes, warned: bool
) -> None:
    """In part 01:C the CNT is the series total: 5 and 2 are possible, 1 cannot be."""
    counts = b"CNT+42:" + declared + b"'\nCNT+41:1'\n"
    data = _with_crew_member(fixture_bytes("passport_visa_clean.edi"), counts, b"01:C")
    codes = [w.code for w in parse_paxlst(data).warnings]
    assert (D.CNT_COUNT_MISMATCH in codes) is warned


@pytest.mark.parametrize(("declared", "mismatch"), [(b"2", False), (b"3", True)])
def test_cnt_42_in_a_crew_list_is_read_as_the_crew_total(
    fixture_bytes: Read, declared: bytes, mismatch: bool
) -> None:
    """The mirror of CNT+41 in a passenger list: a crew list counted under CNT+42."""
    data = fixture_bytes("crew_list_unob.edi").replace(b"CNT+41:2", b"CNT+42:" + declared)
    codes = [w.code for w in parse_paxlst(data).warnings]
    assert D.CNT_QUALIFIER_MISMATCH in codes
    assert (D.CNT_COUNT_MISMATCH in codes) is mismatch
