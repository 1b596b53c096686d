"""The refunds' tables: where refunds are paid to and from, each refund, the batches sent to
the bank, each transfer in them, and the bank's status reports as received.

The rules (states, what a bank's status does) live in `rules.py`; the checks of an account in
`bank_accounts.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from visabond.core import clock
from visabond.core.money_columns import AmountField, CurrencyField, MoneyColumns, money_constraints
from visabond.refunds.bank_accounts import BankAccount
from visabond.refunds.rules import RefundState, TransferState


class BankAccountColumns(models.Model):
    """A checked bank account in columns (see `bank_accounts.bank_account`)."""

    holder_name = models.CharField(max_length=140)
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2 of the bank.")
    iban = models.CharField(max_length=34, blank=True)
    account_number = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    clearing_system = models.CharField(max_length=5, blank=True)
    routing_number = models.CharField(max_length=35, blank=True)
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True

    def bank_account(self) -> BankAccount:
        return BankAccount(
            holder_name=self.holder_name,
            country=self.country,
            iban=self.iban,
            account_number=self.account_number,
            bic=self.bic,
            clearing_system=self.clearing_system,
            routing_number=self.routing_number,
        )

    def set_bank_account(self, account: BankAccount) -> None:
        for name, value in account.to_json().items():
            setattr(self, name, value)


class RefundAccount(BankAccountColumns):
    """The account an obligor asks their bond refunds to be paid to, recorded by the obligor."""

    obligor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refund_account"
    )

    def __str__(self) -> str:
        return f"refund account of {self.obligor}"


class EscrowAccount(BankAccountColumns):
    """The program's account in one currency, which holds the bonds and pays the refunds (the
    ledger's escrow_cash in that currency)."""

    currency = CurrencyField(unique=True)

    def __str__(self) -> str:
        return f"escrow account {self.currency}"


class Refund(models.Model):
    """Money the program owes back: a cancelled bond, or an unapplied payment returned to its
    payer (`payment_reference`, the payments' finance exception). Its amount sits in refunds
    payable from the moment it is owed until the bank confirms the transfer."""

    class Kind(models.TextChoices):
        BOND = "bond"
        PAYMENT_RETURN = "payment_return"

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    bond = models.OneToOneField(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    payment_reference = models.CharField(max_length=100, blank=True)
    payee = models.JSONField(
        default=dict, blank=True, help_text="A payment return's account (BankAccount.to_json)."
    )
    amount = AmountField()
    currency = CurrencyField()
    money = MoneyColumns("amount", "currency")
    state = models.CharField(
        max_length=10, choices=[(s.value, s.value) for s in RefundState], default=RefundState.DUE
    )
    reason = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(default=clock.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]
        constraints = [
            *money_constraints("refund", positive=True),
            models.UniqueConstraint(
                fields=["payment_reference"],
                condition=~Q(payment_reference=""),
                name="refund_one_return_per_payment",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="bond", bond__isnull=False, payment_reference="")
                    | Q(kind="payment_return", bond__isnull=True) & ~Q(payment_reference="")
                ),
                name="refund_for_a_bond_or_a_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.number} ({self.state})"


class RefundBatch(models.Model):
    """One pain.001 message sent to the bank: its message id, and the document itself."""

    message_id = models.CharField(max_length=35, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=150)
    execution_date = models.DateField()
    document = models.TextField()

    class Meta:
        verbose_name_plural = "refund batches"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"refund batch {self.message_id}"


class RefundTransfer(models.Model):
    """One attempt to pay a refund: a credit transfer in a batch, under its end-to-end id."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="transfers")
    batch = models.ForeignKey(RefundBatch, on_delete=models.PROTECT, related_name="transfers")
    attempt = models.PositiveSmallIntegerField()
    end_to_end_id = models.CharField(max_length=35, unique=True)
    payment_information_id = models.CharField(max_length=35)
    creditor = models.JSONField(help_text="The account paid to, as sent (BankAccount.to_json).")
    amount = AmountField()
    currency = CurrencyField()
    money = MoneyColumns("amount", "currency")
    state = models.CharField(
        max_length=10,
        choices=[(s.value, s.value) for s in TransferState],
        default=TransferState.SENT,
    )
    status_code = models.CharField(max_length=4, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.ForeignKey(
        "ConfirmationFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settled_transfers",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            *money_constraints("refund_transfer", positive=True),
            # A refund is in at most one batch at a time, whatever path writes the rows.
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(state=TransferState.SENT.value),
                name="refund_one_transfer_in_flight",
            ),
            models.UniqueConstraint(fields=["refund", "attempt"], name="refund_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.end_to_end_id} ({self.state})"


class ConfirmationFile(models.Model):
    """A status report from the bank, kept as received: processed, or held with its problem
    until it can be processed (never dropped)."""

    class State(models.TextChoices):
        RECEIVED = "received"
        PROCESSED = "processed"
        HELD = "held"

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255, blank=True)
    content = models.BinaryField()
    received_at = models.DateTimeField(default=clock.now)
    received_by = models.CharField(max_length=150)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    problem = models.TextField(blank=True)
    original_message_id = models.CharField(max_length=35, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"confirmation {self.name or self.sha256[:12]} ({self.state})"
