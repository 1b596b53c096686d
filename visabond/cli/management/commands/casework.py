"""`visabond casework lapse [--as-of DATE]`: close directions not paid within the program's
period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.casework.services import case_lapse_overdue
from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.dates import parse_optional_date


class Command(VisabondCommand):
    help = "Lapse every bond direction not paid by its deadline (the program's payment period)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        lapse = actions.add_parser("lapse", help="lapse directions unpaid past their deadline")
        lapse.add_argument("--as-of", help="the day to judge by, YYYY-MM-DD (default: today)")

    def run(self, **options: Any) -> int:
        as_of = parse_optional_date(options["as_of"], field="--as-of") or clock.today()
        lapsed = case_lapse_overdue(as_of=as_of, actor="visabond casework lapse")
        for reference in lapsed:
            self.stdout.write(f"lapsed {reference}")
        self.stdout.write(f"casework lapse: {len(lapsed)} cases lapsed as of {as_of}")
        return 0
