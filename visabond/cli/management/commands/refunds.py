"""`visabond refunds batch|confirm|escrow-account|clock`: money going back to obligors.

batch    put every refund due into an ISO 20022 pain.001 file for the bank
confirm  import the bank's pain.002 status report (paid, rejected), or retry held reports
escrow-account  record the program's account a currency's refunds are paid from
clock    days since each cancellation against the program's promise
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from visabond.accounts.models import User
from visabond.audit.actors import Actor
from visabond.cli.base import VisabondCommand
from visabond.core.errors import InvalidInput, NotFound, VisabondError
from visabond.refunds.account_services import escrow_account_record
from visabond.refunds.confirmation_services import (
    ConfirmationOutcome,
    refund_confirmation_import,
    refund_confirmations_reprocess,
)
from visabond.refunds.selectors import refund_clocks
from visabond.refunds.services import refund_batch_create


class Command(VisabondCommand):
    help = "Refunds: the outbound pain.001 batch, the bank's pain.002 reports, the escrow account."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        batch = actions.add_parser("batch", help="put every refund due into a pain.001 file")
        batch.add_argument("--output", help="write the file here (default: standard output)")
        confirm = actions.add_parser("confirm", help="import the bank's pain.002 status report")
        confirm.add_argument("file", nargs="?", help="the pain.002 file")
        confirm.add_argument("--reprocess", action="store_true", help="try every held report again")
        escrow = actions.add_parser(
            "escrow-account", help="record the account refunds in CURRENCY are paid from"
        )
        escrow.add_argument("currency")
        escrow.add_argument("--holder", required=True, help="the account holder's name")
        escrow.add_argument("--country", required=True, help="the bank's country")
        escrow.add_argument("--iban", default="")
        escrow.add_argument("--account-number", default="")
        escrow.add_argument("--bic", default="")
        escrow.add_argument("--routing-number", default="")
        actions.add_parser("clock", help="each cancelled bond's refund clock, longest first")
        for sub in (batch, confirm, escrow):
            sub.add_argument("--by", help="the finance officer's user name (default: operator)")

    def run(self, **options: Any) -> int:
        action = options["action"]
        if action == "clock":
            return self._clock()
        actor = _actor(options.get("by"), default=f"visabond refunds {action}")
        if action == "batch":
            return self._batch(actor, output=options["output"])
        if action == "confirm":
            return self._confirm(actor, path=options["file"], reprocess=options["reprocess"])
        account = escrow_account_record(
            currency=options["currency"],
            holder_name=options["holder"],
            country=options["country"],
            iban=options["iban"],
            account_number=options["account_number"],
            bic=options["bic"],
            routing_number=options["routing_number"],
            actor=actor,
        )
        self.stdout.write(
            f"escrow account {account.currency}: {account.holder_name}, "
            f"{account.bank_account().account_label} ({account.bank_account().bank_label})"
        )
        return 0

    def _batch(self, actor: Actor, *, output: str | None) -> int:
        outcome = refund_batch_create(actor=actor)
        for number, why in outcome.waiting:
            self.stderr.write(f"waiting {number}: {why}")
        if outcome.batch is None:
            self.stderr.write("refunds batch: nothing to send")
            return 0
        if output:
            Path(output).write_text(outcome.batch.document, encoding="utf-8")
        else:
            self.stdout.write(outcome.batch.document)
        self.stderr.write(
            f"refunds batch {outcome.batch.message_id}: {len(outcome.transfers)} transfers"
            + (f" written to {output}" if output else "")
        )
        return 0

    def _confirm(self, actor: Actor, *, path: str | None, reprocess: bool) -> int:
        if reprocess:
            results = refund_confirmations_reprocess(actor=actor)
            failed = 0
            for result in results:
                if isinstance(result, VisabondError):
                    failed += 1
                    self.stderr.write(f"still held: {result}")
                else:
                    self._print(result)
            self.stdout.write(f"refunds confirm: {len(results) - failed} of {len(results)} held")
            return 1 if failed else 0
        if not path:
            raise InvalidInput("name the pain.002 file", code="file_missing", field="file")
        try:
            content = Path(path).read_bytes()
        except OSError as error:
            raise InvalidInput(
                f"cannot read {path}: {error.strerror}", code="file_unreadable", field="file"
            ) from None
        self._print(refund_confirmation_import(content=content, name=Path(path).name, actor=actor))
        return 0

    def _print(self, outcome: ConfirmationOutcome) -> None:
        name = outcome.file.name or outcome.file.sha256[:12]
        if outcome.already:
            self.stdout.write(f"{name}: already imported, nothing changed")
            return
        for label, ids in (
            ("paid", outcome.paid),
            ("rejected", outcome.rejected),
            ("pending", outcome.interim),
        ):
            for end_to_end_id in ids:
                self.stdout.write(f"{label} {end_to_end_id}")
        self.stdout.write(
            f"{name}: {len(outcome.paid)} paid, {len(outcome.rejected)} rejected, "
            f"{len(outcome.interim)} pending"
        )

    def _clock(self) -> int:
        for row in refund_clocks():
            clock = row.clock
            late = "LATE" if clock.overdue else f"{clock.days_left} days left"
            self.stdout.write(
                f"{row.bond_number} {row.amount} cancelled {clock.cancelled_on}: "
                f"day {clock.days_elapsed} of {clock.promise_days} ({late})"
            )
        return 0


def _actor(username: str | None, *, default: str) -> Actor:
    if not username:
        return default
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"there is no user {username!r}", code="user_not_found", field="--by")
    return user
