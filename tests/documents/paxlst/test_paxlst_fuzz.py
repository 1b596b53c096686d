"""Whatever bytes arrive, the parser either reads them or raises PaxlstError: nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visabond.documents.paxlst import ParseResult, PaxlstError, assemble_series, parse_paxlst

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.edi"))
VALID = [path.read_bytes() for path in FIXTURES if not path.name.startswith("unreadable")]
_EDIFACT_BYTES = b"UNAHTBGZ+:?' *$\r\n0123456789ABCDEFLNOPRSTV\x87\xc3\x89"


def _parse_or_refuse(data: bytes) -> None:
    try:
        result = parse_paxlst(data, source="fuzz")
    except PaxlstError as error:
        position = (error.segment_number, error.byte_offset)
    else:
        position = (0, 0)
        _check_readable(result, data)
    assert min(position) >= 0


def _check_readable(result: ParseResult, data: bytes) -> None:
    for warning in result.warnings:
        assert 0 <= warning.byte_offset <= len(data)
    for manifest in result.manifests:
        manifest.to_json_dict()
    assemble_series(result.manifests)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_read_or_refused_with_paxlst_error(data: bytes) -> None:
    _parse_or_refuse(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(_EDIFACT_BYTES)), max_size=300).map(bytes))
def test_edifact_looking_noise_is_read_or_refused_with_paxlst_error(data: bytes) -> None:
    _parse_or_refuse(b"UNH+1+PAXLST:D:05B'" + data)


@st.composite
def mutated_messages(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        byte = draw(st.sampled_from(list(_EDIFACT_BYTES)))
        if action == "replace" and position < len(data):
            data[position] = byte
        elif action == "delete" and position < len(data):
            del data[position]
        elif action == "insert":
            data.insert(position, byte)
        else:
            del data[position:]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_messages())
def test_mutated_valid_messages_are_read_or_refused_with_paxlst_error(data: bytes) -> None:
    _parse_or_refuse(data)


def test_the_mutation_corpus_holds_every_readable_fixture() -> None:
    unreadable = [path for path in FIXTURES if path.name.startswith("unreadable")]
    assert len(VALID) == len(FIXTURES) - len(unreadable) >= 10
