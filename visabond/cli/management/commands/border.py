"""`visabond border client add|list|revoke`: the machines that send border records.

A client's key is printed once, at `add`; only its prefix and hash are kept. `--scope` names
each record kind it may send (admission, refused_admission, departure, status_decision,
document_renewal, paxlst).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import CommandParser

from visabond.border.client_services import border_client_add, border_client_revoke
from visabond.border.records import RecordKind
from visabond.border.selectors import border_clients
from visabond.cli.base import VisabondCommand


class Command(VisabondCommand):
    help = "Machine clients of the border API: add (key printed once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        client = actions.add_parser("client", help="machine clients and their keys")
        verbs = client.add_subparsers(dest="verb", required=True, metavar="VERB")
        add = verbs.add_parser("add", help="a client and its key, printed once")
        add.add_argument("name", help="the client's name, e.g. cbp-ades or carrier-et")
        add.add_argument(
            "--scope",
            action="append",
            default=[],
            metavar="KIND",
            help="a record kind it may send (repeat): " + ", ".join(k.value for k in RecordKind),
        )
        verbs.add_parser("list", help="name, key prefix, scopes, created, revoked, last used")
        revoke = verbs.add_parser("revoke", help="refuse the client's key from now on")
        revoke.add_argument("name")

    def run(self, **options: Any) -> int:
        actor = f"visabond border client {options['verb']}"
        if options["verb"] == "add":
            client, key = border_client_add(
                name=options["name"], scopes=options["scope"], actor=actor
            )
            self.stdout.write(f"border client {client.name} may send {', '.join(client.scopes)}:")
            self.stdout.write(key)
            self.stdout.write("Give the key to the client now: it is not shown again.")
        elif options["verb"] == "revoke":
            client = border_client_revoke(name=options["name"], actor=actor)
            self.stdout.write(f"border client {client.name} revoked")
        else:
            self.stdout.write(
                f"{'name':<24} {'prefix':<9} {'created':<17} {'revoked':<17} {'last used':<17} scopes"
            )
            for client in border_clients():
                self.stdout.write(
                    f"{client.name[:24]:<24} {client.key_prefix:<9} {_moment(client.created_at):<17} "
                    f"{_moment(client.revoked_at):<17} {_moment(client.last_used_at):<17} "
                    f"{','.join(client.scopes)}"
                )
        return 0


def _moment(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
