"""The audit trail's tables: append-only, hash-chained entries and the head of the chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from visabond.core import clock


class AuditEvent(models.Model):
    """An append-only, hash-chained record of one decision (formula in `chain.py`)."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(default=clock.now)
    action = models.CharField(max_length=64)
    actor_name = models.CharField(max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person who decided; empty when a process did (the seed loader).",
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.subject_type}:{self.subject_id}"

    def content(self) -> dict[str, Any]:
        """What the hash covers. `actor_user_id` appears only for a person, so entries
        recorded before people were linked keep the content they were hashed with."""
        content: dict[str, Any] = {
            "occurred_at": self.occurred_at.isoformat(),
            "action": self.action,
            "actor": self.actor_name,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "details": self.details,
        }
        if self.actor_user_id is not None:
            content["actor_user_id"] = self.actor_user_id
        return content


class AuditHead(models.Model):
    """One row: the newest entry's sequence and hash, locked while an entry is appended.

    Concurrent writers form one chain through its lock, and `verify` compares the trail's
    last entry with it, so a deleted tail does not go unnoticed.
    """

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.last_sequence}"
