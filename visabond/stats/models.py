"""Saved overstay reports: what each figure was computed from, so the console can say so."""

from __future__ import annotations

from django.db import models


class OverstaySnapshot(models.Model):
    """One run of the overstay method, by nationality (and bond, when the data say it).

    `rows` holds the report's rows as the command prints them in JSON, rates as text.
    """

    taken_at = models.DateTimeField()
    taken_by = models.CharField(max_length=150)
    fiscal_year = models.PositiveSmallIntegerField()
    fiscal_year_start = models.PositiveSmallIntegerField(default=10)
    as_of = models.DateField()
    engine = models.CharField(max_length=16)
    rules_version = models.CharField(max_length=32)
    data_fingerprint = models.CharField(max_length=64)
    data_source = models.TextField()
    by = models.CharField(max_length=64)
    rows = models.JSONField()
    seconds = models.DecimalField(max_digits=9, decimal_places=3)

    class Meta:
        ordering = ("-taken_at", "-pk")
        indexes = (models.Index(fields=("fiscal_year", "as_of")),)

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} as of {self.as_of} ({self.engine})"
