"""Whatever bytes arrive, the parser either reads them or raises PaxlstError: nothing else;
and what it reads keeps its promises: positions inside the input, no clean person with a
control character or dates that contradict each other, the same answer every time."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visabond.documents.paxlst import (
    ParseResult,
    PaxlstError,
    Person,
    assemble_series,
    parse_paxlst,
)

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.edi"))
VALID = [path.read_bytes() for path in FIXTURES if not path.name.startswith("unreadable")]
_EDIFACT_BYTES = b"UNAHTBGZ+:?' *$\r\n0123456789ABCDEFLNOPRSTV\x87\xc3\x89"


TODAY = dt.date(2026, 11, 30)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _parse_or_refuse(data: bytes) -> None:
    try:
        result = parse_paxlst(data, source="fuzz", today=TODAY)
    except PaxlstError as error:
        refusal = error
    else:
        _check_readable(result, data)
        return
    # A refusal says where, within the input, and names the file and its rule.
    assert refusal.segment_number >= 1
    assert 0 <= refusal.byte_offset <= len(data)
    assert refusal.code.startswith("paxlst.")
    assert "fuzz" in str(refusal)


def _check_readable(result: ParseResult, data: bytes) -> None:
    for warning in result.warnings:
        assert 0 <= warning.byte_offset <= len(data)
    for kept in result.unread:
        assert 0 <= kept.byte_offset < len(data)
        assert kept.text
    for manifest in result.manifests:
        for person in manifest.persons:
            _check_person(person)
    document = result.to_json_dict()
    assert json.loads(json.dumps(document)) == document
    assert parse_paxlst(data, source="fuzz", today=TODAY) == result
    assemble_series(result.manifests)


def _check_person(person: Person) -> None:
    """A person reads clean only when nothing read about them is in doubt: no control
    character in the name, a birth date in the past and before every document's expiry."""
    if not person.clean:
        return
    assert not _CONTROL.search(person.surname + person.given_names)
    if person.birth_date is not None:
        assert person.birth_date <= TODAY
        expiries = [document.expiry for document in person.documents if document.expiry]
        assert all(person.birth_date < expiry for expiry in expiries)


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


def test_the_mutation_corpus_is_every_fixture_the_parser_reads() -> None:
    """The fixtures named `unreadable_*` are refused and every other one is read, so the
    mutations start from readable input only."""
    for path in FIXTURES:
        data = path.read_bytes()
        if path.name.startswith("unreadable"):
            with pytest.raises(PaxlstError):
                parse_paxlst(data, today=TODAY)
        else:
            assert parse_paxlst(data, today=TODAY).manifests, path.name
            assert data in VALID
