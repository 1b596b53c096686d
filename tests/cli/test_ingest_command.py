"""`visabond ingest paxlst FILE...|DIR`, `reprocess ID` and `list`: what each file became,
exit 1 while one is quarantined, and a quarantined manifest read again after a fix."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.border_world import admit, bonded, grace, manifest_passenger, paxlst
from visabond.border.models import Departure, PaxlstManifest

pytestmark = pytest.mark.usefixtures("pilot")


def ingest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("ingest", *args)
    except SystemExit as exited:
        captured = capsys.readouterr()
        return int(exited.code or 0), captured.out, captured.err
    captured = capsys.readouterr()
    return 0, captured.out, captured.err


def test_a_directory_is_ingested_file_by_file_and_again_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a.edi").write_bytes(paxlst(manifest_passenger()))
    (tmp_path / "b.edi").write_bytes(
        paxlst(manifest_passenger(), route=("ADD", "IAD"), reference="2")
    )
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path))
    assert status == 0
    assert "1 departures, 0 expected arrivals" in out
    assert "0 departures, 1 expected arrivals" in out
    assert out.strip().endswith("2 files, 2 processed, 0 already received, 0 quarantined")
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "a.edi"))
    assert status == 0
    assert "already received as manifest" in out
    assert Departure.objects.count() == 1


def test_a_file_the_readers_cannot_read_is_quarantined_in_its_turn_with_the_parse_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a.edi").write_bytes(b"UNA:+.? '")
    (tmp_path / "b.edi").write_bytes(paxlst(manifest_passenger()))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path))
    assert status == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path / 'a.edi'}: quarantined as manifest")
    assert lines[1].startswith(f"{tmp_path / 'b.edi'}: manifest")
    assert lines[2] == "ingest paxlst: 2 files, 1 processed, 0 already received, 1 quarantined"
    kept = PaxlstManifest.objects.get(source=str(tmp_path / "a.edi"))
    assert (kept.state, kept.error_code) == ("quarantined", "paxlst.empty")
    assert Departure.objects.count() == 1


def test_a_quarantined_file_is_exit_1_and_reprocessed_once_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    raw = re.sub(rb"UNT\+\d+\+", b"UNT+99+", paxlst(manifest_passenger()))
    (tmp_path / "short.edi").write_bytes(raw)
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "short.edi"))
    assert status == 1
    assert "quarantined as manifest" in out
    row = PaxlstManifest.objects.get()
    status, listed, _ = ingest(capsys, "list", "--quarantined")
    assert f"{row.pk:>6}" in listed
    assert "paxlst.unt-count-mismatch" in listed
    status, out, _ = ingest(
        capsys,
        "reprocess",
        str(row.pk),
        "--accept",
        "unt-count-mismatch",
        "--reason",
        "the carrier counts without UNH and UNT; checked by hand",
    )
    assert status == 0, out
    assert "1 departures" in out
    assert Departure.objects.count() == 1


def test_a_missing_file_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = ingest(capsys, "paxlst", str(tmp_path / "nothing.edi"))
    assert status == 2
    assert "nothing.edi: no such file or directory" in err


def series_part(number: int, marker: str, *, total: int = 2) -> bytes:
    return paxlst(
        manifest_passenger() if number == 1 else manifest_passenger(surname="PHIRI"),
        reference=f"00030{number}",
        part=("SER3", number, marker),
        counts=(("42", total),),
    )


def test_a_series_whose_assembled_manifest_is_quarantined_is_said_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    (tmp_path / "a-part1.edi").write_bytes(series_part(1, "C", total=5))
    (tmp_path / "b-part2.edi").write_bytes(series_part(2, "F", total=5))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path))
    whole = PaxlstManifest.objects.get(assembled=True)
    assert whole.state == PaxlstManifest.State.QUARANTINED
    assert status == 1
    lines = out.splitlines()
    assert f"assembled as manifest {whole.pk}, quarantined: {whole.error_code}" in lines[1]
    assert lines[2] == (
        "ingest paxlst: 2 files, 0 processed, 0 already received, 0 quarantined, "
        "2 parts of 1 series assembled and quarantined"
    )


def test_an_unreadable_moment_names_the_form_expected() -> None:
    with pytest.raises(CommandError, match="'tomorrow' is not an ISO 8601 moment, such as"):
        call_command("ingest", "assemble", "--as-of", "tomorrow")


def test_parts_of_a_series_in_separate_files_are_ingested_once_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a-part2.edi").write_bytes(series_part(2, "F"))
    (tmp_path / "b-part1.edi").write_bytes(series_part(1, "C"))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path))
    assert status == 0
    lines = out.splitlines()
    assert "holds part(s) [2] of series SER3: waiting for the rest" in lines[0]
    whole = PaxlstManifest.objects.get(assembled=True)
    assert f"holds part(s) of a series assembled as manifest {whole.pk} (" in lines[1]
    assert "2 passengers, 2 departures" in lines[1]
    # Both files were stored, in the whole their series was assembled into.
    assert lines[2] == (
        "ingest paxlst: 2 files, 2 processed (2 as parts of 1 series assembled), "
        "0 already received, 0 quarantined"
    )
    assert whole.state == PaxlstManifest.State.PROCESSED
    assert Departure.objects.count() == 2


def test_one_plain_manifest_is_one_file_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a.edi").write_bytes(paxlst(manifest_passenger()))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "a.edi"))
    assert status == 0
    assert out.splitlines()[-1] == (
        "ingest paxlst: 1 files, 1 processed, 0 already received, 0 quarantined"
    )


def test_the_same_manifest_twice_in_one_run_is_processed_once_and_already_received_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a.edi").write_bytes(paxlst(manifest_passenger()))
    (tmp_path / "b-resent.edi").write_bytes(paxlst(manifest_passenger()))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path))
    assert status == 0
    assert out.splitlines()[-1] == (
        "ingest paxlst: 2 files, 1 processed, 1 already received, 0 quarantined"
    )
    assert Departure.objects.count() == 1


def test_a_part_alone_is_held_and_completed_by_a_later_run_counts_as_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "part2.edi").write_bytes(series_part(2, "F"))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "part2.edi"))
    assert status == 0
    assert out.splitlines()[-1] == (
        "ingest paxlst: 1 files, 0 processed, 1 parts held for the rest of their series, "
        "0 already received, 0 quarantined"
    )
    (tmp_path / "part1.edi").write_bytes(series_part(1, "C"))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "part1.edi"))
    assert status == 0
    assert out.splitlines()[-1] == (
        "ingest paxlst: 1 files, 1 processed (1 as parts of 1 series assembled), "
        "0 already received, 0 quarantined"
    )
    assert Departure.objects.count() == 2


def test_a_part_sent_again_in_another_interchange_after_assembly_is_already_received(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a-part1.edi").write_bytes(series_part(1, "C"))
    (tmp_path / "b-part2.edi").write_bytes(series_part(2, "F"))
    ingest(capsys, "paxlst", str(tmp_path))
    # The same part under another interchange reference: new bytes, the same part.
    again = paxlst(
        manifest_passenger(), reference="000309", part=("SER3", 1, "C"), counts=(("42", 2),)
    )
    (tmp_path / "c-part1-resent.edi").write_bytes(again)
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "c-part1-resent.edi"))
    assert status == 0
    assert "received again after their series was assembled" in out
    assert out.splitlines()[-1] == (
        "ingest paxlst: 1 files, 0 processed, 1 already received, 0 quarantined"
    )
    assert Departure.objects.count() == 2


def test_assemble_holds_a_series_short_of_parts_after_its_wait_for_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    (tmp_path / "part1.edi").write_bytes(series_part(1, "C"))
    ingest(capsys, "paxlst", str(tmp_path))
    received = PaxlstManifest.objects.get().received_at
    early = (received + dt.timedelta(hours=23)).isoformat()
    status, out, _ = ingest(capsys, "assemble", "--as-of", early)
    assert (status, out.strip()) == (0, "ingest assemble: 0 series assembled with parts missing")
    late = (received + dt.timedelta(hours=25)).strftime("%Y-%m-%dT%H:%M:%S")
    status, out, _ = ingest(capsys, "assemble", "--as-of", late)
    assert status == 0
    assert "paxlst.multipart-missing" in out
    assert out.strip().endswith("1 series assembled with parts missing")
    assert PaxlstManifest.objects.get(assembled=True).state == PaxlstManifest.State.QUARANTINED


def test_an_empty_file_is_refused_by_name_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bonded()
    admit(grace())
    (tmp_path / "a.edi").write_bytes(b"")
    (tmp_path / "b.edi").write_bytes(paxlst(manifest_passenger()))
    status, out, _ = ingest(capsys, "paxlst", str(tmp_path / "a.edi"), str(tmp_path / "b.edi"))
    assert status == 1
    lines = out.strip().splitlines()
    assert lines[0] == f"{tmp_path / 'a.edi'}: refused, nothing stored: the manifest is empty"
    assert lines[1].startswith(f"{tmp_path / 'b.edi'}: manifest")
    assert lines[2] == (
        "ingest paxlst: 2 files, 1 processed, 0 already received, 0 quarantined, 1 refused"
    )
    assert Departure.objects.count() == 1


def test_what_a_directory_holds_besides_regular_files_is_named_not_read_and_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A subdirectory's manifests were skipped unsaid, a link was followed out of the
    directory, and a FIFO blocked the run."""
    bonded()
    admit(grace())
    given = tmp_path / "given"
    (given / "sub").mkdir(parents=True)
    (given / "sub" / "inside.edi").write_bytes(paxlst(manifest_passenger(), reference="7"))
    (given / "b.edi").write_bytes(paxlst(manifest_passenger()))
    outside = tmp_path / "outside.txt"
    outside.write_text("not for the border")
    (given / "c-link").symlink_to(outside)
    (given / "d-dangling").symlink_to(tmp_path / "nothing")
    os.mkfifo(given / "e-fifo")
    status, out, _ = ingest(capsys, "paxlst", str(given))
    assert status == 1
    said = out.strip().splitlines()
    assert said[:4] == [
        f"{given / 'c-link'}: not read: a symbolic link (name its target to read it)",
        f"{given / 'd-dangling'}: not read: a symbolic link (name its target to read it)",
        f"{given / 'e-fifo'}: not read: not a regular file",
        f"{given / 'sub'}: not read: a directory inside the one given (name it to read it)",
    ]
    assert said[4].startswith(f"{given / 'b.edi'}: manifest")
    assert said[5] == (
        "ingest paxlst: 1 files, 1 processed, 0 already received, 0 quarantined, 4 not read"
    )
    assert PaxlstManifest.objects.count() == 1
    status, out, _ = ingest(capsys, "paxlst", str(given / "e-fifo"))
    assert (status, out.splitlines()[0]) == (1, f"{given / 'e-fifo'}: not read: not a regular file")
    status, out, _ = ingest(capsys, "paxlst", str(given / "sub"))
    assert status == 0
    assert PaxlstManifest.objects.count() == 2
