"""Multi-part messages (UNH sequence of transfers) assemble into one manifest."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import pytest

from visabond.documents.paxlst import (
    Defect,
    Interchange,
    Manifest,
    PaxlstError,
    Sequence,
    assemble,
    assemble_series,
    parse_paxlst,
)

Read = Callable[[str], bytes]
PARTS = ("body_only_part1.edi", "body_only_part2.edi", "body_only_part3.edi")


def _parts(read: Read) -> list[Manifest]:
    return [parse_paxlst(read(name), source=name).manifests[0] for name in PARTS]


def test_parts_in_any_arrival_order_assemble_into_the_same_manifest(fixture_bytes: Read) -> None:
    parts = _parts(fixture_bytes)
    results = {assemble(order).persons for order in itertools.permutations(parts)}
    (persons,) = results
    assert [p.surname for p in persons] == ["TEMBO", "MULENGA", "ZULU"]


def test_an_assembled_series_keeps_header_flights_and_the_final_total(fixture_bytes: Read) -> None:
    manifest = assemble(reversed(_parts(fixture_bytes)))
    assert manifest.parts == (1, 2, 3)
    assert manifest.common_access_reference == "ZB310/260214/1720"
    assert manifest.flights[0].number == "ZB310"
    assert manifest.counts == (("42", 3),)
    assert manifest.source == ", ".join(PARTS)
    assert not manifest.is_part


def test_a_complete_series_has_no_assembly_warnings(fixture_bytes: Read) -> None:
    manifest = assemble(_parts(fixture_bytes))
    assembly_codes = {
        Defect.MULTIPART_MISSING,
        Defect.MULTIPART_DUPLICATE,
        Defect.CNT_COUNT_MISMATCH,
    }
    assert not [w for w in manifest.warnings if w.code in assembly_codes]


def test_a_missing_middle_part_is_reported(fixture_bytes: Read) -> None:
    first, _, last = _parts(fixture_bytes)
    manifest = assemble([last, first])
    (missing,) = [w for w in manifest.warnings if w.code is Defect.MULTIPART_MISSING]
    assert "parts 02 missing" in missing.message
    assert missing.source == PARTS[2]


def test_a_series_without_its_final_part_is_reported(fixture_bytes: Read) -> None:
    first, second, _ = _parts(fixture_bytes)
    manifest = assemble([second, first])
    assert any("no final part" in w.message for w in manifest.warnings)


def test_a_part_arriving_twice_is_kept_once(fixture_bytes: Read) -> None:
    first, second, third = _parts(fixture_bytes)
    resent = dataclasses.replace(second, source="resent.edi")
    manifest = assemble([first, second, resent, third])
    assert len(manifest.persons) == 3
    assert [w.code for w in manifest.warnings].count(Defect.MULTIPART_DUPLICATE) == 1


def test_a_part_resent_identically_in_another_interchange_is_kept_once_without_a_defect(
    fixture_bytes: Read,
) -> None:
    first, second, third = _parts(fixture_bytes)
    interchange = Interchange("UNOA", "CARRIER", "AUTHORITY", None, "000202")
    resent = dataclasses.replace(second, source="resent.edi", interchange=interchange)
    manifest = assemble([first, second, resent, third])
    assert len(manifest.persons) == 3
    assert Defect.MULTIPART_DUPLICATE not in {w.code for w in manifest.warnings}


def test_the_series_total_is_checked_once_assembled(fixture_bytes: Read) -> None:
    parts = _parts(fixture_bytes)
    final = dataclasses.replace(parts[2], counts=(("42", 4),))
    manifest = assemble([parts[0], parts[1], final])
    (mismatch,) = [w for w in manifest.warnings if w.code is Defect.CNT_COUNT_MISMATCH]
    assert "says 4" in mismatch.message
    assert "carries 3" in mismatch.message


def test_a_part_naming_other_flights_is_refused_not_placed_on_the_first_flight(
    fixture_bytes: Read,
) -> None:
    """Its travellers flew on another flight: joining them to the first would misread them."""
    first, second, third = _parts(fixture_bytes)
    other_flight = dataclasses.replace(first.flights[0], number="ZB999")
    other = dataclasses.replace(second, flights=(other_flight,))
    with pytest.raises(PaxlstError) as raised:
        assemble([first, other, third])
    assert raised.value.rule == "assembly-conflicting-flights"
    assert "part 02" in str(raised.value)


def test_two_different_copies_of_one_part_are_refused(fixture_bytes: Read) -> None:
    """Keeping either copy would drop the other's travellers."""
    first, second, third = _parts(fixture_bytes)
    other_copy = dataclasses.replace(second, persons=second.persons[:0], source="again.edi")
    with pytest.raises(PaxlstError) as raised:
        assemble([first, second, other_copy, third])
    assert raised.value.rule == "assembly-conflicting-copies"
    assert "again.edi" in str(raised.value)


def test_parts_of_different_series_cannot_be_assembled(fixture_bytes: Read) -> None:
    first, second, _ = _parts(fixture_bytes)
    stranger = dataclasses.replace(second, common_access_reference="XX1/260101/0000")
    with pytest.raises(PaxlstError) as raised:
        assemble([first, stranger])
    assert raised.value.rule == "assembly-mixed-series"


def test_nothing_to_assemble_is_an_error() -> None:
    with pytest.raises(PaxlstError):
        assemble([])


def test_assemble_series_joins_parts_and_passes_single_messages_through(
    fixture_bytes: Read,
) -> None:
    single = parse_paxlst(fixture_bytes("passport_visa_clean.edi")).manifests[0]
    parts = _parts(fixture_bytes)
    result = assemble_series([parts[1], single, parts[0], parts[2]])
    assert [m.parts for m in result] == [(1, 2, 3), ()]
    assert result[1] is single


def test_a_lone_first_part_is_assembled_to_report_what_is_missing(fixture_bytes: Read) -> None:
    (manifest,) = assemble_series(_parts(fixture_bytes)[:1])
    assert manifest.sequence == Sequence(1, "C")
    assert any(w.code is Defect.MULTIPART_MISSING for w in manifest.warnings)


def test_two_whole_messages_for_one_flight_are_two_manifests(fixture_bytes: Read) -> None:
    """Two `01:F` messages sharing a common access reference are each complete: neither is
    a copy of a part of the other, and neither passenger is dropped."""
    result = parse_paxlst(fixture_bytes("two_interchanges.edi"))
    assembled = assemble_series(result.manifests)
    assert [[p.surname for p in m.persons] for m in assembled] == [["WANJIKU"], ["OTIENO"]]


def _with_crew(part: Manifest, *surnames: str) -> Manifest:
    """The part with crew members (NAD+FM) added after its passengers."""
    crew = tuple(
        dataclasses.replace(part.persons[0], role="FM", surname=surname) for surname in surnames
    )
    return dataclasses.replace(part, persons=part.persons + crew)


def test_crew_members_are_not_counted_in_an_assembled_series_passenger_total(
    fixture_bytes: Read,
) -> None:
    """CNT+42 counts passengers and CNT+41 crew: 3 passengers and 2 crew over 3 parts."""
    first, second, third = _parts(fixture_bytes)
    final = dataclasses.replace(_with_crew(third, "PILOT"), counts=(("42", 3), ("41", 2)))
    manifest = assemble([_with_crew(first, "PURSER"), second, final])
    assert (len(manifest.passengers), len(manifest.crew)) == (3, 2)
    assert Defect.CNT_COUNT_MISMATCH not in {w.code for w in manifest.warnings}


def test_a_series_passenger_total_that_counts_the_crew_is_a_mismatch(fixture_bytes: Read) -> None:
    first, second, third = _parts(fixture_bytes)
    final = dataclasses.replace(_with_crew(third, "PILOT", "PURSER"), counts=(("42", 5),))
    manifest = assemble([first, second, final])
    (mismatch,) = [w for w in manifest.warnings if w.code is Defect.CNT_COUNT_MISMATCH]
    assert "CNT+42 says 5, the assembled series carries 3" in mismatch.message


def test_a_series_crew_total_counts_the_crew_of_every_part(fixture_bytes: Read) -> None:
    first, second, third = _parts(fixture_bytes)
    final = dataclasses.replace(_with_crew(third, "PILOT"), counts=(("42", 3), ("41", 1)))
    manifest = assemble([_with_crew(first, "PURSER"), second, final])
    (mismatch,) = [w for w in manifest.warnings if w.code is Defect.CNT_COUNT_MISMATCH]
    assert "CNT+41 says 1, the assembled series carries 2" in mismatch.message


def test_a_passenger_series_counted_under_the_crew_qualifier_is_read_as_its_passengers(
    fixture_bytes: Read,
) -> None:
    """CNT+41 in a series without crew is the senders' habit for the passenger total."""
    first, second, third = _parts(fixture_bytes)
    manifest = assemble([first, second, dataclasses.replace(third, counts=(("41", 3),))])
    assert Defect.CNT_COUNT_MISMATCH not in {w.code for w in manifest.warnings}
    wrong = assemble([first, second, dataclasses.replace(third, counts=(("41", 4),))])
    assert Defect.CNT_COUNT_MISMATCH in {w.code for w in wrong.warnings}
