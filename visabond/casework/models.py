"""Consular casework's tables: posts, officers' assignments, cases, their events, visas.

The rules of a case's states and of the officer's decision live in `rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from visabond.casework.rules import OPEN_STATES, AmountReason, CaseState, Outcome
from visabond.core import clock


class ConsularPost(models.Model):
    """An embassy or consulate that takes visa applications for one or more programs."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=3, help_text="Where the post is (ISO 3166-1 alpha-3).")
    city = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, help_text="IANA time zone of the post.")
    programs = models.ManyToManyField("policy.Program", related_name="posts")
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostAssignment(models.Model):
    """The post a consular officer or cashier works at: they see its cases only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_assignment"
    )
    post = models.ForeignKey(ConsularPost, on_delete=models.PROTECT, related_name="staff")

    def __str__(self) -> str:
        return f"{self.user} at {self.post}"


class Case(models.Model):
    """A visa application and its decision; identity as read from the passport's MRZ."""

    reference = models.CharField(max_length=20, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    post = models.ForeignKey(ConsularPost, on_delete=models.PROTECT, related_name="cases")
    program = models.ForeignKey("policy.Program", on_delete=models.PROTECT, related_name="cases")
    visa_class = models.CharField(max_length=20)
    state = models.CharField(max_length=16, choices=[(s.value, s.value) for s in CaseState])

    surname = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100, blank=True)
    nationality = models.CharField(max_length=3)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    passport_number = models.CharField(max_length=20)
    passport_issuing_state = models.CharField(max_length=3)
    passport_expiry = models.DateField()
    passport_mrz = models.JSONField(help_text="The zone's lines as read.")

    purpose = models.CharField(max_length=500)
    intended_arrival = models.DateField()
    intended_departure = models.DateField()
    submitted_at = models.DateTimeField(default=clock.now)

    rule_version = models.ForeignKey(
        "policy.RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    captured_rule = models.JSONField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, blank=True, choices=[(o.value, o.value) for o in Outcome]
    )
    amount_reason = models.CharField(
        max_length=24, blank=True, choices=[(r.value, r.value) for r in AmountReason]
    )
    waiver_ground = models.CharField(max_length=40, blank=True)
    decision_explanation = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The claim code issued with this instance's decision (a walk-in case's bond directed),
    # in clear on this object only, for the officer's page to print once; never stored.
    claim_code: str = ""

    class Meta:
        indexes = [models.Index(fields=["post", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(intended_departure__gte=models.F("intended_arrival")),
                name="case_intended_dates_ordered",
            ),
            # One open walk-in case per passport and program (`services.case_walk_in_open`):
            # two officers opening the same traveller's case at once get one case, not two
            # cases with a bond each. The passport is its number and issuing state, with the
            # holder's birth date its zone gives (ICAO Doc 9303-4).
            models.UniqueConstraint(
                fields=["program", "passport_issuing_state", "passport_number", "birth_date"],
                condition=Q(applicant__isnull=True, state__in=sorted(s.value for s in OPEN_STATES)),
                name="case_walk_in_open_once_per_passport",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.reference} ({self.state})"


class CaseEvent(models.Model):
    """One transition of a case: who moved it, when, from which state, and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16)
    occurred_at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    reason = models.TextField()

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.before or 'new'} -> {self.after}"


class Visa(models.Model):
    """The annotated visa issued for a case, with its machine readable zone (MRV-A)."""

    number = models.CharField(max_length=9, unique=True)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="visa")
    visa_class = models.CharField(max_length=20)
    valid_from = models.DateField()
    valid_until = models.DateField()
    entries = models.PositiveSmallIntegerField()
    max_stay_days = models.PositiveSmallIntegerField(null=True, blank=True)
    ports = models.JSONField(default=list)
    annotation = models.CharField(max_length=300, blank=True)
    mrz_line1 = models.CharField(max_length=44)
    mrz_line2 = models.CharField(max_length=44)
    issued_at = models.DateTimeField(default=clock.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="visa_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"visa {self.number}"


class CaseClaim(models.Model):
    """The claim code of a case opened at the post for a walk-in applicant, who has no
    account yet: by it the obligor makes the case theirs in the portal.

    Only the code's SHA-256 is kept (`claim_codes.py`); a new code replaces the hash, so the
    old one stops working. Spent once the case is claimed. `code_printed_at` is when the code
    last issued was printed on a bond notice (none while it waits to be): it is set by one
    conditional update, so of any number of notices rendered at once one prints the code.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="claim")
    code_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(default=clock.now)
    issued_by = models.CharField(max_length=150)
    codes_issued = models.PositiveSmallIntegerField(default=1)
    code_printed_at = models.DateTimeField(null=True, blank=True)
    spent_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(spent_at__isnull=True) | Q(claimed_by__isnull=False),
                name="case_claim_spent_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"claim of {self.case.reference}"
