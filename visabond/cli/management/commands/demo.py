"""`visabond demo load`: DEMO accounts (one per role) and cases at every stage, for a
development installation only (DEBUG on, never the production settings)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.test.utils import override_settings

from visabond.cli.base import VisabondCommand
from visabond.demo.loader import ACCOUNTS, demo_load


class Command(VisabondCommand):
    help = "Load DEMO data: an account per role and cases at every stage (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create the demo accounts and cases (once)")

    def run(self, **options: Any) -> int:
        # The stories' notices are recorded as sent, not printed among the passwords.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            report = demo_load()
        self.stdout.write("DEMO accounts (passwords shown once; never use them in production):")
        for account in ACCOUNTS:
            where = f" at {account.post}" if account.post else ""
            self.stdout.write(
                f"  {account.username:<24} {account.role.value}{where} ({account.language}); "
                f"password: {report.passwords[account.username]}"
            )
        states: dict[str, int] = {}
        for _, _, state in report.cases:
            states[state] = states.get(state, 0) + 1
        summary = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        self.stdout.write(f"DEMO cases: {len(report.cases)} ({summary})")
        return 0
