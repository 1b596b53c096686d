"""Notices to applicants and obligors, by e-mail, in their language, sent only on commit.

`notice_send` is called by an entry point inside its transaction; the message is rendered
and sent by Django's mail framework (the console backend unless configured) after the
transaction commits, so a decision that rolls back never tells anyone anything.
Templates: `notices/<language>/<kind>.txt`, the first line being the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from visabond.core.bulk_insert import rows_insert
from visabond.core.writes import within_caller_transaction
from visabond.notices.models import SentNotice


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


LANGUAGES = {code for code, _ in settings.LANGUAGES}


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
    rendered = [_rendered(notice, recipient, context) for notice, recipient, context in notices]
    messages = [
        EmailMessage(r.subject, r.body + "\n", settings.DEFAULT_FROM_EMAIL, [r.address])
        for r in rendered
        if r.address
    ]
    if messages:
        get_connection().send_messages(messages)
    with transaction.atomic(durable=True):
        return rows_insert([r.record for r in rendered])


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One notice as rendered for its recipient: the mail's parts and the record kept."""

    subject: str
    body: str
    address: str
    record: SentNotice


def _rendered(notice: Notice, recipient: AbstractBaseUser, context: dict[str, Any]) -> _Rendered:
    language = getattr(recipient, "preferred_language", "en")
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        text = render_to_string(
            f"notices/{language}/{notice.value}.txt", {**context, "recipient": recipient}
        )
    subject, _, body = text.strip().partition("\n")
    address = getattr(recipient, recipient.get_email_field_name(), "")
    record = SentNotice(
        recipient_id=recipient.pk,
        kind=notice.value,
        language=language,
        subject=subject.strip()[:200],
        body=body.strip(),
        subject_ref=str(context.get("bond_number") or context.get("case_reference") or "")[:40],
    )
    return _Rendered(subject.strip(), body.strip(), address, record)


def notice_deliver(
    notice: Notice, *, recipient: AbstractBaseUser, context: dict[str, Any]
) -> SentNotice:
    """Render and send one notice now, and keep what was sent.

    An entry point, called once the decision's transaction has committed: the record of
    what was sent is written in a durable transaction of its own, after the mail left.
    `recipient` is the user as the decision read them (address and language), not read again.
    """
    rendered = _rendered(notice, recipient, context)
    send_mail(
        rendered.subject,
        rendered.body + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [rendered.address] if rendered.address else [],
    )
    with transaction.atomic(durable=True):
        rendered.record.save()
        return rendered.record
