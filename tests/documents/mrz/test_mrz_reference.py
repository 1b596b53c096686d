"""Conformance with the ICAO Doc 9303 examples kept beside the checkout (skips without them).

The file lists vectors with their lines, the verdict the source states (`expected_valid`)
and the fields and check outcomes expected (`expected`; dates as YYMMDD, TD1's two optional
fields as `optional_data_1` and `optional_data_2`). Examples marked invalid must read with
`valid=False` and the named checks failing, never raise.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from visabond.documents.mrz import check_digit, parse_mrz

pytestmark = pytest.mark.reference

# The examples date from 1994 to 2021; reading them as of this day fixes every century.
TODAY = date(2025, 6, 1)
TEXT_FIELDS = ("format", "document_code", "issuing_state", "document_number", "nationality",
               "sex", "surname", "given_names", "optional_data")  # fmt: skip


@pytest.fixture(scope="module")
def examples(reference_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((reference_dir / "mrz_icao_examples.json").read_text())
    assert data["vectors"], "the reference file lists no vectors"
    return data


def our_fields(lines: list[str]) -> dict[str, object]:
    """Our reading of a vector in the reference file's vocabulary."""
    result = parse_mrz(lines, today=TODAY)
    fields: dict[str, object] = {name: getattr(result, name) for name in TEXT_FIELDS}
    fields["format"] = result.format.value
    fields["optional_data_1"] = result.optional_data
    fields["optional_data_2"] = result.optional_data_2
    fields["birth_date"] = result.birth_date and result.birth_date.strftime("%y%m%d")
    fields["expiry_date"] = result.expiry_date and result.expiry_date.strftime("%y%m%d")
    fields["checks"] = result.checks
    fields["valid"] = result.valid
    return fields


def test_worked_check_digit_example_of_doc_9303_3(examples: dict[str, Any]) -> None:
    """Doc 9303-3 §4.9 and its appendix: the worked example's digit."""
    worked = examples["icao_part3_appendix_A_worked_example"]
    assert check_digit(worked["data"]) == worked["check_digit"]


def test_every_example_has_the_verdict_its_source_states(examples: dict[str, Any]) -> None:
    """Doc 9303 parts 4 to 7 and 11: official examples are valid, altered ones are not."""
    verdicts = {
        vector["id"]: our_fields(vector["lines"])["valid"] for vector in examples["vectors"]
    }
    expected = {vector["id"]: vector["expected_valid"] for vector in examples["vectors"]}
    assert verdicts == expected


def test_every_example_yields_the_documented_fields(examples: dict[str, Any]) -> None:
    """Every field the file documents for a vector is what we read, to the character."""
    for vector in examples["vectors"]:
        ours = our_fields(vector["lines"])
        for name, value in vector["expected"].items():
            if name != "checks":
                assert ours[name] == value, (vector["id"], name)


def test_every_example_passes_and_fails_the_documented_checks(examples: dict[str, Any]) -> None:
    """Each vector's check digits, by name, pass or fail as documented (Doc 9303-3 §4.9); the
    codes (§5) and the order of the dates, which the file does not list, pass."""
    for vector in examples["vectors"]:
        field_checks = {"issuing_state_code": True, "nationality_code": True, "date_order": True}
        expected = {**vector["expected"]["checks"], **field_checks}
        assert our_fields(vector["lines"])["checks"] == expected, vector["id"]


def test_long_document_number_examples_are_read_whole(examples: dict[str, Any]) -> None:
    """Doc 9303-5 and -6: numbers over nine characters continue in the optional data."""
    long_numbers = [v for v in examples["vectors"] if len(v["expected"]["document_number"]) > 9]
    assert long_numbers, "the reference file no longer has a long-number example"
    for vector in long_numbers:
        ours = our_fields(vector["lines"])
        assert ours["document_number"] == vector["expected"]["document_number"]
        assert ours["valid"] is True
