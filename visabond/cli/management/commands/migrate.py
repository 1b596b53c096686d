"""`visabond migrate`: Django's migrate, after adopting a pre-existing user table.

A database created before `accounts.User` existed is upgraded in place: see
`visabond.accounts.legacy`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate
from django.db import connections

from visabond.accounts.legacy import adopt_auth_user_table


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if adopt_auth_user_table(connections[options["database"]]) and options["verbosity"]:
            self.stdout.write("Adopted the existing auth_user table as accounts.User.")
        super().handle(*args, **options)
