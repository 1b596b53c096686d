"""`visabond payments secret add|list|revoke`, `visabond payments reprocess` and `apply`.

The provider's signing secrets (shown once, stored encrypted), kept messages read again, and
the inbox's pending messages applied (catch-up: what the requests left, failures retried;
`--follow`: continuously, as `visabond serve` runs it beside the web workers).
"""

from __future__ import annotations

import os
import signal
from datetime import datetime
from types import FrameType
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.payments.applier import inbox_follow
from visabond.payments.inbox_services import webhook_inbox_apply
from visabond.payments.secret_services import webhook_secret_add, webhook_secret_revoke
from visabond.payments.selectors import (
    webhook_messages_failed,
    webhook_messages_quarantined,
    webhook_secrets_listed,
)
from visabond.payments.webhook_services import webhook_reprocess

EXIT_UNREAD = 1
EXIT_FAILED = 1


class Command(VisabondCommand):
    help = "Manage the payment provider's signing secrets; read kept messages again."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        secret = actions.add_parser("secret", help="the payment provider's signing secrets")
        verbs = secret.add_subparsers(dest="verb", required=True, metavar="VERB")
        add = verbs.add_parser("add", help="generate a secret and print it, once")
        add.add_argument("--label", required=True, help="what it is for, e.g. the provider")
        verbs.add_parser("list", help="id, label, created, revoked, last used (never the value)")
        revoke = verbs.add_parser("revoke", help="refuse messages signed with this secret alone")
        revoke.add_argument("id", type=int)
        reprocess = actions.add_parser(
            "reprocess", help="read kept (quarantined) messages again: all, or one by id"
        )
        reprocess.add_argument("webhook_id", nargs="?", help="one message's webhook-id")
        apply = actions.add_parser(
            "apply",
            help="apply the inbox's pending messages, failed ones again; list what still fails",
        )
        apply.add_argument(
            "--follow",
            action="store_true",
            help="keep applying as messages arrive, until stopped (SIGTERM, SIGINT) or, with "
            "--parent, until that process ends",
        )
        apply.add_argument(
            "--interval",
            type=float,
            default=0.05,
            help="seconds between looks at an empty inbox (--follow)",
        )
        apply.add_argument("--parent", type=int, help="stop when this process ends (--follow)")

    def run(self, **options: Any) -> int:
        if options["action"] == "reprocess":
            return self._reprocess(options["webhook_id"])
        if options["action"] == "apply" and options["follow"]:
            return self._follow(options["interval"], options["parent"])
        if options["action"] == "apply":
            return self._apply()
        actor = f"visabond payments secret {options['verb']}"
        if options["verb"] == "add":
            row, secret = webhook_secret_add(label=options["label"], actor=actor)
            self.stdout.write(f"signing secret {row.pk} ({row.label}):")
            self.stdout.write(secret)
            self.stdout.write("Give it to the payment provider now: it is not shown again.")
        elif options["verb"] == "revoke":
            row = webhook_secret_revoke(secret_id=options["id"], actor=actor)
            self.stdout.write(f"signing secret {row.pk} ({row.label}) revoked")
        else:
            self._list()
        return 0

    def _list(self) -> None:
        self.stdout.write(f"{'id':>4}  {'label':<30} {'created':<20} {'revoked':<20} last used")
        for row in webhook_secrets_listed():
            self.stdout.write(
                f"{row.id:>4}  {row.label[:30]:<30} {_moment(row.created_at):<20} "
                f"{_moment(row.revoked_at):<20} {_moment(row.last_used_at)}"
            )

    def _reprocess(self, webhook_id: str | None) -> int:
        ids = (
            [webhook_id]
            if webhook_id
            else list(webhook_messages_quarantined().values_list("webhook_id", flat=True))
        )
        unread = 0
        for each in ids:
            answer = webhook_reprocess(webhook_id=each, actor="visabond payments reprocess")
            if answer.status == 200:
                self.stdout.write(
                    f"{each}: payment {answer.body['payment']} {answer.body['disposition']}"
                )
            else:
                unread += 1
                self.stdout.write(f"{each}: still unreadable: {answer.body.get('message', '')}")
        self.stdout.write(f"payments reprocess: {len(ids) - unread} read, {unread} still kept")
        return EXIT_UNREAD if unread else 0

    def _follow(self, interval: float, parent: int | None) -> int:
        stopped: list[int] = []

        def stop(signum: int, frame: FrameType | None) -> None:
            stopped.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        def done() -> bool:
            # An orphan is re-parented: the server that started it has ended.
            return bool(stopped) or (parent is not None and os.getppid() != parent)

        self.stdout.write("payments apply: following the inbox")
        applied = inbox_follow(stop=done, interval=interval)
        self.stdout.write(f"payments apply: {applied} applied; stopped")
        return 0

    def _apply(self) -> int:
        applied = 0
        while True:
            # Each round applies a batch; messages failing again are left once nothing else is.
            run = webhook_inbox_apply(retry_failed=True)
            applied += len(run.answers)
            if not run.answers:
                break
        for delivery in webhook_messages_failed():
            self.stdout.write(f"{delivery.webhook_id}: not applied: {delivery.apply_error}")
        still = webhook_messages_failed().count()
        self.stdout.write(f"payments apply: {applied} applied, {still} failed (kept, pending)")
        return EXIT_FAILED if still else 0


def _moment(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")
