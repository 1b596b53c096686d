"""`visabond requirements`, run as an operator runs it: the installed console script."""

from __future__ import annotations

import json

import pytest

from tests.installation import run_visabond, seeded_installation


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A seeded SQLite database of its own, as the quick start makes one."""
    return seeded_installation(tmp_path_factory.mktemp("cli"))


visabond = run_visabond


def test_json_answer_has_every_documented_field(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        "--issuer",
        "USA",
        "--nationality",
        "MLI",
        "--visa-class",
        "B1/B2",
        "--on",
        "2025-10-24",
        "--known-on",
        "2025-10-20",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["bond_required"] is True
    assert answer["amounts"] == ["5000.00", "10000.00", "15000.00"]
    assert answer["standard_amount"] == "10000.00"
    assert answer["currency"] == "USD"
    assert answer["ports"] == ["BOS", "JFK", "IAD"]
    assert answer["visa"] == {"entries": 1, "validity_days": 90, "max_stay_days": 30}
    assert answer["issuance_suspended"] is False
    assert (answer["effective_from"], answer["effective_to"]) == ("2025-10-23", "2026-08-05")
    assert isinstance(answer["rule_id"], int)
    assert answer["sources"]
    assert answer["mirrored_from"] is None


def test_countries_by_name_ignore_case_and_accents(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        "--issuer",
        "united states",
        "--nationality",
        "SAO TOME AND PRÍNCIPE",
        "--visa-class",
        "b-1/b-2",
        "--on",
        "2025-11-01",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["nationality"] == "STP"


def test_mirrored_rule_explains_itself_in_json(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        "--issuer",
        "MLI",
        "--nationality",
        "USA",
        "--visa-class",
        "SHORT-STAY",
        "--on",
        "2025-11-15",
        "--json",
    )
    mirrored = json.loads(result.stdout)["mirrored_from"]
    assert mirrored["source_issuer"] == "USA"
    assert mirrored["visa_class_mapping"] == {"B1/B2": "SHORT-STAY"}


def test_plain_text_answer_states_the_rule_and_its_source(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        "--issuer",
        "USA",
        "--nationality",
        "Zambia",
        "--visa-class",
        "B1/B2",
        "--on",
        "2025-09-01",
    )
    assert result.returncode == 0
    assert "A visa bond is required of nationals of Zambia" in result.stdout
    assert "Source: Visas: Visa Bond Pilot Program" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--nationality", "Malwi"],
            "nationality: unknown country 'Malwi'; did you mean Malawi (MWI)",
        ),
        (["--on", "2025-02-30"], "on: 2025-02-30 is not a calendar date"),
        (["--on", "tomorrow"], "on: 'tomorrow' is not a date in the form YYYY-MM-DD"),
        (["--visa-class", "Q7"], "visa_class: USA has no visa class 'Q7'"),
        (["--known-on", "2025-13-01"], "known_on: 2025-13-01 is not a calendar date"),
    ],
)
def test_bad_input_exits_2_naming_the_argument(
    environment: dict[str, str], arguments: list[str], message: str
) -> None:
    base = {
        "--issuer": "USA",
        "--nationality": "MLI",
        "--visa-class": "B1/B2",
        "--on": "2025-10-24",
    }
    base |= dict(zip(arguments[::2], arguments[1::2], strict=True))
    result = visabond(environment, "requirements", *[x for pair in base.items() for x in pair])
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_missing_argument_exits_2(environment: dict[str, str]) -> None:
    result = visabond(environment, "requirements", "--issuer", "USA")
    assert result.returncode == 2
    assert "--nationality" in result.stderr


def test_seed_is_idempotent_from_the_command_line(environment: dict[str, str]) -> None:
    result = visabond(environment, "seed")
    assert result.returncode == 0
    assert "seed: 0 steps applied" in result.stdout


def test_a_state_with_no_program_exits_2_with_no_information(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        *("--issuer", "FRA", "--nationality", "MLI", "--visa-class", "ANYTHING"),
        *("--on", "2025-10-24"),
    )
    assert result.returncode == 2
    assert "issuer: visabond has no information about the visa rules of France" in result.stderr
    assert "No visa bond" not in result.stdout + result.stderr


def test_asking_ones_own_state_exits_2(environment: dict[str, str]) -> None:
    result = visabond(
        environment,
        "requirements",
        *("--issuer", "USA", "--nationality", "USA", "--visa-class", "B1/B2"),
    )
    assert result.returncode == 2
    assert "nationality: nationals of the United States need no visa" in result.stderr
