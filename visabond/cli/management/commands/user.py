"""`visabond user create`: an account with a role (password from stdin or generated)."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.cli.base import VisabondCommand


class Command(VisabondCommand):
    help = "Create a user with a role, or give an existing user a role."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a user (or add a role to one)")
        create.add_argument("username")
        create.add_argument(
            "--role", action="append", choices=[r.value for r in Role], required=True
        )
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        create.add_argument("--staff", action="store_true", help="may use the Django admin")
        create.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default="en",
            help="the language the person reads (console, notices)",
        )

    def run(self, **options: Any) -> int:
        password = (
            sys.stdin.readline().strip() if options["password_stdin"] else secrets.token_urlsafe(12)
        )
        user, created = user_create(
            username=options["username"],
            password=password,
            roles=[Role(r) for r in options["role"]],
            staff=options["staff"],
            preferred_language=options["language"],
        )
        if created and not options["password_stdin"]:
            self.stdout.write(f"user {user.get_username()} created; password: {password}")
        else:
            self.stdout.write(f"user {user.get_username()}: roles {', '.join(options['role'])}")
        return 0
