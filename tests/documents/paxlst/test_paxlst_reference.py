"""Conformance with real airline PAXLST samples (third-party, kept outside the project).

`paxlst/expected_summary.json` holds what an independent ISO 9735 tokenizer extracts from
each sample; SOURCES.md lists each sample's known defects. Every one must be read, and each
documented defect must show as a warning with its stable code.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from visabond.documents.paxlst import Defect, Manifest, Person, assemble, parse_paxlst

pytestmark = pytest.mark.reference
D = Defect

# The warning codes each sample must give: its documented defects, nothing more.
EXPECTED_CODES: dict[str, set[Defect]] = {
    "astra_ok688_multipart_1of3.edi": {D.INTERCHANGE_HEADER_MISSING, D.UNT_COUNT_MISMATCH},
    "astra_ok688_multipart_2of3.edi": {D.INTERCHANGE_HEADER_MISSING, D.UNT_COUNT_MISMATCH},
    "astra_ok688_multipart_3of3.edi": {D.INTERCHANGE_HEADER_MISSING, D.UNT_COUNT_MISMATCH},
    "astra_ok688_single_part.edi": {D.INTERCHANGE_HEADER_MISSING, D.UNT_COUNT_MISMATCH},
    # The UNG/UNE and UNB/UNZ references also differ (1403010600 vs 1402010600). Every
    # passport expires `610218`: 1961 in a message of 2014 (as an MRZ reader reads it), before
    # the crew's births of 1978, or 1878 (no living crew member): the dates contradict.
    "gtas_Test1_crewlist.txt": {
        D.CNT_MALFORMED,
        D.UNT_COUNT_MISMATCH,
        D.LOWERCASE_UNDER_UNOA,
        D.ENVELOPE_REFERENCE_MISMATCH,
        D.DATE_INCONSISTENT,
    },
    # CNT+41:206 < 260 passengers: too small even as a series total for part 01:C.
    "gtas_Test3_delta_206pax.txt": {
        D.CHARSET_OUTSIDE_DECLARED,
        D.CNT_QUALIFIER_MISMATCH,
        D.CNT_COUNT_MISMATCH,
        D.UNT_COUNT_MISMATCH,
        D.LOWERCASE_UNDER_UNOA,
    },
    # CNT+42:136 on part 10:F is a series total: see the assembly test below.
    "gtas_airline2_custom_separators.edi": {
        D.TAG_WHITESPACE,
        D.UNT_COUNT_MISMATCH,
        D.UNT_REFERENCE_MISMATCH,
    },
    # Its only lower case is the junk `13Nov09` after UNZ, reported as trailing data.
    "gtas_multiple_flight_leg_apis.txt": {D.STRAY_WHITESPACE, D.TRAILING_DATA},
    # `UNG+PAXLST+AIR1+ DHS`: a blank at the start of a value.
    "gtas_parsers_apisMessage.txt": {D.STRAY_WHITESPACE, D.VALUE_WHITESPACE},
    "gtas_early_parser_test_change_pax_multileg.edi": {
        D.DATE_FORMAT_MISMATCH,
        D.VALUE_WHITESPACE,
        D.UNT_COUNT_MISMATCH,
        D.LOWERCASE_UNDER_UNOA,
    },
    "gtas_ui_messagediff_sn471_passport_plus_visa.edi": {
        D.CNT_COUNT_MISMATCH,
        D.UNT_COUNT_MISMATCH,
    },
    "minelytics_gtas_cbp_guide_example_doe.edi": set(),
    "minelytics_gtas_wco_bru_sample.edi": {
        D.CHARSET_OUTSIDE_DECLARED,
        D.UNT_COUNT_MISMATCH,
        D.EMPTY_VALUE,
        D.SEGMENT_ORDER,
    },
}
# How the independent tool's issue texts name our codes.
ISSUE_CODES = {
    "UNT declares": D.UNT_COUNT_MISMATCH,
    "UNT reference": D.UNT_REFERENCE_MISMATCH,
    "CNT malformed": D.CNT_MALFORMED,
    "CNT+42 says": D.CNT_COUNT_MISMATCH,
    "lower-case letters": D.LOWERCASE_UNDER_UNOA,
}
# Issues the tool reports that are not defects of the message as we read it.
NOT_DEFECTS = {
    # CNT is the series total in every part (by design), checked once assembled.
    ("astra_ok688_multipart_1of3.edi", D.CNT_COUNT_MISMATCH),
    ("astra_ok688_multipart_2of3.edi", D.CNT_COUNT_MISMATCH),
    ("astra_ok688_multipart_3of3.edi", D.CNT_COUNT_MISMATCH),
    ("gtas_airline2_custom_separators.edi", D.CNT_COUNT_MISMATCH),
    ("gtas_multiple_flight_leg_apis.txt", D.LOWERCASE_UNDER_UNOA),
}
LOC_ATTRIBUTES = {
    "22": "clearance",
    "174": "residence_country",
    "178": "embarkation",
    "179": "debarkation",
    "180": "birthplace",
}


def _summaries(reference_dir: Path) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = json.loads(
        (reference_dir / "paxlst" / "expected_summary.json").read_text()
    )
    return summaries


def _read(reference_dir: Path, name: str) -> Manifest:
    result = parse_paxlst((reference_dir / "paxlst" / name).read_bytes(), source=name)
    (manifest,) = result.manifests
    return manifest


def test_every_sample_has_its_expected_codes(reference_dir: Path) -> None:
    names = {summary["file"] for summary in _summaries(reference_dir)}
    assert names == set(EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_each_documented_defect_gives_a_warning_and_nothing_else_does(
    reference_dir: Path, name: str
) -> None:
    result = parse_paxlst((reference_dir / "paxlst" / name).read_bytes(), source=name)
    codes = Counter(warning.code for warning in result.warnings)
    assert set(codes) == EXPECTED_CODES[name]
    # One warning per defect: the per-file habits are reported once.
    once = {
        D.LOWERCASE_UNDER_UNOA,
        D.CHARSET_OUTSIDE_DECLARED,
        D.STRAY_WHITESPACE,
        D.VALUE_WHITESPACE,
        D.DATE_FORMAT_MISMATCH,
        D.UNT_COUNT_MISMATCH,
    }
    assert all(codes[code] == 1 for code in once & set(codes))


def test_the_independent_tools_issues_are_all_warned(reference_dir: Path) -> None:
    for summary in _summaries(reference_dir):
        name = summary["file"]
        for issue in summary["issues"]:
            code = next(c for prefix, c in ISSUE_CODES.items() if issue.startswith(prefix))
            assert code in EXPECTED_CODES[name] or (name, code) in NOT_DEFECTS, (name, issue)


def test_non_ascii_samples_are_warned_as_outside_the_declared_set(reference_dir: Path) -> None:
    for summary in _summaries(reference_dir):
        if summary["encoding"] != "ascii":
            assert D.CHARSET_OUTSIDE_DECLARED in EXPECTED_CODES[summary["file"]]


@pytest.mark.parametrize("index", range(13))
def test_envelope_flights_persons_and_counts_match_the_summary(
    reference_dir: Path, index: int
) -> None:
    summary = _summaries(reference_dir)[index]
    manifest = _read(reference_dir, summary["file"])
    assert manifest.common_access_reference == summary["unh_common_access_ref"]
    assert str(manifest.sequence or "") == summary["unh_sequence"]
    bgm = "+".join(p for p in (manifest.document_code, manifest.change_indicator) if p)
    assert bgm == summary["bgm"]
    assert (
        f"PAXLST:{manifest.version[:1]}:{manifest.version[1:]}:UN:IATA" == summary["message_type"]
    )
    assert {q: str(v) for q, v in manifest.counts} == _counts(summary)
    assert [_flight(f) for f in manifest.flights] == summary["flights"]
    assert len(manifest.persons) == summary["person_count"]
    assert Counter(p.role for p in manifest.persons) == Counter(summary["roles"])
    kinds = {d.kind for p in manifest.persons for d in p.documents}
    assert kinds == set(summary["doc_types"])
    assert {p.nationality for p in manifest.persons} - {""} == set(summary["nationalities"])
    _check_person(manifest.persons[0], summary["first_person"], summary["encoding"])


def _counts(summary: dict[str, Any]) -> dict[str, str]:
    counts: dict[str, str] = summary["cnt"]
    if summary["file"] == "gtas_Test1_crewlist.txt":
        # `CNT+41+8`: the tool left it out as malformed; we read it with a warning.
        return {"41": "8"}
    return counts


def _flight(flight: Any) -> dict[str, Any]:
    legs = []
    for call in flight.calls:
        leg = {"loc_qual": call.qualifier, "place": call.airport}
        if call.time_qualifier:
            leg[f"dtm_{call.time_qualifier}"] = call.time_text
        legs.append(leg)
    return {"tdt": flight.number, "carrier": flight.carrier, "legs": legs}


def _check_person(person: Person, expected: dict[str, Any], encoding: str) -> None:
    surname = expected["surname"]
    if encoding != "ascii" and not surname.isascii():
        # The tool read every byte as Latin-1; UTF-8 bytes under UNOA are read as UTF-8.
        surname = surname.encode("latin-1").decode("utf-8")
    assert (person.role, person.surname, person.given_names) == (
        expected["role"],
        surname,
        expected["given"],
    )
    assert person.sex == expected.get("sex", "")
    assert person.birth_date_text == expected.get("dtm_329", "")
    assert person.nationality == expected.get("nationality", "")
    for qualifier, place in expected["locs"].items():
        assert getattr(person, LOC_ATTRIBUTES[qualifier]) == place, qualifier
    documents = [
        {
            "type": d.kind,
            "number": d.number,
            **({"dtm_36": d.expiry_text} if "dtm_36" in e else {}),
            **({"issuing_country": d.issuing_country} if "issuing_country" in e else {}),
        }
        for d, e in zip(person.documents, expected["docs"], strict=True)
    ]
    assert documents == expected["docs"]


def test_the_astra_series_assembles_and_its_total_matches(reference_dir: Path) -> None:
    names = [f"astra_ok688_multipart_{n}of3.edi" for n in (3, 1, 2)]
    manifest = assemble(_read(reference_dir, name) for name in names)
    assert manifest.parts == (1, 2, 3)
    assert [p.surname for p in manifest.persons] == [
        "STRANSKY",
        "KOVACS",
        "LESKA",
        "PUTIN",
        "PUTINA",
    ]
    assert manifest.count("42") == 5
    assert D.CNT_COUNT_MISMATCH not in {w.code for w in manifest.warnings}
    assert D.MULTIPART_MISSING not in {w.code for w in manifest.warnings}


def test_a_lone_final_part_reports_the_missing_parts(reference_dir: Path) -> None:
    manifest = assemble([_read(reference_dir, "gtas_airline2_custom_separators.edi")])
    (missing,) = [w for w in manifest.warnings if w.code is D.MULTIPART_MISSING]
    assert "parts 01, 02, 03, 04, 05, 06, 07, 08, 09 missing" in missing.message


def test_unt_counts_from_unh_to_unt_inclusive_agree_with_clean_samples(
    reference_dir: Path,
) -> None:
    for summary in _summaries(reference_dir):
        manifest = _read(reference_dir, summary["file"])
        mismatch = D.UNT_COUNT_MISMATCH in {w.code for w in manifest.warnings}
        assert mismatch == (int(summary["unt_declared"]) != summary["unt_actual"])
