"""Nothing is dropped: every interchange of a file is read, and whatever cannot be used is
kept unread with its place and reason (or refused), never discarded under a warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from visabond.documents.paxlst import Defect, PaxlstError, parse_paxlst

Read = Callable[[str], bytes]
LATER = dt.date(2026, 11, 30)


def test_two_interchanges_back_to_back_are_both_read(fixture_bytes: Read) -> None:
    """A UNB after UNZ starts another interchange: its passenger is not dropped."""
    result = parse_paxlst(fixture_bytes("two_interchanges.edi"), today=LATER)
    assert [p.surname for m in result.manifests for p in m.persons] == ["WANJIKU", "OTIENO"]
    assert [m.interchange.control_reference for m in result.manifests if m.interchange] == [
        "000000101",
        "000000102",
    ]
    assert result.warnings == ()
    assert result.unread == ()
    assert result.complete


def test_each_interchange_has_its_own_una_or_none_and_its_own_character_set(
    fixture_bytes: Read,
) -> None:
    """UNOA with default separators, then no UNA, then `UNA:*.? $` and UTF-8 under UNOY."""
    data = fixture_bytes("three_interchanges_own_una_and_charset.edi")
    result = parse_paxlst(data, today=LATER)
    persons = [p for m in result.manifests for p in m.persons]
    assert [(p.surname, p.given_names) for p in persons] == [
        ("WANJIKU", "GRACE"),
        ("OTIENO", "BRIAN"),
        ("MÜLLER", "JÜRGEN"),
    ]
    assert all(person.clean for person in persons)
    assert result.warnings == ()
    # Segment numbers and byte offsets run on through the file: 20 segments with the UNA,
    # 19 without, then the third UNA and UNB before its UNH.
    third = result.manifests[2]
    assert data[third.byte_offset : third.byte_offset + 3] == b"UNH"
    assert third.segment_number == 20 + 19 + 3


def test_a_warning_of_the_second_interchange_points_into_the_second(fixture_bytes: Read) -> None:
    data = fixture_bytes("two_interchanges.edi")
    second = data.index(b"UNZ+1+000000101'") + len(b"UNZ+1+000000101'\n")
    damaged = data[:second] + data[second:].replace(b"UNT+17", b"UNT+99")
    (warning,) = parse_paxlst(damaged, today=LATER).warnings
    assert warning.code is Defect.UNT_COUNT_MISMATCH
    assert data[warning.byte_offset : warning.byte_offset + 6] == b"UNT+17"
    assert warning.byte_offset > second


def test_data_after_the_last_interchange_is_kept_unread_not_dropped(fixture_bytes: Read) -> None:
    data = fixture_bytes("defect_case_blanks_junk.edi")
    result = parse_paxlst(data, source="junk.edi")
    (kept,) = result.unread
    assert kept.code is Defect.TRAILING_DATA
    assert kept.text.strip() == "13Jan26"
    assert data[kept.byte_offset :].strip() == b"13Jan26"
    assert kept.source == "junk.edi"
    assert not result.complete


def test_an_unreadable_second_interchange_refuses_the_file(fixture_bytes: Read) -> None:
    """Better refused than read in part: the error points into the second interchange."""
    data = fixture_bytes("two_interchanges.edi")
    second = data.index(b"UNA", 1)
    damaged = data[:second] + data[second:].replace(b"NAD+FL", b"N@D+FL")
    with pytest.raises(PaxlstError) as raised:
        parse_paxlst(damaged)
    assert raised.value.rule == "segment-tag"
    assert raised.value.byte_offset > second


def test_a_byte_order_mark_is_skipped_with_a_warning(fixture_bytes: Read) -> None:
    """Files saved by Windows editors open with EF BB BF; it is not a segment tag."""
    result = parse_paxlst(fixture_bytes("byte_order_mark.edi"), today=LATER)
    (warning,) = result.warnings
    assert (warning.code, warning.segment_number, warning.byte_offset) == (
        Defect.BYTE_ORDER_MARK,
        1,
        0,
    )
    assert [p.surname for p in result.manifests[0].persons] == ["WANJIKU"]


def test_a_byte_order_mark_before_a_second_interchange_is_skipped_too(fixture_bytes: Read) -> None:
    """`cat a.edi b.edi` of two files saved with a mark."""
    one = fixture_bytes("byte_order_mark.edi")
    result = parse_paxlst(one + one, today=LATER)
    assert len(result.manifests) == 2
    assert [w.byte_offset for w in result.warnings] == [0, len(one)]


def test_segments_outside_any_message_are_each_kept_unread(fixture_bytes: Read) -> None:
    """A NAD between two messages belongs to no manifest: kept with its place, warned once."""
    data = fixture_bytes("passport_visa_clean.edi").replace(
        b"UNH+", b"NAD+FL+++STRAY:PERSON'\nDTM+329:800101'\nUNH+", 1
    )
    result = parse_paxlst(data)
    (warning,) = result.warnings
    assert warning.code is Defect.SEGMENT_OUTSIDE_MESSAGE
    assert "(and 1 more)" in warning.message
    assert [kept.text.strip() for kept in result.unread] == [
        "NAD+FL+++STRAY:PERSON'",
        "DTM+329:800101'",
    ]
    assert data[result.unread[0].byte_offset :].startswith(b"NAD+FL+++STRAY")


def test_a_message_other_than_paxlst_is_kept_unread_whole(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"PAXLST:D:05B", b"CUSRES:D:05B")
    result = parse_paxlst(data)
    assert result.manifests == ()
    (kept,) = result.unread
    assert kept.code is Defect.MESSAGE_TYPE_UNSUPPORTED
    assert kept.text.startswith("UNH+PAX042+CUSRES")
    assert kept.text.rstrip().endswith("UNT+37+PAX042'")


@pytest.mark.parametrize(
    ("before", "after", "tag"),
    [
        (b"NAD+FL+++BANDA", b"DOC+P:110:111+XX0000001'\nNAD+FL+++BANDA", "DOC"),
        (b"TDT+20+ET500+++ET'", b"LOC+125+ADD'\nTDT+20+ET500+++ET'", "LOC"),
        (b"BGM+745'", b"BGM+745'\nXYZ+1'", "XYZ"),
    ],
)
def test_a_segment_that_belongs_to_nothing_read_is_kept_unread(
    fixture_bytes: Read, before: bytes, after: bytes, tag: str
) -> None:
    """A DOC before any person, a call before any flight, an unknown segment: kept."""
    data = fixture_bytes("passport_visa_clean.edi").replace(before, after, 1)
    result = parse_paxlst(data)
    (kept,) = result.unread
    assert kept.text.startswith(tag)
    assert data[kept.byte_offset : kept.byte_offset + 3] == tag.encode()
    assert result.manifests[0].unread == result.unread
    assert not result.complete


def test_a_person_under_a_role_no_person_has_is_kept_not_taken_for_a_party(
    fixture_bytes: Read,
) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(
        b"NAD+MS+++ET CONTROL ADD'", b"NAD+MS+++ET CONTROL ADD'\nNAD+PAX+++DOE:JANE'", 1
    )
    result = parse_paxlst(data)
    (kept,) = result.unread
    assert (kept.code, kept.text.strip()) == (Defect.PARTY_UNKNOWN, "NAD+PAX+++DOE:JANE'")


def test_a_lower_case_person_role_in_the_header_is_still_a_person(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(
        b"NAD+MS+++ET CONTROL ADD'", b"NAD+MS+++ET CONTROL ADD'\nNAD+fl+++DOE:JANE'", 1
    )
    (manifest,) = parse_paxlst(data).manifests
    assert [p.surname for p in manifest.persons] == ["DOE", "BANDA", "O'NEILL"]


def test_other_header_parties_are_of_no_use_and_not_kept(fixture_bytes: Read) -> None:
    """An agent (`NAD+AG+ORION TRAVEL++J JAVERT`) is no traveller: nothing to keep."""
    data = fixture_bytes("passport_visa_clean.edi").replace(
        b"NAD+MS+++ET CONTROL ADD'", b"NAD+MS+++ET CONTROL ADD'\nNAD+AG+ORION TRAVEL++J JAVERT'"
    )
    result = parse_paxlst(data)
    assert result.unread == ()
    assert [w.code for w in result.warnings] == [Defect.UNT_COUNT_MISMATCH]  # one more segment


def test_a_message_body_after_unz_is_read_as_a_body_without_envelope(fixture_bytes: Read) -> None:
    """A message cut out of another interchange and appended: read, and said to lack a UNB."""
    first = fixture_bytes("two_interchanges.edi").split(b"UNA", 2)[1]
    body = fixture_bytes("body_only_same_birth_text.edi")
    result = parse_paxlst(b"UNA" + first + body, today=LATER)
    assert [p.surname for m in result.manifests for p in m.persons] == [
        "WANJIKU",
        "KAMAU",
        "NJERI",
    ]
    (warning,) = result.warnings
    assert warning.code is Defect.INTERCHANGE_HEADER_MISSING
    assert warning.byte_offset == len(b"UNA" + first)


def test_trailing_data_that_cannot_even_be_split_is_kept_not_fatal(fixture_bytes: Read) -> None:
    """Junk after UNZ ending in a lone release character: the interchange is cut at its UNZ,
    read, and the junk kept unread, rather than the whole file refused."""
    data = fixture_bytes("byte_order_mark.edi") + b"13Jan26?"
    result = parse_paxlst(data, today=LATER)
    assert [p.surname for p in result.manifests[0].persons] == ["WANJIKU"]
    (kept,) = result.unread
    assert (kept.code, kept.text) == (Defect.TRAILING_DATA, "13Jan26?")


def test_an_interchange_after_junk_is_still_read_and_the_junk_kept(fixture_bytes: Read) -> None:
    data = fixture_bytes("two_interchanges.edi")
    second = data.index(b"UNA", 1)
    with_junk = data[:second] + b"-- resent 2026-03-05 07:10 --\n" + data[second:]
    result = parse_paxlst(with_junk, today=LATER)
    assert [p.surname for m in result.manifests for p in m.persons] == ["WANJIKU", "OTIENO"]
    (kept,) = result.unread
    assert kept.text == "-- resent 2026-03-05 07:10 --\n"
    assert kept.byte_offset == second


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_a_utf32_file_is_refused_by_its_own_name(codec: str) -> None:
    text = "UNA:+.? 'UNB+UNOW:4+A+B+260305:0700+1'"
    data = text.encode(codec) if codec == "utf-32" else b"\x00\x00\xfe\xff" + text.encode(codec)
    with pytest.raises(PaxlstError) as raised:
        parse_paxlst(data)
    assert raised.value.rule == "utf32"
    assert "UTF-32" in str(raised.value)


def test_an_unknown_syntax_identifier_is_read_and_warned_at_the_unb(
    fixture_bytes: Read,
) -> None:
    data = fixture_bytes("two_interchanges.edi")
    declared = data[data.index(b"UNB+") + 4 : data.index(b"UNB+") + 8]
    result = parse_paxlst(data.replace(b"UNB+" + declared, b"UNB+ZZZZ"), today=LATER)
    assert [p.surname for m in result.manifests for p in m.persons] == ["WANJIKU", "OTIENO"]
    unknown = [w for w in result.warnings if w.code == Defect.SYNTAX_IDENTIFIER_UNKNOWN]
    assert unknown
    assert "'ZZZZ'" in unknown[0].message
    clean = parse_paxlst(data, today=LATER)
    assert not [w for w in clean.warnings if w.code == Defect.SYNTAX_IDENTIFIER_UNKNOWN]


def test_a_utf16_file_is_refused_by_name() -> None:
    data = "UNA:+.? 'UNB+UNOW:4+A+B+260305:0700+1'".encode("utf-16")
    with pytest.raises(PaxlstError) as raised:
        parse_paxlst(data)
    assert raised.value.rule == "utf16"
    assert "UTF-16" in str(raised.value)
