"""PAXLST message structure: envelopes, flights, persons, documents, dates and counts."""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from visabond.documents.paxlst import (
    Defect,
    Manifest,
    PaxlstError,
    Sequence,
    parse_paxlst,
    write_paxlst,
)

Read = Callable[[str], bytes]


def _codes(data: bytes) -> list[Defect]:
    return [warning.code for warning in parse_paxlst(data).warnings]


def test_a_clean_manifest_parses_without_warnings(fixture_bytes: Read) -> None:
    result = parse_paxlst(fixture_bytes("passport_visa_clean.edi"), source="clean.edi")
    assert result.warnings == ()
    (manifest,) = result.manifests
    assert manifest.source == "clean.edi"
    assert (manifest.message_reference, manifest.version, manifest.document_code) == (
        "PAX042",
        "D05B",
        "745",
    )
    assert manifest.reporting_party == "ET CONTROL ADD"
    assert manifest.common_access_reference == "ET500/260106/0745"
    assert manifest.sequence == Sequence(1, "F")
    assert manifest.counts == (("42", 2),)


def test_the_interchange_header_is_kept_with_its_preparation_moment(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests
    interchange = manifest.interchange
    assert interchange is not None
    assert (interchange.syntax_identifier, interchange.sender) == ("UNOA", "ETHIOPIAN")
    assert interchange.prepared == dt.datetime(2026, 1, 5, 20, 0)
    assert interchange.control_reference == "000000042"


def test_flight_calls_pair_into_legs_with_their_times(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests
    (flight,) = manifest.flights
    assert (flight.carrier, flight.number) == ("ET", "ET500")
    (leg,) = flight.legs
    assert (leg.departure, leg.arrival) == ("ADD", "IAD")
    assert leg.departs == dt.datetime(2026, 1, 5, 22, 30)
    assert leg.arrives == dt.datetime(2026, 1, 6, 7, 45)


def test_a_passenger_carries_passport_and_visa_with_expiry_and_issuer(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests
    banda = manifest.persons[0]
    assert (banda.role, banda.surname, banda.given_names, banda.sex) == (
        "FL",
        "BANDA",
        "AMARA GRACE",
        "F",
    )
    assert banda.birth_date == dt.date(1988, 2, 14)
    assert (banda.nationality, banda.embarkation, banda.debarkation) == ("MWI", "LLW", "IAD")
    assert (banda.clearance, banda.residence_country, banda.birthplace) == (
        "IAD",
        "MWI",
        "BLANTYRE",
    )
    assert banda.address == ("12 CHILEKA RD", "LILONGWE", "00000", "MWI")
    assert [(r.qualifier, r.value) for r in banda.references] == [
        ("AVF", "QX7K2M"),
        ("SEA", "23C"),
    ]
    passport, visa = banda.documents
    assert (passport.kind, passport.number, passport.issuing_country) == ("P", "MA1234567", "MWI")
    assert passport.expiry == dt.date(2030, 8, 1)
    assert (visa.kind, visa.number, visa.issuing_country) == ("V", "B9876543", "USA")
    assert visa.expiry == dt.date(2026, 4, 1)


def test_a_released_apostrophe_stays_in_the_name(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests
    assert manifest.persons[1].surname == "O'NEILL"


def test_two_digit_birth_years_are_never_after_the_interchange_date(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests
    assert manifest.persons[1].birth_date == dt.date(1975, 9, 30)


def test_crew_list_with_roles_fm_and_ddt_and_four_digit_formats(fixture_bytes: Read) -> None:
    result = parse_paxlst(fixture_bytes("crew_list_unob.edi"))
    assert result.warnings == ()
    (manifest,) = result.manifests
    assert manifest.is_crew_list
    assert manifest.version == "D21A"
    assert [p.role for p in manifest.crew] == ["FM", "DDT"]
    assert manifest.passengers == ()
    assert manifest.persons[0].birth_date == dt.date(1990, 3, 11)
    assert manifest.persons[0].documents[0].expiry == dt.date(2031, 1, 1)
    assert manifest.flights[0].legs[0].departs == dt.datetime(2025, 12, 30, 9, 0)
    assert manifest.count("41") == 2


def test_a_change_message_with_routing_legs_over_two_flights(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_dates_change_multileg.edi")).manifests
    assert (manifest.document_code, manifest.change_indicator) == ("745", "CP")
    legs = [(leg.departure, leg.arrival) for f in manifest.flights for leg in f.legs]
    assert legs == [("LUN", "ADD"), ("ADD", "IAD")]


def test_ung_and_une_are_optional(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi")
    without_group = b"\n".join(
        line for line in data.split(b"\n") if not line.startswith((b"UNG", b"UNE"))
    )
    assert parse_paxlst(without_group).warnings == ()


@pytest.mark.parametrize("release", ["D:01B", "D:22A", "X:05B"])
def test_a_release_outside_d02b_to_d21a_is_read_with_a_warning(
    fixture_bytes: Read, release: str
) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"D:05B:UN", release.encode() + b":UN")
    assert _codes(data) == [Defect.VERSION_UNSUPPORTED]


def test_a_message_other_than_paxlst_is_skipped_with_a_warning(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi").replace(b"PAXLST:D:05B", b"CUSRES:D:05B")
    result = parse_paxlst(data)
    assert result.manifests == ()
    assert [w.code for w in result.warnings] == [Defect.MESSAGE_TYPE_UNSUPPORTED]


def test_several_messages_in_one_interchange_are_all_read(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi")
    start, end = data.index(b"UNH"), data.index(b"UNE")
    doubled = data[:end] + data[start:end] + data[end:].replace(b"UNE+1", b"UNE+2")
    result = parse_paxlst(doubled)
    assert len(result.manifests) == 2
    assert result.warnings == ()


def test_a_message_without_unt_is_read_with_a_warning(fixture_bytes: Read) -> None:
    data = fixture_bytes("passport_visa_clean.edi")
    unt = data.index(b"UNT")
    truncated = data[:unt] + data[data.index(b"UNE") :]
    assert _codes(truncated) == [Defect.UNT_MISSING]


def test_warnings_point_at_the_byte_where_their_segment_starts(fixture_bytes: Read) -> None:
    data = fixture_bytes("defect_counts.edi")
    for warning in parse_paxlst(data).warnings:
        assert data[warning.byte_offset : warning.byte_offset + 3] in (b"CNT", b"UNT")


def test_byte_offsets_count_bytes_not_characters_in_utf8(fixture_bytes: Read) -> None:
    data = fixture_bytes("defect_utf8_under_unoa.edi")
    (manifest,) = parse_paxlst(data).manifests
    unt = next(
        w
        for w in parse_paxlst(data.replace(b"UNT+", b"UNT+9")).warnings
        if w.code is Defect.UNT_COUNT_MISMATCH
    )
    assert data[unt.byte_offset : unt.byte_offset + 3] == b"UNT"
    assert manifest.persons[0].surname == "CHIRWA ÉLISE"


def test_the_json_form_is_plain_json(fixture_bytes: Read) -> None:
    result = parse_paxlst(fixture_bytes("defect_counts.edi"), source="x.edi")
    document = result.manifests[0].to_json_dict()
    assert json.loads(json.dumps(document)) == document
    assert document["persons"][0]["documents"][1]["kind"] == "V"
    assert document["warnings"][0]["source"] == "x.edi"
    assert json.loads(json.dumps(result.to_json_dict()))["source"] == "x.edi"


@pytest.mark.parametrize(
    ("name", "rule", "segment", "offset"),
    [
        ("unreadable_no_unh.edi", "unh-missing", 2, 10),
        ("unreadable_release_at_end.edi", "release-unterminated", 3, 37),
        ("unreadable_junk_in_message.edi", "segment-tag", 3, 37),
    ],
)
def test_unreadable_input_raises_with_segment_number_and_byte_offset(
    fixture_bytes: Read, name: str, rule: str, segment: int, offset: int
) -> None:
    with pytest.raises(PaxlstError) as raised:
        parse_paxlst(fixture_bytes(name), source=name)
    error = raised.value
    assert (error.rule, error.segment_number, error.byte_offset) == (rule, segment, offset)
    assert name in str(error)
    assert f"segment {segment}" in str(error)


def test_empty_input_is_unreadable() -> None:
    with pytest.raises(PaxlstError, match="empty"):
        parse_paxlst(b"  \n")


def test_an_unh_without_message_identifier_is_unreadable() -> None:
    with pytest.raises(PaxlstError) as raised:
        parse_paxlst(b"UNH+1'BGM+745'UNT+3+1'")
    assert raised.value.rule == "unh-identifier"


@contextmanager
def _collector_off() -> Iterator[None]:
    """The cyclic collector held off for the test, and put back as it was."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def test_a_parse_leaves_no_reference_cycles_behind(
    manifest_factory: Callable[..., Manifest],
) -> None:
    """What a parse builds is freed as soon as it is dropped, not at the next collection: a
    server reading manifests all day must not keep them alive meanwhile."""
    data = write_paxlst(manifest_factory(40), line_breaks=True)
    with _collector_off():
        parse_paxlst(data)
        assert gc.collect() == 0


def test_the_garbage_collector_keeps_running_during_a_parse(
    manifest_factory: Callable[..., Manifest],
) -> None:
    """A library call changes no process-wide state: other threads allocate meanwhile."""
    data = write_paxlst(manifest_factory(260), line_breaks=True)
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.enable()
    gc.callbacks.append(count)
    try:
        parse_paxlst(data)
        still_enabled = gc.isenabled()
    finally:
        gc.callbacks.remove(count)
        if not was_enabled:
            gc.disable()
    assert still_enabled
    # Some 30,000 containers are made: a young collection falls due every 700. Held off, at
    # most the one due when the collector is switched back on would run.
    assert len(started) >= 5, started
