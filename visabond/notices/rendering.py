"""A notice as its recipient reads it: rendered in their language, subject and body apart.

Shared by `services.notice_deliver` (one notice after its decision commits) and by callers
that deliver many notices of one commit together. Templates: `notices/<language>/<kind>.txt`,
the first line being the subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from visabond.notices.models import SentNotice

LANGUAGES = {code for code, _ in settings.LANGUAGES}


@dataclass(frozen=True)
class RenderedNotice:
    """One notice ready to send: the recipient's address ("" when they have none)."""

    kind: str
    recipient_id: int
    language: str
    address: str
    subject: str
    body: str
    subject_ref: str

    def message(self) -> EmailMessage:
        """The e-mail, as `send_mail` would build it."""
        return EmailMessage(
            self.subject,
            self.body + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [self.address] if self.address else [],
        )

    def record(self) -> SentNotice:
        """The record of what was sent (not saved)."""
        return SentNotice(
            recipient_id=self.recipient_id,
            kind=self.kind,
            language=self.language,
            subject=self.subject[:200],
            body=self.body,
            subject_ref=self.subject_ref,
        )


def notice_render(
    kind: str, *, recipient: AbstractBaseUser, context: dict[str, Any]
) -> RenderedNotice:
    """Render the notice `kind` (a `services.Notice` value) for `recipient`, in their preferred
    language (English when it is not one we write), with the template's `context`."""
    language = getattr(recipient, "preferred_language", "en")
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        text = render_to_string(
            f"notices/{language}/{kind}.txt", {**context, "recipient": recipient}
        )
    subject, _, body = text.strip().partition("\n")
    return RenderedNotice(
        kind=kind,
        recipient_id=int(recipient.pk),
        language=language,
        address=getattr(recipient, recipient.get_email_field_name(), ""),
        subject=subject.strip(),
        body=body.strip(),
        subject_ref=str(context.get("bond_number") or context.get("case_reference") or "")[:40],
    )
