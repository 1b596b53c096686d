"""Adjudications of suspected breaches: the evidence, the decisions, approvals and contests.

One adjudication per bond: opened when the bond is suspected of a breach (the sweep, with
its evidence), decided by a bond adjudicator (breach or none), approved by a second one when
the forfeiture is above the program's amount, and reopened by the obligor's contest within
the program's period. The bond's own states and money are the bonds app's; this app keeps
who decided what on which evidence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from visabond.core import clock


class AdjudicationState(models.TextChoices):
    OPEN = "open"  # a breach is suspected: an adjudicator decides
    AWAITING_APPROVAL = "awaiting_approval"  # breach confirmed; forfeiture needs a second yes
    FORFEITED = "forfeited"  # the bond is forfeited; the obligor may contest in the period
    CANCELLED = "cancelled"  # no breach: the bond is returned


class Adjudication(models.Model):
    """The adjudication of one bond's suspected breach, on the evidence gathered for it."""

    reference = models.CharField(max_length=20, unique=True)
    bond = models.OneToOneField("bonds.Bond", on_delete=models.PROTECT, related_name="adjudication")
    ground = models.CharField(max_length=30, help_text="A BreachGround: overstay, asylum...")
    state = models.CharField(max_length=20, choices=AdjudicationState.choices)
    round = models.PositiveSmallIntegerField(default=1, help_text="1 + contests that reopened it.")
    evidence = models.JSONField(default=list, help_text="What each party brought, in order.")
    opened_at = models.DateTimeField(default=clock.now)
    opened_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contest_deadline = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "opened_at"], name="adjudication_state")]

    def __str__(self) -> str:
        return f"adjudication {self.reference} ({self.state})"


class AdjudicationStep(models.Model):
    """One step of an adjudication: who did what, when, why, with which new evidence."""

    adjudication = models.ForeignKey(Adjudication, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=30)
    round = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.adjudication.reference}: {self.action}"
