"""`visabond ledger verify` catches every kind of break, made behind the application's back by
raw SQL (where the database's own triggers let it through); `ledger report` gives balances
on a day, as a table or CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.casework_world import PILOT_DAY, posted_case, today_is, world
from tests.conftest import usd
from tests.refunds_world import cancelled_bond, return_payment, unapplied_receipt
from visabond.bonds.models import Bond
from visabond.ledger.models import LedgerTransaction

pytestmark = pytest.mark.usefixtures("pilot")

NEW_TRANSACTION = (
    "INSERT INTO ledger_ledgertransaction (key, kind, bond_id, memo, actor_name, posted_at)"
    " VALUES (%s, %s, %s, '', 'raw sql', CURRENT_TIMESTAMP)"
)
NEW_ENTRY = (
    "INSERT INTO ledger_ledgerentry (transaction_id, account, side, amount, currency)"
    " SELECT id, %s, %s, %s, %s FROM ledger_ledgertransaction WHERE key = %s"
)


def raw(*statements: tuple[str, Sequence[object]]) -> None:
    """Run SQL behind the application's back, in one transaction of its own."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def movement(
    key: str,
    kind: str,
    debit: str,
    credit: str,
    amount: int,
    *,
    bond: int | None = None,
    currency: str = "USD",
) -> tuple[tuple[str, Sequence[object]], ...]:
    """A balanced two-line transaction, written by raw SQL."""
    return (
        (NEW_TRANSACTION, [key, kind, bond]),
        (NEW_ENTRY, [debit, "D", amount, currency, key]),
        (NEW_ENTRY, [credit, "C", amount, currency, key]),
    )


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's triggers refuse this break (tests/ledger/test_database_guards)")


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        call_command("ledger", "verify")
        status = 0
    except SystemExit as exited:
        status = int(exited.code or 0)
    return status, capsys.readouterr().out


def broken(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    status, out = verify(capsys)
    assert status == 1, out
    assert "BROKEN" in out
    for text in expected:
        assert text in out, out
    return out


def test_an_intact_ledger_holds_and_prints_the_reconciliation_by_currency_and_state(
    capsys: pytest.CaptureFixture[str],
) -> None:
    people = world()
    cancelled_bond(people)
    unapplied_receipt("PAY-1", usd(700))
    status, out = verify(capsys)
    assert status == 0, out
    assert (
        "USD: escrow_cash 10700.00 = obligor_liability 0.00 + refunds_payable 10000.00"
        " + forfeited_to_treasury 0.00 + unapplied_receipts 700.00"
    ) in out
    assert "USD bonds cancelled: 1 (10000.00, in refunds_payable)" in out
    assert out.strip().endswith("holds")


def test_an_unbalanced_transaction_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_only()
    posted_case(world())
    raw(
        (NEW_TRANSACTION, ["forged", "receipt_unapplied", None]),
        (NEW_ENTRY, ["escrow_cash", "D", 100, "USD", "forged"]),
        (NEW_ENTRY, ["unapplied_receipts", "C", 90, "USD", "forged"]),
    )
    broken(
        capsys,
        "balanced: transaction forged: USD debits exceed credits by 10",
        "reconciled: USD: escrow cash 10100.00 != claims on it 10090.00",
    )


def test_a_deleted_line_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_only()
    case = posted_case(world())
    posted = LedgerTransaction.objects.get(bond=case.bond)
    raw(("DELETE FROM ledger_ledgerentry WHERE transaction_id = %s AND side = 'C'", [posted.pk]))
    broken(capsys, f"two lines: transaction {posted.key}: 1 line(s)")


def test_a_transaction_with_no_lines_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_only()
    raw((NEW_TRANSACTION, ["empty", "receipt_unapplied", None]))
    broken(capsys, "two lines: transaction empty: 0 line(s)")


def test_an_account_below_zero_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    raw(*movement("paid-twice", "refund_paid", "refunds_payable", "escrow_cash", 500))
    broken(
        capsys,
        "non-negative: escrow_cash USD: balance -500",
        "non-negative: refunds_payable USD: balance -500",
    )


def test_a_movement_on_other_accounts_than_its_kind_names_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = posted_case(world())
    raw(
        *movement(
            "misposted",
            "receipt_applied",
            "escrow_cash",
            "forfeited_to_treasury",
            10,
            bond=case.bond.pk,
        )
    )
    broken(
        capsys,
        "chart: transaction misposted: receipt_applied moves D escrow_cash, C obligor_liability;"
        " this one: C forfeited_to_treasury, D escrow_cash",
    )


def test_a_liability_moved_without_its_bond_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    raw(*movement("nobody", "receipt_applied", "escrow_cash", "obligor_liability", 10))
    broken(capsys, "chart: transaction nobody: receipt_applied moves an obligor's liability")


def test_a_line_on_an_account_outside_the_chart_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw(*movement("petty", "receipt_unapplied", "escrow_cash", "petty_cash", 10))
    broken(capsys, "chart: transaction petty: a line on 'petty_cash', side 'C'")


def test_a_movement_in_two_currencies_is_caught_even_when_each_balances(
    capsys: pytest.CaptureFixture[str],
) -> None:
    usd_side = movement("two", "receipt_unapplied", "escrow_cash", "unapplied_receipts", 10)
    xof_side = (
        (NEW_ENTRY, ["escrow_cash", "D", 6000, "XOF", "two"]),
        (NEW_ENTRY, ["unapplied_receipts", "C", 6000, "XOF", "two"]),
    )
    raw(*usd_side, *xof_side)
    out = broken(capsys, "chart: transaction two: mixes USD and XOF")
    assert "balanced:" not in out


def test_a_reversal_that_names_nothing_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    raw(*movement("orphan", "reversal", "unapplied_receipts", "escrow_cash", 10))
    broken(capsys, "reversal: transaction orphan: reverses no transaction")


def test_a_bond_whose_state_was_edited_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    case = posted_case(world())
    raw(("UPDATE bonds_bond SET state = 'forfeited' WHERE id = %s", [case.bond.pk]))
    broken(
        capsys,
        f"bond balances: bond {case.bond.number} (forfeited): obligor_liability 10000",
        "forfeited_to_treasury 0 (expected 10000",
    )


def test_a_bond_moved_in_another_currency_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    case = posted_case(world())
    raw(
        *movement(
            "xof",
            "receipt_applied",
            "escrow_cash",
            "obligor_liability",
            5000,
            bond=case.bond.pk,
            currency="XOF",
        )
    )
    broken(capsys, f"bond balances: bond {case.bond.number} (posted): lines in XOF, not USD")


def test_a_bond_movement_of_another_amount_than_the_bond_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = posted_case(world())
    raw(
        *movement(
            "part", "receipt_applied", "escrow_cash", "obligor_liability", 5000, bond=case.bond.pk
        )
    )
    broken(
        capsys,
        f"bond balances: bond {case.bond.number} (posted): obligor_liability 15000.00",
        f"bond balances: bond {case.bond.number} (posted): a movement of 5000.00, not its 10000.00",
    )


def test_a_refund_marked_paid_behind_the_banks_back_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    unapplied_receipt("PAY-9", usd(300))
    refund = return_payment("PAY-9", usd(300))
    raw(("UPDATE refunds_refund SET state = 'paid' WHERE id = %s", [refund.pk]))
    broken(
        capsys,
        "refunds: payment returns USD: refunds payable beyond cancelled bonds 300.00 != "
        "returns not yet paid 0",
    )


def test_a_bond_marked_refunded_without_its_refund_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bond = cancelled_bond(world())
    raw(("UPDATE bonds_bond SET state = 'refunded' WHERE id = %s", [bond.pk]))
    broken(
        capsys,
        f"refunds: bond {bond.number}: refunded, but no refund of it is recorded paid",
        f"bond balances: bond {bond.number} (refunded): refunds_payable 10000",
    )


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("ledger", "report", *args)
        status = 0
    except SystemExit as exited:
        status = int(exited.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_report_as_of_a_day_shows_the_balances_at_its_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    posted_case(world())  # paid on the pilot's day, 2025-09-01
    with today_is(PILOT_DAY + dt.timedelta(days=3)):
        unapplied_receipt("PAY-2", usd(250))
    status, out, _ = report(capsys, "--as-of", "2025-09-02")
    assert status == 0
    assert out.splitlines() == [
        "balances at the end of 2025-09-02 (UTC)",
        f"{'escrow_cash':<24} USD {'10000.00':>20}",
        f"{'obligor_liability':<24} USD {'10000.00':>20}",
    ]
    _, later, _ = report(capsys, "--as-of", "2025-09-04")
    assert f"{'escrow_cash':<24} USD {'10250.00':>20}" in later
    assert f"{'unapplied_receipts':<24} USD {'250.00':>20}" in later


def test_report_as_of_the_calendars_last_day_shows_every_posting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    posted_case(world())
    status, out, _ = report(capsys, "--as-of", "9999-12-31")
    assert status == 0
    assert f"{'escrow_cash':<24} USD {'10000.00':>20}" in out


def test_report_as_csv_has_a_header_and_one_row_per_account_and_currency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    posted_case(world())
    status, out, _ = report(capsys, "--as-of", "2025-09-01", "--format", "csv")
    assert status == 0
    assert out.splitlines() == [
        "account,currency,balance",
        "escrow_cash,USD,10000.00",
        "obligor_liability,USD,10000.00",
    ]


def test_report_before_any_money_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    posted_case(world())
    _, out, _ = report(capsys, "--as-of", "2025-08-31", "--format", "csv")
    assert out.splitlines() == ["account,currency,balance"]


def test_report_with_a_malformed_day_exits_2_naming_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = report(capsys, "--as-of", "2025-13-01")
    assert status == 2
    assert "--as-of" in err
    assert Bond.objects.count() == 0


def test_reverse_posts_the_correction_and_refuses_a_bonds_movement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    unapplied_receipt("PAY-3", usd(40))
    call_command("ledger", "reverse", "payment:PAY-3", "--reason", "recorded twice")
    assert capsys.readouterr().out.strip() == "posted reversal:payment:PAY-3"
    case = posted_case(world())
    key = LedgerTransaction.objects.get(bond=case.bond).key
    with pytest.raises(SystemExit) as exited:
        call_command("ledger", "reverse", key, "--reason", "no")
    assert exited.value.code == 2
    assert "key: " in capsys.readouterr().err
