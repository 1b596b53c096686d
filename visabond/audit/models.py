from __future__ import annotations

from django.db import models

from visabond.core import clock


class AuditEvent(models.Model):
    """An append-only, hash-chained record of one decision."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(default=clock.now)
    action = models.CharField(max_length=64)
    actor_name = models.CharField(max_length=150)
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

    def content(self) -> dict[str, object]:
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "action": self.action,
            "actor": self.actor_name,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "details": self.details,
        }


class AuditHead(models.Model):
    """One row, locked while an event is appended, so concurrent writers form one chain."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.last_sequence}"
