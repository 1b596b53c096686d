"""Notices to applicants and obligors, by e-mail, in their language, sent only on commit.

`notice_send` is called by an entry point inside its transaction; the message is rendered
and sent by Django's mail framework (the console backend unless configured) after the
transaction commits, so a decision that rolls back never tells anyone anything.
Templates: `notices/<language>/<kind>.txt`, the first line being the subject.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

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


def notice_deliver(
    notice: Notice, *, recipient: AbstractBaseUser, context: dict[str, Any]
) -> SentNotice:
    """Render and send one notice now, and keep what was sent.

    An entry point, called once the decision's transaction has committed: the record of
    what was sent is written in a durable transaction of its own, after the mail left.
    `recipient` is the user as the decision read them (address and language), not read again.
    """
    language = getattr(recipient, "preferred_language", "en")
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        text = render_to_string(
            f"notices/{language}/{notice.value}.txt", {**context, "recipient": recipient}
        )
    subject, _, body = text.strip().partition("\n")
    address = getattr(recipient, recipient.get_email_field_name(), "")
    send_mail(
        subject.strip(),
        body.strip() + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [address] if address else [],
    )
    with transaction.atomic(durable=True):
        return SentNotice.objects.create(
            recipient_id=recipient.pk,
            kind=notice.value,
            language=language,
            subject=subject.strip()[:200],
            body=body.strip(),
            subject_ref=str(context.get("bond_number") or context.get("case_reference") or "")[:40],
        )
