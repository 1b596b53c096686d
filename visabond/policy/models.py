"""The policy registry's tables: programs, rules as append-only histories, reciprocity.

Rows of `RuleVersion` are never updated or deleted: an amendment or a withdrawal is a new
row. The pure reading of those rows lives in `rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from visabond.core import clock
from visabond.core.money import Money
from visabond.core.money_columns import (
    AmountField,
    CurrencyField,
    MoneyColumns,
    OptionalMoneyColumns,
    money_constraints,
)
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Action

# Limits on text a person types into a decision; the form, the API schema and the append
# step refuse more, each naming the field, so the database never truncates or refuses it.
REASON_MAX = 2000
NOTES_MAX = 2000
SOURCE_TITLE_MAX = 400
SOURCE_URL_MAX = 2000


class Program(models.Model):
    """A legal program that rules belong to, e.g. the US Visa Bond Pilot Program."""

    code = models.SlugField(max_length=64, unique=True)
    issuer = models.CharField(max_length=3)
    name = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=300, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days of notice the program promises before a rule takes effect."
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    sources = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """A designation: one issuer, one nationality, one visa class (or `*` for all)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rules")
    issuer = models.CharField(max_length=3)
    nationality = models.CharField(max_length=3)
    visa_class = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["issuer", "nationality", "visa_class"])]

    def __str__(self) -> str:
        return f"{self.issuer} → {self.nationality} {self.visa_class} (rule {self.pk})"


class RuleVersion(models.Model):
    """One immutable entry of a rule's history: designation, amendment or withdrawal."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=[(a.value, a.value) for a in Action])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    announced_on = models.DateField()
    recorded_at = models.DateTimeField(default=clock.now)

    bond_required = models.BooleanField(default=False)
    # The allowed amounts are rows of AllowedAmount.
    entries = models.PositiveSmallIntegerField(null=True, blank=True)
    validity_days = models.PositiveSmallIntegerField(null=True, blank=True)
    max_stay_days = models.PositiveSmallIntegerField(null=True, blank=True)
    ports = models.JSONField(default=list, blank=True)
    issuance_suspended = models.BooleanField(default=False)
    # Limits of what a person types, checked with a clear error by the services first.
    notes = models.CharField(max_length=NOTES_MAX, blank=True)

    reason = models.CharField(max_length=REASON_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    author_name = models.CharField(max_length=150)
    legal_basis = models.CharField(max_length=300, blank=True)
    sources = models.JSONField(default=list)
    mirrored_from = models.JSONField(null=True, blank=True)
    notice_warning = models.CharField(max_length=300, blank=True)
    # A correction restates version `corrects_version` of the same rule with a fact corrected
    # (its announcement date): that version no longer stands (`rules.standing`), and stays.
    corrects_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rule_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="rule_version_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id} v{self.version} ({self.action})"


class AllowedAmount(models.Model):
    """An amount a consular officer may set under a rule version; one is the standard."""

    version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="allowed_amounts"
    )
    amount = AmountField()
    currency = CurrencyField()
    is_standard = models.BooleanField(default=False)
    money = MoneyColumns("amount", "currency")

    class Meta:
        # No default ordering: `records.terms_of` sorts the few amounts of a version itself,
        # and the requirement lookup's prefetch is cheaper without an ORDER BY.
        constraints = [
            *money_constraints("allowed_amount", positive=True),
            models.UniqueConstraint(fields=["version", "amount"], name="allowed_amount_once"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(is_standard=True), name="one_standard_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.money}{' (standard)' if self.is_standard else ''}"

    @classmethod
    def of(cls, version: RuleVersion, money: Money, *, standard: bool) -> AllowedAmount:
        row = cls(version=version, is_standard=standard)
        row.money = money
        return row


class ReciprocityDirective(models.Model):
    """State `issuer` applies to nationals of `counterpart` what `counterpart` applies to its own."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="directives")
    issuer = models.CharField(max_length=3)
    counterpart = models.CharField(max_length=3)
    visa_class_mapping = models.JSONField()
    port_mapping = models.JSONField()
    cap_amount = AmountField(null=True, blank=True)
    cap_currency = CurrencyField(blank=True)
    cap = OptionalMoneyColumns("cap_amount", "cap_currency")
    mode = models.CharField(max_length=10, choices=[(m.value, m.value) for m in Mode])
    effective_from = models.DateField()
    announced_on = models.DateField()
    legal_basis = models.CharField(max_length=300, blank=True)
    sources = models.JSONField(default=list)
    reason = models.CharField(max_length=REASON_MAX)
    author_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "counterpart"], name="one_directive_per_pair"
            ),
            *money_constraints(
                "directive_cap",
                amount="cap_amount",
                currency="cap_currency",
                positive=True,
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} mirrors {self.counterpart}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "pending"
    APPLIED = "applied", "applied automatically, to acknowledge"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"
    ACKNOWLEDGED = "acknowledged", "acknowledged"
    ECHO = "echo", "not mirrored: it would bring this state's own change back to it"


class ReciprocityReview(models.Model):
    """A change of a source rule that a mirrored rule may have to follow."""

    directive = models.ForeignKey(
        ReciprocityDirective, on_delete=models.PROTECT, related_name="reviews"
    )
    source_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="reciprocity_reviews"
    )
    change = models.CharField(max_length=10, choices=[(a.value, a.value) for a in Action])
    mirror_rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    proposal = models.JSONField(help_text="The mirrored terms and their explanation.")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    created_at = models.DateTimeField(default=clock.now)
    decided_by_name = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=REASON_MAX, blank=True)
    resulting_version = models.ForeignKey(
        RuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "source_version"], name="one_review_per_source_change"
            )
        ]

    def __str__(self) -> str:
        return f"review {self.pk}: {self.change} of {self.source_version}"


class SeedStep(models.Model):
    """A step of the seed timeline already applied, so `visabond seed` runs once per step."""

    key = models.CharField(max_length=120, unique=True)
    applied_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.key
