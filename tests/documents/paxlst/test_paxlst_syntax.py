"""ISO 9735 syntax: the UNA service string advice and the tokenizer."""

from __future__ import annotations

import pytest

from visabond.documents.paxlst import Defect, PaxlstError, Separators
from visabond.documents.paxlst.syntax import DEFAULT_SEPARATORS, read_service_string_advice
from visabond.documents.paxlst.tokenizer import tokenize


def _tokens(text: str, separators: Separators = DEFAULT_SEPARATORS):  # type: ignore[no-untyped-def]
    return tokenize(text, separators, start=0, first_number=1)


def test_without_una_the_iso_9735_default_separators_apply() -> None:
    separators, una_offset, body_start = read_service_string_advice("UNB+UNOA:4'")
    assert separators == Separators(":", "+", ".", "?", " ", "'")
    assert (una_offset, body_start) == (-1, 0)


def test_una_sets_any_separators_and_the_body_starts_after_its_nine_characters() -> None:
    separators, una_offset, body_start = read_service_string_advice("UNA:*.? $UNB*UNOA:4$")
    assert (separators.component, separators.element, separators.terminator) == (":", "*", "$")
    assert (una_offset, body_start) == (0, 9)


def test_blanks_before_una_are_skipped() -> None:
    _, una_offset, body_start = read_service_string_advice("  UNA:+.?*'UNB'")
    assert (una_offset, body_start) == (2, 11)


def test_a_space_as_release_character_means_no_release_character() -> None:
    separators, _, _ = read_service_string_advice("UNA:+.  'UNB'")
    assert separators.release == ""


def test_a_cut_short_una_is_unreadable() -> None:
    with pytest.raises(PaxlstError) as raised:
        read_service_string_advice("UNA:+.")
    assert raised.value.rule == "una-length"
    assert (raised.value.segment_number, raised.value.byte_offset) == (1, 0)


def test_una_separators_must_be_distinct() -> None:
    with pytest.raises(PaxlstError, match="distinct"):
        read_service_string_advice("UNA++.? 'UNB'")


def test_segments_are_numbered_from_one_with_their_offsets() -> None:
    tokens = _tokens("UNH+1+PAXLST:D:05B'BGM+745'")
    assert [(s.tag, s.number, s.offset) for s in tokens.segments] == [
        ("UNH", 1, 0),
        ("BGM", 2, 19),
    ]
    assert tokens.segments[0].elements == [["1"], ["PAXLST", "D", "05B"]]


def test_release_character_makes_each_separator_plain_data() -> None:
    tokens = _tokens("NAD+FL+++O?'NEILL?+SON?:JR??'")
    assert tokens.segments[0].elements[3] == ["O'NEILL+SON:JR?"]
    assert len(tokens.segments) == 1


def test_an_escaped_terminator_does_not_end_the_segment() -> None:
    tokens = _tokens("FTX+AAI+++IT?'S'CNT+42:1'")
    assert [s.tag for s in tokens.segments] == ["FTX", "CNT"]
    assert tokens.segments[0].elements[3] == ["IT'S"]


def test_line_ends_of_any_kind_between_segments_are_not_defects() -> None:
    for line_end in ("\r", "\n", "\r\n"):
        tokens = _tokens(f"UNH+1'{line_end}BGM+745'{line_end}")
        assert [s.tag for s in tokens.segments] == ["UNH", "BGM"]
        assert tokens.findings == []
        assert tokens.segments[1].offset == 6 + len(line_end)


def test_blanks_before_segment_tags_give_one_warning_for_the_whole_input() -> None:
    tokens = _tokens(" UNH+1'  BGM+745' NAD+MS'")
    assert [f[0] for f in tokens.findings] == [Defect.STRAY_WHITESPACE]
    assert "2 more" in tokens.findings[0][1]
    assert tokens.segments[1].offset == 9


def test_a_blank_inside_a_tag_is_tolerated_with_a_warning() -> None:
    separators = Separators(element="*", terminator="$")
    tokens = _tokens("UNG *PAXLST*X$", separators)
    assert tokens.segments[0].tag == "UNG"
    assert [f[0] for f in tokens.findings] == [Defect.TAG_WHITESPACE]


def test_a_lower_case_tag_is_read_upper_case_with_a_warning() -> None:
    tokens = _tokens("unh+1'")
    assert tokens.segments[0].tag == "UNH"
    assert [f[0] for f in tokens.findings] == [Defect.TAG_CASE]


def test_a_final_segment_without_terminator_is_kept_and_flagged() -> None:
    tokens = _tokens("UNH+1'UNZ+1+9")
    assert [s.tag for s in tokens.segments] == ["UNH", "UNZ"]
    assert tokens.last_unterminated


def test_data_ending_in_a_lone_release_character_is_unreadable() -> None:
    with pytest.raises(PaxlstError) as raised:
        _tokens("UNH+1'NAD+FL+++DOE?")
    assert raised.value.rule == "release-unterminated"
    assert (raised.value.segment_number, raised.value.byte_offset) == (2, 6)


def test_strip_values_removes_blanks_at_value_edges_only() -> None:
    tokens = tokenize(
        "TDT+20+ QQ 827 '", DEFAULT_SEPARATORS, start=0, first_number=1, strip_values=True
    )
    assert tokens.segments[0].elements == [["20"], ["QQ 827"]]


def test_line_ends_after_una_leave_the_first_segment_where_it_was() -> None:
    text = "UNA:+.? '\r\nUNB+UNOA:4+X+Y+260105:2000+1'\r\n"
    tokens = tokenize(text, DEFAULT_SEPARATORS, start=9, first_number=2)
    assert [(segment.number, segment.offset) for segment in tokens.segments] == [(2, 11)]
    assert tokens.findings == []
    assert tokens.line_ends_between == 4


def test_line_ends_inside_a_segment_are_not_counted_between_segments() -> None:
    """A wrapped line is data; only the line ends after terminators and before tags are not."""
    tokens = _tokens("UNH+1'\nNAD+FL+++SMI\nTH'\n\nBGM+745'\n")
    assert tokens.line_ends_between == 4  # three after terminators, one blank line
    assert tokens.segments[1].elements[3] == ["SMI\nTH"]
