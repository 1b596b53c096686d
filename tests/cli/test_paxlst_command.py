"""`visabond paxlst parse`: the real console script, as an operator runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "documents" / "paxlst" / "fixtures"
VISABOND = Path(sys.executable).with_name("visabond")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VISABOND), "paxlst", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_parse_prints_flights_persons_documents_and_counts() -> None:
    done = _run("parse", str(FIXTURES / "passport_visa_clean.edi"))
    assert done.returncode == 0, done.stderr
    assert "flight ET ET500" in done.stdout
    assert "leg ADD 2026-01-05 22:30:00 -> IAD 2026-01-06 07:45:00" in done.stdout
    assert "BANDA, AMARA GRACE" in done.stdout
    assert "V B9876543 USA" in done.stdout
    assert "2 persons; CNT+42=2" in done.stdout


def test_every_interchange_of_a_file_is_read() -> None:
    """Two interchanges back to back: both passengers, no "trailing data ignored"."""
    done = _run("parse", str(FIXTURES / "two_interchanges.edi"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    surnames = [p["surname"] for m in document["manifests"] for p in m["persons"]]
    assert surnames == ["WANJIKU", "OTIENO"]
    assert document["warnings"] == []
    assert document["unread"] == []


def test_data_kept_unread_exits_one_and_is_shown() -> None:
    """Junk after UNZ is kept, so the file is read but not whole: exit 1, keep the file."""
    done = _run("parse", str(FIXTURES / "defect_case_blanks_junk.edi"))
    assert done.returncode == 1, done.stderr
    assert "UNREAD segment 43 (byte 838): [trailing-data]" in done.stdout
    assert "'13Jan26'" in done.stdout


def test_a_person_in_doubt_exits_one_and_the_doubt_is_shown() -> None:
    """A name in Windows-1252 under UNOC is not presented as clean."""
    done = _run("parse", str(FIXTURES / "unoc_windows1252_names.edi"))
    assert done.returncode == 1, done.stderr
    assert "DOUBT name: [charset-outside-declared]" in done.stdout
    assert "[charset-outside-declared] byte 0x8A" in done.stdout


def test_warnings_are_printed_and_still_exit_zero() -> None:
    done = _run("parse", str(FIXTURES / "defect_counts.edi"))
    assert done.returncode == 0, done.stderr
    assert "[unt-count-mismatch]" in done.stdout
    assert "[cnt-qualifier-mismatch]" in done.stdout


def test_json_output_carries_manifests_and_warnings() -> None:
    done = _run("parse", str(FIXTURES / "defect_counts.edi"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    (manifest,) = document["manifests"]
    assert manifest["persons"][1]["surname"] == "O'NEILL"
    assert {w["code"] for w in document["warnings"]} >= {"unt-count-mismatch"}


def test_files_holding_parts_of_one_series_are_assembled() -> None:
    parts = [str(FIXTURES / f"body_only_part{n}.edi") for n in (2, 3, 1)]
    document = json.loads(_run("parse", *parts, "--json").stdout)
    (manifest,) = document["manifests"]
    assert manifest["parts"] == [1, 2, 3]
    assert [p["surname"] for p in manifest["persons"]] == ["TEMBO", "MULENGA", "ZULU"]


def test_an_unreadable_file_exits_two_naming_file_segment_and_byte() -> None:
    bad = FIXTURES / "unreadable_junk_in_message.edi"
    done = _run("parse", str(FIXTURES / "passport_visa_clean.edi"), str(bad))
    assert done.returncode == 2
    assert str(bad) in done.stderr
    assert "segment 3 (byte 37)" in done.stderr


def test_a_missing_file_exits_two() -> None:
    done = _run("parse", str(FIXTURES / "no_such_file.edi"))
    assert done.returncode == 2
    assert "no_such_file.edi" in done.stderr
