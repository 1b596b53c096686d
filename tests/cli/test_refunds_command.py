"""`visabond refunds batch|confirm|escrow-account|clock` from the operator's shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.casework_world import person, world
from tests.refunds_world import cancelled_bond, end_to_end_ids, escrow_usd, status_report
from visabond.accounts.roles import Role
from visabond.bonds.lifecycle import BondState
from visabond.refunds.models import ConfirmationFile, EscrowAccount, RefundBatch

pytestmark = pytest.mark.usefixtures("pilot")


def refunds(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `visabond refunds ARGS`; its exit status, standard output and error."""
    try:
        call_command("refunds", *args)
        status = 0
    except SystemExit as exited:
        status = int(exited.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_batch_writes_the_pain001_file_and_says_how_many_transfers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cancelled_bond(world())
    escrow_usd()
    output = tmp_path / "refunds.xml"
    status, _, err = refunds(capsys, "batch", "--output", str(output))
    batch = RefundBatch.objects.get()
    assert status == 0
    assert output.read_text(encoding="utf-8") == batch.document
    assert f"refunds batch {batch.message_id}: 1 transfers written to {output}" in err


def test_batch_with_nothing_due_says_so_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = refunds(capsys, "batch", "--output", str(tmp_path / "x.xml"))
    assert (status, out) == (0, "")
    assert "nothing to send" in err
    assert not (tmp_path / "x.xml").exists()


def test_batch_names_what_is_waiting_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    bond = cancelled_bond(world(), with_account=False)
    escrow_usd()
    _, _, err = refunds(capsys, "batch")
    assert f"bond {bond.number}: the obligor has not given a refund account" in err


def test_batch_by_someone_who_is_not_a_finance_officer_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    person("clerk", Role.CASHIER)
    status, _, err = refunds(capsys, "batch", "--by", "clerk")
    assert status == 2
    assert "finance officer" in err


def test_confirm_pays_then_the_same_file_again_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bond = cancelled_bond(world())
    escrow_usd()
    refunds(capsys, "batch", "--by", person("finance", Role.FINANCE_OFFICER).username)
    document = RefundBatch.objects.get().document
    (sent,) = end_to_end_ids(document)
    report = tmp_path / "pain002.xml"
    report.write_bytes(status_report(document, {sent: "ACSC"}))
    status, out, _ = refunds(capsys, "confirm", str(report))
    assert status == 0
    assert f"paid {sent}" in out
    assert "pain002.xml: 1 paid, 0 rejected, 0 pending" in out
    bond.refresh_from_db()
    assert bond.state == BondState.REFUNDED
    status, out, _ = refunds(capsys, "confirm", str(report))
    assert (status, out.strip()) == (0, "pain002.xml: already imported, nothing changed")


def test_confirm_naming_an_unknown_transfer_exits_2_and_keeps_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cancelled_bond(world())
    escrow_usd()
    refunds(capsys, "batch")
    document = RefundBatch.objects.get().document
    report = tmp_path / "bad.xml"
    report.write_bytes(status_report(document, {"R-ZZZZ-ZZZZ-1": "ACSC"}))
    status, _, err = refunds(capsys, "confirm", str(report))
    assert status == 2
    assert "OrgnlEndToEndId" in err
    assert "R-ZZZZ-ZZZZ-1" in err
    assert ConfirmationFile.objects.get().state == "held"
    status, _, err = refunds(capsys, "confirm", "--reprocess")
    assert status == 1
    assert "still held" in err


def test_confirm_of_a_missing_file_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = refunds(capsys, "confirm", "/nonexistent/pain002.xml")
    assert status == 2
    assert "file: cannot read /nonexistent/pain002.xml" in err


def test_escrow_account_is_recorded_checked(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = refunds(
        capsys,
        "escrow-account",
        "usd",
        "--holder",
        "US Department of State",
        "--country",
        "US",
        "--account-number",
        "4000123456",
        "--routing-number",
        "021000021",
    )
    assert status == 0
    assert "escrow account USD: US Department of State, 4000123456 (USABA 021000021)" in out
    assert EscrowAccount.objects.get().routing_number == "021000021"
    status, _, err = refunds(
        capsys, "escrow-account", "USD", "--holder", "X", "--country", "GB", "--iban", "GB00"
    )
    assert status == 2
    assert "iban:" in err


def test_clock_lists_each_cancelled_bond_against_the_promise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bond = cancelled_bond(world())
    status, out, _ = refunds(capsys, "clock")
    assert status == 0
    assert f"{bond.number} 10,000.00 USD cancelled 2025-09-01: day" in out
