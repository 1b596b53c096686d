"""Notices to applicants and obligors, by e-mail, in their language, sent only on commit.

`notice_send` is called by an entry point inside its transaction; the message is rendered
and sent by Django's mail framework (the console backend unless configured) after the
transaction commits, so a decision that rolls back never tells anyone anything.
Templates: `notices/<language>/<kind>.txt`, the first line being the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction

from visabond.core.bulk_insert import rows_insert
from visabond.core.writes import within_caller_transaction
from visabond.notices.models import SentNotice
from visabond.notices.rendering import notice_render


class Notice(StrEnum):
    BOND_DIRECTED = "bond_directed"
    PAYMENT_RECEIVED = "payment_received"
    VISA_ISSUED = "visa_issued"
    CASE_REFUSED = "case_refused"
    BOND_CANCELLED = "bond_cancelled"
    REFUND_SENT = "refund_sent"
    BOND_FORFEITED = "bond_forfeited"
    BOND_LAPSED = "bond_lapsed"
    BREACH_SUSPECTED = "breach_suspected"
    FORFEITURE_DECIDED = "forfeiture_decided"
    CONTEST_RECEIVED = "contest_received"
    REMINDER_PORTS = "reminder_ports"
    REMINDER_LAST_DAY = "reminder_last_day"


def notice_send(notice: Notice, *, recipient: AbstractBaseUser, context: dict[str, Any]) -> None:
    """Send `notice` to `recipient` once the caller's transaction commits.

    A step: runs inside the caller's transaction, and only registers the notice with it.
    `context` holds the plain values the template shows (strings, numbers, dates), taken at
    the moment of the decision. The language is the recipient's preferred one.
    """
    with within_caller_transaction("notice_send"):
        frozen = dict(context)
        transaction.on_commit(lambda: notice_deliver(notice, recipient=recipient, context=frozen))


def notices_send_many(
    notices: Sequence[tuple[Notice, AbstractBaseUser, dict[str, Any]]],
) -> None:
    """Send many notices, each (notice, recipient, context) as `notice_send` sends one, once
    the caller's transaction commits: one callback for them all (`notices_deliver_many`).

    A step: runs inside the caller's transaction, and only registers the notices with it.
    """
    with within_caller_transaction("notices_send_many"):
        if not notices:
            return
        frozen = [(notice, recipient, dict(context)) for notice, recipient, context in notices]
        transaction.on_commit(lambda: notices_deliver_many(frozen))


def notices_deliver_many(
    notices: Sequence[tuple[Notice, AbstractBaseUser, dict[str, Any]]],
) -> list[SentNotice]:
    """Render and send many notices now, over one mail connection, and keep what was sent
    in one insert: what `notice_deliver` does for each.

    An entry point, called once the decision's transaction has committed; the records are
    written in a durable transaction of their own, after the mail left.
    """
    rendered = [
        notice_render(notice.value, recipient=recipient, context=context)
        for notice, recipient, context in notices
    ]
    messages = [r.message() for r in rendered if r.address]
    if messages:
        get_connection().send_messages(messages)
    with transaction.atomic(durable=True):
        return rows_insert([r.record() for r in rendered])


def notice_deliver(
    notice: Notice, *, recipient: AbstractBaseUser, context: dict[str, Any]
) -> SentNotice:
    """Render and send one notice now, and keep what was sent.

    An entry point, called once the decision's transaction has committed: the record of
    what was sent is written in a durable transaction of its own, after the mail left.
    `recipient` is the user as the decision read them (address and language), not read again.
    """
    rendered = notice_render(notice.value, recipient=recipient, context=context)
    rendered.message().send()
    with transaction.atomic(durable=True):
        record = rendered.record()
        record.save(force_insert=True)
        return record
