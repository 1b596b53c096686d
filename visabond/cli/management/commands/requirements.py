"""`visabond requirements`: what an issuing state requires of an applicant, on a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.policy.presenters import requirement_text
from visabond.policy.selectors import requirement_lookup


class Command(VisabondCommand):
    help = "Look up the bond and visa requirements for a nationality, visa class and date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", required=True, help="issuing state: ISO alpha-3 or name")
        parser.add_argument("--nationality", required=True, help="applicant's nationality")
        parser.add_argument("--visa-class", required=True, help="e.g. B1/B2")
        parser.add_argument("--on", help="date of application, YYYY-MM-DD (default: today)")
        parser.add_argument("--known-on", help="count only what was announced by this date")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def run(self, **options: Any) -> int:
        answer = requirement_lookup(
            issuer=options["issuer"],
            nationality=options["nationality"],
            visa_class=options["visa_class"],
            on=options["on"] or clock.today(),
            known_on=options["known_on"],
        )
        if options["json"]:
            self.print_json(answer.to_json_dict())
        else:
            self.stdout.write(requirement_text(answer.to_json_dict()))
        return 0
