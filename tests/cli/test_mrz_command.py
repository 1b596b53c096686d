"""`visabond mrz parse`, run as the installed console script: output and exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VISABOND = Path(sys.executable).with_name("visabond")

TD3_HALVORSEN = (
    "P<UTOHALVORSEN<<SIGRID<ASTRID<<<<<<<<<<<<<<<",
    "H70452X9<3UTO8105174F3305212AB1234567<<<<<16",
)
TD1_SILVA = (
    "I<UTOAB12345671<<<<<<<<<<<<<<<",
    "9207042F3001019UTO<<<<<<<<<<<8",
    "SILVA<<MARIA<LUISA<<<<<<<<<<<<",
)


def visabond_mrz(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VISABOND), "mrz", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_valid_zone_prints_json_and_exits_zero(tmp_path: Path) -> None:
    """Exit 0: every check digit passes; the JSON carries the fields and checks."""
    run = visabond_mrz("parse", *TD3_HALVORSEN, "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["format"], data["surname"], data["valid"]) == ("TD3", "HALVORSEN", True)
    assert data["birth_date"] == "1981-05-17"
    assert all(data["checks"].values())


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_zone_pasted_whole_as_one_argument_is_read_as_its_lines(
    newline: str, tmp_path: Path
) -> None:
    run = visabond_mrz("parse", newline.join(TD3_HALVORSEN), "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["document_number"] == "H70452X9"


def test_three_line_td1_zone_is_accepted(tmp_path: Path) -> None:
    """TD1 zones have three lines; the command takes a third LINE."""
    run = visabond_mrz("parse", *TD1_SILVA, "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["document_number"] == "AB1234567"


def test_failed_check_exits_one_and_json_names_it(tmp_path: Path) -> None:
    """Exit 1: the zone reads but a check digit fails; the JSON says which."""
    wrong_birth_check = TD3_HALVORSEN[1][:19] + "9" + TD3_HALVORSEN[1][20:]
    run = visabond_mrz("parse", TD3_HALVORSEN[0], wrong_birth_check, "--json", cwd=tmp_path)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["valid"] is False
    assert data["checks"]["birth_date"] is False


def test_text_that_is_no_zone_exits_two_with_the_reason(tmp_path: Path) -> None:
    """Exit 2: not a zone of any layout; stderr says why (line lengths)."""
    run = visabond_mrz("parse", TD3_HALVORSEN[0], TD1_SILVA[0], "--json", cwd=tmp_path)
    assert run.returncode == 2
    assert "44/30" in run.stderr
    assert run.stdout == ""


def test_illegal_character_exits_two_naming_line_and_column(tmp_path: Path) -> None:
    """Exit 2 with the position of the character outside A-Z, 0-9 and `<`."""
    damaged = TD3_HALVORSEN[1][:16] + "-" + TD3_HALVORSEN[1][17:]
    run = visabond_mrz("parse", TD3_HALVORSEN[0], damaged, cwd=tmp_path)
    assert run.returncode == 2
    assert "line 2 column 17" in run.stderr


def test_ocr_option_repairs_and_reports_the_change(tmp_path: Path) -> None:
    """--ocr: an O in a date is read as 0, and the JSON lists the correction."""
    misread = TD3_HALVORSEN[1][:15] + "O" + TD3_HALVORSEN[1][16:]
    run = visabond_mrz("parse", TD3_HALVORSEN[0], misread, "--ocr", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["corrections"][0]["column"] == 16


def test_summary_without_json_is_readable(tmp_path: Path) -> None:
    """Without --json the command prints the verdict and fields for a person."""
    run = visabond_mrz("parse", *TD3_HALVORSEN, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("TD3 zone, valid")
    assert "HALVORSEN" in run.stdout
    assert "1981-05-17" in run.stdout


def test_a_birth_date_after_the_expiry_is_read_a_century_earlier(tmp_path: Path) -> None:
    """Exit 0: born 1915 (not 2015), since the passport expired in 2010."""
    zone = (
        "P<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<<<<<<<<06",
    )
    run = visabond_mrz("parse", *zone, "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["birth_date"], data["expiry_date"]) == ("1915-01-01", "2010-01-01")


def test_an_unknown_nationality_code_exits_one_naming_field_and_code(tmp_path: Path) -> None:
    """Exit 1: an old visa naming nationality BOS is not shown to the officer as valid."""
    zone = ("VCBIHHADZIC<<AMRA<<<<<<<<<<<<<<<<<<<", "B7731025<8BOS7803129F9903126<<<<<<<<")
    run = visabond_mrz("parse", *zone, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("MRVB zone, INVALID: nationality_code")
    assert "nationality 'BOS' is not an ISO 3166-1 alpha-3 or ICAO code" in run.stdout


def test_the_french_card_of_1988_exits_two_naming_its_layout(tmp_path: Path) -> None:
    """Exit 2: a known national layout outside Doc 9303 is refused by name."""
    zone = ("IDFRAMARTIN<<<<<<<<<<<<<<<<<<<750123", "1207750123451ELODIE<<ANNE<<8503127F1")
    run = visabond_mrz("parse", *zone, cwd=tmp_path)
    assert run.returncode == 2
    assert "French national identity card, 1988-2021 layout" in run.stderr
