"""`visabond reminders send [--as-of DATE]`: remind obligors of the ports before travel and of
the last day of their stay before it (`visabond.border.reminders`), each once per bond and
kind, in the obligor's language; prints how many of each were sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.border.reminder_services import reminders_send
from visabond.border.reminders import LAST_DAY_LEAD_DAYS
from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.dates import parse_optional_date

LABELS = {
    "ports": "ports to use, before travel",
    "last_day": f"last day of the stay, within {LAST_DAY_LEAD_DAYS} days",
}


class Command(VisabondCommand):
    help = "Reminders to obligors: the designated ports before travel, the last day of the stay."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        send = actions.add_parser("send", help="send every reminder due and not sent before")
        send.add_argument("--as-of", help="the day to remind as of, YYYY-MM-DD (default: today)")

    def run(self, **options: Any) -> int:
        as_of = parse_optional_date(options["as_of"], field="--as-of") or clock.today()
        counts = reminders_send(as_of=as_of, actor="visabond reminders send")
        self.stdout.write(f"reminders as of {as_of}: {sum(counts.values())} sent")
        for kind, count in counts.items():
            self.stdout.write(f"{count:>8}  {LABELS[kind]}")
        return 0
