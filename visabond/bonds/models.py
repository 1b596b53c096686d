"""The bonds' tables: each program's bond terms, the bonds, and every event of their lives.

The rules of which event applies when, and what money it moves, live in `lifecycle.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from visabond.bonds.lifecycle import BondEvent, BondState
from visabond.core import clock
from visabond.core.money_columns import (
    AmountField,
    CurrencyField,
    MoneyColumns,
    OptionalMoneyColumns,
    money_constraints,
)

# A form's name is a short identifier ("I-352"): the visa's annotation carries it within its
# own limit (`casework.models.Visa.annotation`).
BOND_FORM_MAX = 20


class BondTerms(models.Model):
    """The periods and grounds a program sets for its bonds (cited in notices and decisions)."""

    program = models.OneToOneField(
        "policy.Program", on_delete=models.PROTECT, related_name="bond_terms"
    )
    payment_days = models.PositiveSmallIntegerField(
        help_text="Days after the officer's direction within which the bond must be paid."
    )
    refund_promise_days = models.PositiveSmallIntegerField(
        help_text="Days from cancellation within which the program promises the refund."
    )
    contest_days = models.PositiveSmallIntegerField(
        help_text="Days the obligor has to contest a breach decision."
    )
    grace_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the admit-until date before a missing departure counts."
    )
    second_approval_above_amount = AmountField(
        null=True, blank=True, help_text="Forfeitures above this amount need a second adjudicator."
    )
    second_approval_above_currency = CurrencyField(blank=True)
    second_approval_above = OptionalMoneyColumns(
        "second_approval_above_amount", "second_approval_above_currency"
    )
    waiver_grounds = models.JSONField(
        default=list, blank=True, help_text="[{code, label, source}] the program allows."
    )
    payment_channel = models.CharField(max_length=300, blank=True)
    bond_form = models.CharField(
        max_length=BOND_FORM_MAX,
        blank=True,
        help_text=(
            "The form the program's bonds are posted on, as the foil names it (the US: "
            "'I-352', the DHS form); blank where the program names none."
        ),
    )
    sources = models.JSONField(default=list)

    class Meta:
        verbose_name_plural = "bond terms"
        constraints = money_constraints(
            "bond_terms_second_approval",
            amount="second_approval_above_amount",
            currency="second_approval_above_currency",
            nullable=True,
        )

    def __str__(self) -> str:
        return f"bond terms of {self.program}"


class Bond(models.Model):
    """A Form I-352 bond directed for one case; `obligor` is who posted it."""

    number = models.CharField(max_length=20, unique=True)
    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, related_name="bond")
    obligor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bonds",
    )
    obligor_name = models.CharField(max_length=200)
    amount = AmountField()
    currency = CurrencyField()
    money = MoneyColumns("amount", "currency")
    state = models.CharField(max_length=20, choices=[(s.value, s.value) for s in BondState])
    directed_at = models.DateTimeField(default=clock.now)
    payment_deadline = models.DateField()
    state_changed_at = models.DateTimeField(default=clock.now)
    cancel_reason = models.CharField(max_length=40, blank=True)
    adjudication_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]
        constraints = money_constraints("bond", positive=True)

    def __str__(self) -> str:
        return f"bond {self.number} ({self.state})"


class BondEventRecord(models.Model):
    """One event of a bond's life, with who decided it, why, and the money it moved."""

    bond = models.ForeignKey(Bond, on_delete=models.PROTECT, related_name="events")
    event = models.CharField(max_length=20, choices=[(e.value, e.value) for e in BondEvent])
    before = models.CharField(max_length=20)
    after = models.CharField(max_length=20)
    occurred_at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    transaction = models.OneToOneField(
        "ledger.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bond_event",
    )

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.bond.number}: {self.event} ({self.before} -> {self.after})"
