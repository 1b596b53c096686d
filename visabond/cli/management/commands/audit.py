"""`visabond audit verify|head`: check the audit trail; print its head to keep elsewhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.audit.chain import EMPTY, Head, verify
from visabond.audit.selectors import audit_head, audit_links
from visabond.cli.base import VisabondCommand

EXIT_BROKEN = 1


class Command(VisabondCommand):
    help = "Verify the audit trail, or print its head (SEQ:HASH) to keep outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "verify",
            help="check every entry's hash and link, and the newest entry against the head",
        )
        check.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a head printed earlier by `visabond audit head`: that entry must be unchanged",
        )
        actions.add_parser("head", help="print the newest entry's sequence and hash, SEQ:HASH")

    def run(self, **options: Any) -> int:
        if options["action"] == "head":
            self.stdout.write(str(audit_head() or EMPTY))
            return 0
        expected = (
            Head.parse(options["expect_head"], field="--expect-head")
            if options["expect_head"]
            else None
        )
        count = 0

        def counted() -> Any:
            nonlocal count
            for link in audit_links():
                count += 1
                yield link

        breaks = verify(counted(), head=audit_head(), expected=expected)
        for found in breaks:
            self.stdout.write(f"entry {found.sequence}: {found.problem}")
        verdict = "intact" if not breaks else f"BROKEN ({len(breaks)} problems)"
        self.stdout.write(f"audit trail: {count} entries, {verdict}")
        return EXIT_BROKEN if breaks else 0
