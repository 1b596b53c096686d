"""The tokenizer's two paths agree: the plain one (whole input split at once) and the careful
one (release characters, blanks before tags) give the same segments, findings and results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visabond.documents.paxlst import Defect, ParseResult, PaxlstError, parse_paxlst, tokenizer
from visabond.documents.paxlst.syntax import DEFAULT_SEPARATORS
from visabond.documents.paxlst.tokenizer import Tokens, tokenize

_HERE = Path(__file__).parent
_REFERENCE = _HERE.parents[3] / "shared" / "reference" / "paxlst"
_SAMPLES = sorted((_HERE / "fixtures").glob("*.edi")) + sorted(
    path for path in _REFERENCE.glob("*") if path.suffix in (".edi", ".txt")
)
_BODY = "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++PHIRI:TAONGA'DTM+329:600101'UNT+5+1'"


@contextmanager
def _careful_only() -> Iterator[None]:
    """Every input takes the careful path, as if each one held a blank before a tag."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokenizer, "_needs_care", lambda pieces, blanks: True)
        yield


def _both_paths(text: str, *, strip_values: bool = False) -> tuple[Tokens, Tokens]:
    def split() -> Tokens:
        return tokenize(
            text, DEFAULT_SEPARATORS, start=0, first_number=1, strip_values=strip_values
        )

    plain = split()
    with _careful_only():
        return plain, split()


def _same(plain: Tokens, careful: Tokens) -> None:
    assert plain.segments == careful.segments
    assert plain.findings == careful.findings
    assert plain.first_invalid == careful.first_invalid
    assert plain.last_unterminated == careful.last_unterminated


def test_a_release_character_sends_the_input_the_careful_way_and_changes_no_other_segment() -> None:
    # given a message body, and the same body with a released apostrophe in a final segment
    plain = tokenize(_BODY, DEFAULT_SEPARATORS, start=0, first_number=1)
    careful = tokenize(_BODY + "FTX+AAI+++O?'BRIEN'", DEFAULT_SEPARATORS, start=0, first_number=1)
    # then the segments before it are read the same, and the released one keeps its apostrophe
    assert careful.segments[:-1] == plain.segments
    assert careful.segments[-1].elements == [["AAI"], [""], [""], ["O'BRIEN"]]


def test_lower_case_and_blank_tags_are_warned_alike_on_both_paths() -> None:
    plain, careful = _both_paths("unb+UNOA:4'UNH +1'XY+junk'NAD+FL'")
    _same(plain, careful)
    assert [code for code, *_ in plain.findings] == [Defect.TAG_CASE, Defect.TAG_WHITESPACE]
    assert plain.first_invalid is not None


def test_values_are_stripped_alike_on_both_paths() -> None:
    _same(*_both_paths("TDT+20+ QQ827 +++ ET'LOC+125 + ADD'", strip_values=True))


def test_line_ends_after_una_leave_the_first_segment_where_it_was() -> None:
    text = "UNA:+.? '\r\nUNB+UNOA:4+X+Y+260105:2000+1'\r\n"
    tokens = tokenize(text, DEFAULT_SEPARATORS, start=9, first_number=2)
    assert [(segment.number, segment.offset) for segment in tokens.segments] == [(2, 11)]
    assert tokens.findings == []


@pytest.mark.parametrize("path", _SAMPLES, ids=lambda path: path.name)
def test_every_sample_parses_or_is_refused_alike_on_both_paths(path: Path) -> None:
    data = path.read_bytes()
    plain = _outcome(data)
    with _careful_only():
        careful = _outcome(data)
    assert plain == careful


def _outcome(data: bytes) -> object:
    """The result with each person's NAD segment number, or where and why it was refused."""
    try:
        result: ParseResult = parse_paxlst(data)
    except PaxlstError as error:
        return (error.rule, error.segment_number, error.byte_offset, str(error))
    numbers = [[person.segment_number for person in m.persons] for m in result.manifests]
    return result, numbers


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="UNHBGMadt+: '\n\t0123", max_size=80))
def test_arbitrary_text_splits_alike_on_both_paths(text: str) -> None:
    _same(*_both_paths(text))
