"""Writes of the finance console: a verification of the whole ledger, run and kept.

`ledger verify` reads every transaction (seconds at a million): the console shows the latest
verification kept here, with its moment, who ran it and its figures, and a finance officer
runs a new one on demand. One runs at a time: the database refuses a second `running` row
(`LedgerVerification`'s constraint), so two officers pressing at once get one run and one
refusal. The check itself reads one snapshot outside any write (`selectors.ledger_check`);
only its start and its result are written.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from visabond.audit.actors import Actor, actor_name
from visabond.core import clock
from visabond.core.errors import Conflict, gettext_noop
from visabond.finance.selectors import LedgerCheck, ledger_check
from visabond.ledger.models import LedgerDayClose, LedgerVerification

# A run still `running` after this long died with its process: it no longer blocks a new one.
ABANDONED_AFTER = dt.timedelta(minutes=30)

Outcome = LedgerVerification.Outcome


def ledger_verification_run(*, actor: Actor) -> tuple[LedgerVerification, LedgerCheck]:
    """Run `ledger verify` now and keep its result; returns the kept row and the check.

    An entry point (two short durable transactions around the check, which reads one
    snapshot of its own). Raises `Conflict` (`verification_running`, field `verify`) while
    another run is going, naming when it started and who started it.
    """
    started = _started(actor)
    try:
        check = ledger_check()
    except BaseException:
        with transaction.atomic(durable=True):
            LedgerVerification.objects.filter(pk=started.pk).update(
                outcome=Outcome.ABANDONED, finished_at=clock.now()
            )
        raise
    with transaction.atomic(durable=True):
        row = LedgerVerification.objects.select_for_update().get(pk=started.pk)
        _fill(row, check)
        row.save()
        _closes_keep(row, check)
    return row, check


def ledger_verification_record(
    *, check: LedgerCheck, started_at: dt.datetime, actor: Actor
) -> LedgerVerification:
    """Keep the result of a check already run (`visabond ledger verify`, which runs whatever
    else is running, as it always did). An entry point."""
    with transaction.atomic(durable=True):
        row = LedgerVerification(started_at=started_at, ran_by=actor_name(actor))
        _fill(row, check)
        row.save()
        _closes_keep(row, check)
    return row


def _started(actor: Actor) -> LedgerVerification:
    """The row of a run that starts now, or `Conflict` while another runs."""
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            LedgerVerification.objects.filter(
                outcome=Outcome.RUNNING, started_at__lt=now - ABANDONED_AFTER
            ).update(outcome=Outcome.ABANDONED, finished_at=now)
            return LedgerVerification.objects.create(
                started_at=now, ran_by=actor_name(actor), outcome=Outcome.RUNNING
            )
    except IntegrityError:
        running = LedgerVerification.objects.filter(outcome=Outcome.RUNNING).first()
        raise Conflict(
            gettext_noop("a verification of the ledger is running (started %(at)s by %(who)s)"),
            code="verification_running",
            field="verify",
            params={
                "at": "" if running is None else running.started_at.isoformat(timespec="seconds"),
                "who": "" if running is None else running.ran_by,
            },
        ) from None


def _closes_keep(row: LedgerVerification, check: LedgerCheck) -> None:
    """The closing totals of the check's days, for the balances on a day to start from
    (`ledger.selectors.account_balances_on`); those of earlier runs go."""
    LedgerDayClose.objects.bulk_create(
        LedgerDayClose(
            verification=row,
            day=close.day,
            account=close.account,
            currency=close.currency,
            debit=close.debit,
            credit=close.credit,
        )
        for close in check.closes
    )
    LedgerDayClose.objects.filter(verification__lt=row.pk).delete()


def _fill(row: LedgerVerification, check: LedgerCheck) -> None:
    found = check.verification
    row.finished_at = clock.now()
    row.closed_through = check.closed_through
    row.outcome = Outcome.HOLDS if check.holds else Outcome.BROKEN
    row.transactions = found.transactions
    row.entries = found.entries
    row.bonds_checked = check.bonds_checked
    row.seconds = check.seconds
    row.breaks = [str(problem) for problem in check.breaks]
    row.reconciliation = [
        {
            "currency": rec.currency,
            "escrow_cash": rec.escrow_cash.as_string(),
            "claims": [[name, money.as_string()] for name, money in rec.claims],
            "bonds": [
                {
                    "state": held.state,
                    "bonds": held.bonds,
                    "amount": held.amount.as_string(),
                    "accounts": list(held.accounts),
                }
                for held in rec.bonds
            ],
        }
        for rec in check.reconciliation
    ]
