"""Character sets: the bytes are checked against the set the UNB declares, recovered when the
evidence is unambiguous, and a name that may be garbled never passes as clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from visabond.documents.paxlst import Defect, parse_paxlst
from visabond.documents.paxlst.charset import character_set, decode

Read = Callable[[str], bytes]
LATER = dt.date(2026, 11, 30)


def _message(identifier: str, *person: bytes, line_end: bytes = b"") -> bytes:
    """A one-flight message under `identifier` whose person group is the given segments."""
    segments = [
        b"UNB+" + identifier.encode() + b":4+A+B+260305:0700+1'",
        b"UNH+1+PAXLST:D:05B'",
        b"BGM+745'",
        b"TDT+20+X1'",
        *person,
        b"UNT+" + str(len(person) + 4).encode() + b"+1'",
        b"UNZ+1+1'",
    ]
    return line_end.join(segments) + line_end


def test_windows_1252_bytes_under_unoc_are_warned_at_their_byte_and_kept(
    fixture_bytes: Read,
) -> None:
    """0x8A and 0x8E are no ISO 8859-1 characters: warned where they are, kept as received."""
    data = fixture_bytes("unoc_windows1252_names.edi")
    result = parse_paxlst(data, today=LATER)
    (warning,) = result.warnings
    assert warning.code is Defect.CHARSET_OUTSIDE_DECLARED
    assert warning.byte_offset == data.index(b"\x8a")
    assert warning.segment_number == 11
    assert "0x8A" in warning.message
    assert "Windows-1252 'Š'" in warning.message
    assert "(and 1 more)" in warning.message


def test_a_name_with_bytes_outside_the_set_never_passes_as_clean(fixture_bytes: Read) -> None:
    result = parse_paxlst(fixture_bytes("unoc_windows1252_names.edi"), today=LATER)
    simunovic, odhiambo = result.manifests[0].persons
    assert simunovic.surname == "\x8aIMUNOVI"  # the byte kept, not dropped nor guessed
    assert not simunovic.clean
    assert [(d.field, d.code) for d in simunovic.doubts] == [
        ("name", Defect.CHARSET_OUTSIDE_DECLARED)
    ]
    assert odhiambo.clean
    assert not result.complete


def test_utf8_names_under_unoc_are_recovered_and_say_so(fixture_bytes: Read) -> None:
    """Valid UTF-8 under UNOC is a common carrier mistake: MÜLLER, not MÃ\x9cLLER."""
    result = parse_paxlst(fixture_bytes("unoc_utf8_names.edi"), today=LATER)
    muller, lefevre = result.manifests[0].persons
    assert (muller.surname, muller.given_names) == ("MÜLLER", "JÜRGEN")
    assert (lefevre.surname, lefevre.given_names) == ("Lefèvre", "Hélène")
    (warning,) = result.warnings
    assert warning.code is Defect.CHARSET_OUTSIDE_DECLARED
    assert "read as UTF-8" in warning.message
    assert [d.code for d in muller.doubts] == [Defect.CHARSET_RECOVERED]
    assert not muller.clean


def test_lower_case_utf8_under_unoc_is_recovered_too() -> None:
    """`é` in UTF-8 is C3 A9, both ISO 8859-1 bytes ('Ã©'); a letter then a symbol of
    0xA0-0xBF is how UTF-8 reads in 8859-1, never a name."""
    decoded = decode("UNB+UNOC:4+A+B+260305:0700+1'NAD+FL+++Hélène'".encode())
    assert "Hélène" in decoded.text
    assert decoded.recovered


def test_latin2_text_that_happens_to_be_valid_utf8_stays_latin2() -> None:
    """RÓŻA in ISO 8859-2 is 52 D3 AF 41, valid UTF-8 by chance: nothing is outside UNOD, so
    the declaration stands."""
    decoded = decode(b"UNB+UNOD:4+A+B+260305:0700+1'NAD+FL+++R\xd3\xafA'")
    assert "RÓŻA" in decoded.text
    assert decoded.recovered == ()
    assert decoded.uncertain == ()


@pytest.mark.parametrize(
    ("identifier", "raw", "expected"),
    [
        ("UNOC", b"\xc9LISE", "ÉLISE"),
        ("UNOD", b"\xa3UKASZ", "ŁUKASZ"),
        ("UNOE", b"\xb8\xb2\xb0\xbd", "ИВАН"),
        ("UNOF", b"\xc3\xe9\xfe\xf1\xe3\xef\xf2", "Γιώργος"),
        ("UNOK", b"\xdd\xdeIK", "İŞIK"),
        ("UNOL", b"\xa6", "Š"),
        ("UNOY", "ŽELJKO".encode(), "ŽELJKO"),
        ("UNOW", "ŽELJKO".encode(), "ŽELJKO"),
    ],
)
def test_each_declared_set_reads_its_own_characters_as_clean(
    identifier: str, raw: bytes, expected: str
) -> None:
    result = parse_paxlst(_message(identifier, b"NAD+FL+++" + raw + b":ANA'"), today=LATER)
    (person,) = result.manifests[0].persons
    assert person.surname == expected
    assert person.clean
    assert Defect.CHARSET_OUTSIDE_DECLARED not in {w.code for w in result.warnings}


@pytest.mark.parametrize(
    ("identifier", "raw"),
    [
        ("UNOA", b"NOV\x87K"),  # Mac OS Roman a-acute, not 7-bit
        ("UNOB", b"NOV\x87K"),
        ("UNOC", b"NOV\x87K"),  # a C1 control, no ISO 8859-1 character
        ("UNOG", b"\xa5ASA"),  # 0xA5 is undefined in ISO 8859-3
        ("UNOJ", b"\xbfDAN"),  # 0xBF is undefined in ISO 8859-8
        ("UNOY", b"NOV\x87K"),  # not valid UTF-8
        ("UNOZ", b"NOV\xe1K"),  # no such syntax level: nothing beyond ASCII is established
    ],
)
def test_bytes_outside_each_declared_set_are_warned_and_the_person_doubted(
    identifier: str, raw: bytes
) -> None:
    result = parse_paxlst(_message(identifier, b"NAD+FL+++" + raw + b":ANA'"), today=LATER)
    (person,) = result.manifests[0].persons
    assert not person.clean
    assert person.doubts[0].field == "name"
    assert Defect.CHARSET_OUTSIDE_DECLARED in {w.code for w in result.warnings}
    assert len(person.surname) == len(raw)  # every byte kept as one character


def test_a_control_character_inside_a_name_is_no_clean_name() -> None:
    """A line break inside a value (a wrapped line) is data no set holds."""
    data = _message("UNOA", b"NAD+FL+++SMI\nTH:ANA'", line_end=b"\n")
    result = parse_paxlst(data, today=LATER)
    (person,) = result.manifests[0].persons
    assert person.surname == "SMI\nTH"
    assert not person.clean
    (warning,) = [w for w in result.warnings if "U+000A" in w.message]
    assert warning.byte_offset == data.index(b"\nTH")


def test_ascii_punctuation_outside_level_a_is_warned_but_not_doubted() -> None:
    """`@` is no UNOA character, but its meaning is plain: a warning, and a clean person."""
    data = _message("UNOA", b"NAD+FL+++DOE:ANA'", b"COM+ANA@EXAMPLE.ORG:EM'")
    result = parse_paxlst(data, today=LATER)
    (warning,) = result.warnings
    assert warning.code is Defect.CHARSET_OUTSIDE_DECLARED
    assert "'@'" in warning.message
    assert result.manifests[0].persons[0].clean


def test_the_syntax_levels_name_their_character_sets() -> None:
    """ISO 9735 0001: UNOA-UNOL, UNOW, UNOX and UNOY are known; others are read byte for byte."""
    known = {character_set(f"UNO{letter}").kind for letter in "ABCDEFGHIJKLWXY"}
    assert "unknown" not in known
    assert character_set("UNOZ").kind == "unknown"


def test_a_line_break_after_a_released_terminator_is_inside_the_name() -> None:
    """`PATRICK?'` then a line break: the apostrophe is data, so is the break after it."""
    data = _message("UNOA", b"NAD+FL+++O?'NEILL:PATRICK?'", b"ATT+2++M'", line_end=b"\n")
    result = parse_paxlst(data, today=LATER)
    (person,) = result.manifests[0].persons
    assert person.given_names == "PATRICK'\nATT"
    assert not person.clean
