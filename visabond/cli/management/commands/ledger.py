"""`visabond ledger verify|report`: check the ledger's invariants; balances on a day."""

from __future__ import annotations

import csv
import time
from typing import Any

from django.core.management.base import CommandParser

from visabond.bonds.selectors import bond_ledger_breaks, bond_totals_by_state
from visabond.cli.base import VisabondCommand
from visabond.core.dates import parse_optional_date
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances, ledger_verify

EXIT_BROKEN = 1


class Command(VisabondCommand):
    help = "Verify the ledger (exit 1 on any break) or report balances as of a day."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify",
            help="check that every transaction balances, no account is negative, cash equals "
            "the claims on it, and each bond's balances fit its state",
        )
        report = actions.add_parser("report", help="balances by currency and bonds by state")
        report.add_argument("--as-of", help="balances at the end of this day (UTC), YYYY-MM-DD")
        report.add_argument("--format", choices=["table", "csv"], default="table")

    def run(self, **options: Any) -> int:
        if options["action"] == "report":
            self._report(as_of=options["as_of"], fmt=options["format"])
            return 0
        started = time.perf_counter()
        found = ledger_verify()
        bonds, bond_breaks = bond_ledger_breaks()
        found.breaks += bond_breaks
        elapsed = time.perf_counter() - started
        for problem in found.breaks:
            self.stdout.write(str(problem))
        self._reconciliation()
        verdict = "holds" if found.holds else f"BROKEN ({len(found.breaks)} problems)"
        self.stdout.write(
            f"ledger: {found.transactions} transactions, {found.entries} entries, "
            f"{bonds} bonds checked in {elapsed:.2f} s: {verdict}"
        )
        return 0 if found.holds else EXIT_BROKEN

    def _reconciliation(self) -> None:
        balances = account_balances()
        for currency in sorted({c for _, c in balances}):
            cash = balances.get((Account.ESCROW_CASH, currency), 0)
            parts = ", ".join(
                f"{account.value} {balances.get((account, currency), 0)}"
                for account in Account
                if account is not Account.ESCROW_CASH
            )
            self.stdout.write(f"{currency}: escrow_cash {cash} = {parts}")
        for total in bond_totals_by_state():
            self.stdout.write(
                f"bonds {total.state} {total.currency}: {total.bonds} ({total.amount})"
            )

    def _report(self, *, as_of: str | None, fmt: str) -> None:
        day = parse_optional_date(as_of, field="--as-of")
        balances = account_balances(as_of=day)
        rows = [
            (account.value, currency, str(balance))
            for (account, currency), balance in sorted(balances.items())
        ]
        if fmt == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["account", "currency", "balance"])
            writer.writerows(rows)
            return
        self.stdout.write(f"balances at the end of {day or 'today'} (UTC)")
        for account, currency, balance in rows:
            self.stdout.write(f"{account:<24} {currency} {balance:>20}")
