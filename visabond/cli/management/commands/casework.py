"""`visabond casework lapse [--as-of DATE]`: close directions not paid within the program's
period; `visabond casework assign USERNAME --post CODE`: the post a consular officer or cashier
works at."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser

from visabond.casework.services import case_lapse_overdue, post_assign
from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.dates import parse_optional_date
from visabond.core.errors import NotFound


class Command(VisabondCommand):
    help = "Lapse unpaid bond directions; assign a consular officer or cashier to a post."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        lapse = actions.add_parser("lapse", help="lapse directions unpaid past their deadline")
        lapse.add_argument("--as-of", help="the day to judge by, YYYY-MM-DD (default: today)")
        assign = actions.add_parser("assign", help="the post a person works at (their cases)")
        assign.add_argument("username")
        assign.add_argument("--post", required=True, help="the post's code, e.g. lilongwe")

    def run(self, **options: Any) -> int:
        if options["action"] == "assign":
            return self._assign(options["username"], options["post"])
        as_of = parse_optional_date(options["as_of"], field="--as-of") or clock.today()
        lapsed = case_lapse_overdue(as_of=as_of, actor="visabond casework lapse")
        for reference in lapsed:
            self.stdout.write(f"lapsed {reference}")
        self.stdout.write(f"casework lapse: {len(lapsed)} cases lapsed as of {as_of}")
        return 0

    def _assign(self, username: str, post: str) -> int:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise NotFound(
                f"there is no user {username!r}", code="user_not_found", field="username"
            )
        assignment = post_assign(user=user, post_code=post, actor="visabond casework assign")
        self.stdout.write(f"{username} works at {assignment.post.name}")
        return 0
