"""`visabond audit verify`: check the audit trail's hash chain; exit 1 on any edit or deletion."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.audit.chain import verify
from visabond.audit.services import audit_links
from visabond.cli.base import VisabondCommand

EXIT_BROKEN = 1


class Command(VisabondCommand):
    help = "Verify the audit trail: every entry chained to the one before, none edited or missing."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="check the hash chain of every audit entry")

    def run(self, **options: Any) -> int:
        links = audit_links()
        breaks = verify(links)
        for found in breaks:
            self.stdout.write(f"entry {found.sequence}: {found.problem}")
        verdict = "intact" if not breaks else f"BROKEN ({len(breaks)} problems)"
        self.stdout.write(f"audit trail: {len(links)} entries, {verdict}")
        return EXIT_BROKEN if breaks else 0
