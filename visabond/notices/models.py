"""The notices sent to people: what was sent, to whom, in which language, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from visabond.core import clock


class SentNotice(models.Model):
    """One notice as it was sent: the obligor's record of what they were told."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    subject_ref = models.CharField(
        max_length=40, blank=True, help_text="The case or bond the notice is about."
    )
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.language})"
