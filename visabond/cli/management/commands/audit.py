"""`visabond audit verify|head`: check the audit trail; print its head to keep elsewhere.

Exit 0 when the trail is intact, 1 when it is broken (an entry changed, a link cut, the
tail or every entry deleted), 2 for bad input, 3 when there is no audit trail to read (no
database, or one never migrated). The chain covers the audit entries only: a registry row
edited in the database behind the services' back is not an audit entry, and changes no hash.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError

from visabond.audit.chain import EMPTY, Head, verify
from visabond.audit.selectors import audit_entries_ever_numbered, audit_head, audit_links
from visabond.cli.base import VisabondCommand

EXIT_BROKEN = 1
EXIT_NO_TRAIL = 3


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
        try:
            return self._run(**options)
        except DatabaseError as error:
            self.stderr.write(
                f"visabond audit: there is no audit trail to read ({error}): check "
                "DATABASE_URL or VISABOND_DATA_DIR, and run `visabond migrate` on a new database"
            )
            return EXIT_NO_TRAIL

    def _run(self, **options: Any) -> int:
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
        problems = len(breaks)
        numbered = audit_entries_ever_numbered()
        if count == 0 and numbered:
            # An empty chain links up; the key counter remembers the entries written.
            self.stdout.write(
                f"the trail is empty, but {numbered} entries were written: they were deleted"
            )
            problems += 1
        verdict = "intact" if not problems else f"BROKEN ({problems} problems)"
        self.stdout.write(f"audit trail: {count} entries, {verdict}")
        return EXIT_BROKEN if problems else 0
