"""`visabond ledger verify|report|reverse`: check the ledger's invariants; balances on a day;
a finance officer's correction."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.dates import parse_optional_date
from visabond.finance.selectors import (
    REPORT_HEADER,
    CurrencyReconciliation,
    ledger_check,
    ledger_report,
)
from visabond.finance.services import ledger_verification_record
from visabond.ledger.services import ledger_reverse

EXIT_BROKEN = 1


class Command(VisabondCommand):
    help = "Verify the ledger (exit 1 on any break) or report balances as of a day."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify",
            help="check that every transaction balances and follows the chart, no account is "
            "negative, cash equals the claims on it, each bond's balances fit its state, and "
            "refunds agree with the ledger; print the reconciliation (exit 1 on any break)",
        )
        report = actions.add_parser("report", help="balances by currency and bonds by state")
        report.add_argument("--as-of", help="balances at the end of this day (UTC), YYYY-MM-DD")
        report.add_argument("--format", choices=["table", "csv"], default="table")
        reverse = actions.add_parser(
            "reverse", help="post the reversal of a movement not tied to a bond or a refund"
        )
        reverse.add_argument("key", help="the idempotency key of the movement to reverse")
        reverse.add_argument("--reason", required=True, help="why it is corrected")

    def run(self, **options: Any) -> int:
        if options["action"] == "report":
            self._report(as_of=options["as_of"], fmt=options["format"])
            return 0
        if options["action"] == "reverse":
            row = ledger_reverse(
                key=options["key"], reason=options["reason"], actor="visabond ledger reverse"
            )
            self.stdout.write(f"posted {row.key}")
            return 0
        started = clock.now()
        check = ledger_check()
        # Kept for the finance console, which shows the latest instead of verifying.
        ledger_verification_record(check=check, started_at=started, actor="visabond ledger verify")
        for problem in check.breaks:
            self.stdout.write(str(problem))
        self._reconciliation(check.reconciliation)
        found = check.verification
        verdict = "holds" if check.holds else f"BROKEN ({len(check.breaks)} problems)"
        self.stdout.write(
            f"ledger: {found.transactions} transactions, {found.entries} entries, "
            f"{check.bonds_checked} bonds checked in {check.seconds:.2f} s: {verdict}"
        )
        return 0 if check.holds else EXIT_BROKEN

    def _reconciliation(self, rows: list[CurrencyReconciliation]) -> None:
        """Per currency, cash against the claims on it; then the bonds by state, each with
        the account its money sits in."""
        for row in rows:
            parts = " + ".join(f"{name} {money.as_string()}" for name, money in row.claims)
            self.stdout.write(
                f"{row.currency}: escrow_cash {row.escrow_cash.as_string()} = {parts}"
            )
            for held in row.bonds:
                where = ", ".join(held.accounts) or "no account"
                self.stdout.write(
                    f"{row.currency} bonds {held.state}: {held.bonds} "
                    f"({held.amount.as_string()}, in {where})"
                )

    def _report(self, *, as_of: str | None, fmt: str) -> None:
        day = parse_optional_date(as_of, field="--as-of")
        rows = ledger_report(as_of=day)
        if fmt == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(REPORT_HEADER)
            writer.writerows(rows)
            return
        self.stdout.write(f"balances at the end of {day or 'today'} (UTC)")
        for account, currency, balance in rows:
            self.stdout.write(f"{account:<24} {currency} {balance:>20}")
