"""`visabond ledger verify|report|reverse`: check the ledger's invariants; balances on a day;
a finance officer's correction."""

from __future__ import annotations

import csv
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser

from visabond.bonds.balances import expected_bond_balances
from visabond.bonds.lifecycle import BondState
from visabond.bonds.selectors import StateTotal, bond_ledger_breaks, bond_totals_by_state
from visabond.cli.base import VisabondCommand
from visabond.core.dates import parse_optional_date
from visabond.core.money import Money
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances, ledger_verify, one_snapshot
from visabond.ledger.services import ledger_reverse
from visabond.refunds.selectors import refund_ledger_breaks

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
        started = time.perf_counter()
        with one_snapshot():
            found = ledger_verify()
            bonds, bond_breaks = bond_ledger_breaks()
            found.breaks += bond_breaks
            totals = bond_totals_by_state()
            cancelled = {t.currency: t.amount for t in totals if t.state == BondState.CANCELLED}
            found.breaks += refund_ledger_breaks(balances=found.balances, cancelled=cancelled)
        elapsed = time.perf_counter() - started
        for problem in found.breaks:
            self.stdout.write(str(problem))
        self._reconciliation(found.balances, totals)
        verdict = "holds" if found.holds else f"BROKEN ({len(found.breaks)} problems)"
        self.stdout.write(
            f"ledger: {found.transactions} transactions, {found.entries} entries, "
            f"{bonds} bonds checked in {elapsed:.2f} s: {verdict}"
        )
        return 0 if found.holds else EXIT_BROKEN

    def _reconciliation(
        self, balances: dict[tuple[Account, str], Decimal], totals: list[StateTotal]
    ) -> None:
        """Per currency, cash against the claims on it; then the bonds by state, each with
        the account its money sits in (`balances.expected_bond_balances`)."""
        zero = Decimal(0)
        for currency in sorted({c for _, c in balances} | {t.currency for t in totals}):

            def amount(account: Account, currency: str = currency) -> str:
                return Money(balances.get((account, currency), zero), currency).as_string()

            parts = " + ".join(
                f"{account.value} {amount(account)}"
                for account in Account
                if account is not Account.ESCROW_CASH
            )
            self.stdout.write(f"{currency}: escrow_cash {amount(Account.ESCROW_CASH)} = {parts}")
            for total in totals:
                if total.currency == currency:
                    held = expected_bond_balances(BondState(total.state), Decimal(1))
                    where = [a.value for a, share in held.items() if share] or ["no account"]
                    self.stdout.write(
                        f"{currency} bonds {total.state}: {total.bonds} "
                        f"({Money(total.amount, currency).as_string()}, in {', '.join(where)})"
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
