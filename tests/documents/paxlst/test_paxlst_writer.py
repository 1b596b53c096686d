"""The writer: what it writes, parses back to the same manifest, with any separators."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visabond.documents.paxlst import (
    Manifest,
    PaxlstError,
    Person,
    Separators,
    Sequence,
    parse_paxlst,
    write_paxlst,
)

# The fields a manifest carries through writing and parsing (warnings and source aside).
_CARRIED = ("persons", "flights", "counts", "common_access_reference", "sequence", "version")
_NAME_CHARACTERS = string.ascii_uppercase + " -'+:?*$!#%&;|~^"
_SEPARATOR_CHARACTERS = "+:'?*$!#%&;|~^"

names = st.text(_NAME_CHARACTERS, min_size=1, max_size=20).filter(lambda s: s == s.strip())


def _without_texts(person: Person) -> Person:
    """The dates as read; their text as sent is what a parsed manifest adds."""
    documents = tuple(dataclasses.replace(d, expiry_text="") for d in person.documents)
    return dataclasses.replace(person, birth_date_text="", documents=documents)


def _same_content(written: Manifest, read: Manifest) -> None:
    read = dataclasses.replace(read, persons=tuple(map(_without_texts, read.persons)))
    flights = tuple(
        dataclasses.replace(f, calls=tuple(dataclasses.replace(c, time_text="") for c in f.calls))
        for f in read.flights
    )
    read = dataclasses.replace(read, flights=flights)
    for name in _CARRIED:
        assert getattr(read, name) == getattr(written, name), name


def test_a_written_manifest_parses_back_unchanged_and_without_warnings(
    manifest_factory: Callable[..., Manifest],
) -> None:
    manifest = manifest_factory(3)
    result = parse_paxlst(write_paxlst(manifest, line_breaks=True))
    assert result.warnings == ()
    _same_content(dataclasses.replace(manifest, counts=(("42", 3),)), result.manifests[0])


def test_the_writer_follows_the_guide_segment_order(
    manifest_factory: Callable[..., Manifest],
) -> None:
    text = write_paxlst(manifest_factory(1), line_breaks=True).decode()
    tags = [line[:3] for line in text.splitlines()]
    assert tags[:8] == ["UNA", "UNB", "UNG", "UNH", "BGM", "NAD", "TDT", "LOC"]
    assert tags[-4:] == ["CNT", "UNT", "UNE", "UNZ"]
    assert "DOC+P:110:111+MA0000000'" in text
    assert "DOC+V:110:111+V00000000'" in text


def test_unt_counts_the_segments_from_unh_to_unt(manifest_factory: Callable[..., Manifest]) -> None:
    lines = write_paxlst(manifest_factory(2), line_breaks=True).decode().splitlines()
    unh = next(index for index, line in enumerate(lines) if line.startswith("UNH"))
    unt = len(lines) - 3
    assert lines[unt] == f"UNT+{unt - unh + 1}+PAX1'"


def test_service_characters_in_values_are_released(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    person = traveller_factory(0, surname="O'HARA+SON:JR?")
    text = write_paxlst(manifest_factory(persons=(person,))).decode()
    assert "O?'HARA?+SON?:JR??" in text


def test_a_character_outside_level_a_is_not_written_under_unoa(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """ISO 9735-1 Annex B: `#` is no level A character; the writer refuses what a reader
    would have to warn about, and level C holds it."""
    manifest = manifest_factory(persons=(traveller_factory(0, surname="APT#5"),))
    with pytest.raises(PaxlstError) as raised:
        write_paxlst(manifest, syntax_identifier="UNOA")
    assert raised.value.rule == "writer-charset"
    assert parse_paxlst(write_paxlst(manifest, syntax_identifier="UNOC")).warnings == ()


def test_dates_are_written_with_the_century_where_two_digits_would_read_otherwise(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """Born 1920 with documents expiring after 2020: 200101 would read as 2020."""
    elder = dataclasses.replace(traveller_factory(0), birth_date=dt.date(1920, 1, 1))
    manifest = manifest_factory(persons=(elder, traveller_factory(1)))
    text = write_paxlst(manifest, line_breaks=True).decode()
    assert "DTM+329:19200101:102'" in text
    assert "DTM+329:700408'" in text  # the other traveller's 1970 birth reads back as written
    (read,) = parse_paxlst(text.encode()).manifests
    assert [person.birth_date for person in read.persons] == [
        dt.date(1920, 1, 1),
        dt.date(1970, 4, 8),
    ]


def test_parts_of_a_series_are_written_with_their_sequence(
    manifest_factory: Callable[..., Manifest],
) -> None:
    part = manifest_factory(common_access_reference="ET500/260106/0745", sequence=Sequence(2))
    text = write_paxlst(part).decode()
    assert "+ET500/260106/0745+02'" in text


def test_without_a_release_character_a_service_character_cannot_be_written(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    manifest = manifest_factory(persons=(traveller_factory(0, surname="O'HARA"),))
    with pytest.raises(PaxlstError) as raised:
        write_paxlst(manifest, separators=Separators(release=""))
    assert raised.value.rule == "writer-escape"


def test_a_character_outside_the_syntax_level_cannot_be_written(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    manifest = manifest_factory(persons=(traveller_factory(0, surname="ŁUKASZ"),))
    with pytest.raises(PaxlstError) as raised:
        write_paxlst(manifest, syntax_identifier="UNOC")
    assert raised.value.rule == "writer-charset"
    assert raised.value.segment_number > 4
    written = write_paxlst(manifest, syntax_identifier="UNOY")
    assert parse_paxlst(written).manifests[0].persons[0].surname == "ŁUKASZ"


@settings(max_examples=60, deadline=None)
@given(surnames=st.lists(names, min_size=1, max_size=4), given_name=names)
def test_round_trip_keeps_names_holding_separator_characters(
    manifest_factory: Callable[..., Manifest],
    traveller_factory: Callable[..., Person],
    surnames: list[str],
    given_name: str,
) -> None:
    persons = tuple(
        traveller_factory(i, surname=surname, given=given_name)
        for i, surname in enumerate(surnames)
    )
    manifest = manifest_factory(persons=persons, counts=(("42", len(persons)),))
    result = parse_paxlst(write_paxlst(manifest, syntax_identifier="UNOC"))
    assert result.warnings == ()
    _same_content(manifest, result.manifests[0])


@st.composite
def separator_sets(draw: st.DrawFn) -> Separators:
    component, element, release, terminator, repetition = draw(
        st.lists(st.sampled_from(_SEPARATOR_CHARACTERS), min_size=5, max_size=5, unique=True)
    )
    repetition = draw(st.sampled_from([" ", repetition]))
    decimal = draw(st.sampled_from(".,"))
    return Separators(component, element, decimal, release, repetition, terminator)


@settings(max_examples=60, deadline=None)
@given(separators=separator_sets(), surname=names, line_breaks=st.booleans())
def test_round_trip_with_random_una_separators(
    manifest_factory: Callable[..., Manifest],
    traveller_factory: Callable[..., Person],
    separators: Separators,
    surname: str,
    line_breaks: bool,
) -> None:
    manifest = manifest_factory(
        persons=(traveller_factory(0, surname=surname), traveller_factory(1)),
        counts=(("42", 2),),
    )
    data = write_paxlst(
        manifest, separators=separators, line_breaks=line_breaks, syntax_identifier="UNOC"
    )
    result = parse_paxlst(data)
    assert result.warnings == ()
    _same_content(manifest, result.manifests[0])
