"""Money in: every sum received, the provider's signed messages and their secrets.

What a payment becomes is decided by `matching.py`; how a message is proven to come from the
provider by `signatures.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from visabond.core import clock
from visabond.core.money_columns import AmountField, CurrencyField, MoneyColumns, money_constraints
from visabond.payments.matching import Disposition


class Channel(models.TextChoices):
    PROVIDER = "provider", gettext_lazy("payment provider")
    CASHIER = "cashier", gettext_lazy("cashier at a post")


class WebhookSecret(models.Model):
    """A secret the provider signs messages with; kept encrypted (`vault.py`), never shown again.

    When it was last used is derived from the messages it verified, not stored.
    """

    label = models.CharField(max_length=100)
    ciphertext = models.TextField(help_text="The secret, encrypted with VISABOND_SECRETS_KEY.")
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=150)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"signing secret {self.pk} ({self.label})"


class DeliveryState(models.TextChoices):
    PENDING = "pending"  # signed, readable and kept in the inbox: to be applied (`inbox_services`)
    PROCESSED = "processed"  # read and turned into a payment
    QUARANTINED = "quarantined"  # signed but unreadable: kept for reprocessing
    REFUSED = "refused"  # signed, readable, refused (its id or payment id reused otherwise)


class WebhookDelivery(models.Model):
    """A signed message from the provider, kept whole under its webhook id, with our answer.

    The provider's inbox: a readable message is kept `pending` when it arrives and applied
    in a batch (`inbox_services.webhook_inbox_apply`), after which `answer_status` and
    `answer` say what it became. A redelivery of the same id is answered with them and
    changes nothing; the body is kept byte for byte, so an unreadable message can be read
    again. A pending message whose application failed keeps the error (`apply_error`) for
    `visabond payments apply`, never dropped.
    """

    webhook_id = models.CharField(max_length=200, unique=True)
    signed_at = models.DateTimeField(help_text="The webhook-timestamp header.")
    received_at = models.DateTimeField(default=clock.now)
    # Defaults in the database too: code that predates the inbox still inserts rows.
    remote_addr = models.CharField(max_length=64, blank=True, db_default="")
    body = models.BinaryField()
    body_sha256 = models.CharField(max_length=64)
    secret = models.ForeignKey(WebhookSecret, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=12, choices=DeliveryState.choices)
    answer_status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    reprocessed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    apply_error = models.TextField(
        blank=True,
        db_default="",
        help_text="Why applying this pending message failed last (kept for finance).",
    )
    apply_failed_at = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey(
        "Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        help_text="The payment it reported (several messages may report one payment).",
    )

    class Meta:
        indexes = [
            models.Index(fields=["secret", "received_at"]),
            models.Index(fields=["state"]),
            # The inbox's queue: the pending messages, oldest first, claimed in batches.
            models.Index(
                fields=["id"],
                condition=Q(state="pending"),
                name="payments_delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"webhook {self.webhook_id} ({self.state})"


class Payment(models.Model):
    """One sum received, by the provider or a cashier, and what became of it.

    `external_id` is the provider's payment id or the cashier's receipt number; `reference`
    and `case_reference` are what the payer named; `ledger_key` is the posting of its receipt.
    A payment finance returned to its payer is paid back by its `refund` (the refunds part's
    batches and the bank's confirmations), which carries the money from then on.
    """

    number = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    external_id = models.CharField(max_length=100)
    post = models.ForeignKey(
        "casework.ConsularPost",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        help_text="The post whose cashier took the money.",
    )
    amount = AmountField()
    currency = CurrencyField()
    money = MoneyColumns("amount", "currency")
    payer_name = models.CharField(max_length=200, blank=True)
    payer_email = models.CharField(max_length=254, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    case_reference = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(help_text="When the money was received.")
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150)
    bond = models.ForeignKey(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    disposition = models.CharField(max_length=12, choices=[(d.value, d.value) for d in Disposition])
    reason = models.TextField()
    ledger_key = models.CharField(max_length=200)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    refund = models.OneToOneField(
        "refunds.Refund",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returned_payment",
        help_text="The refund that pays a returned payment back to its payer.",
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["disposition", "recorded_at"])]
        constraints = [
            *money_constraints("payment", positive=True),
            # Money returned is owed through exactly one refund, and only returned money is.
            models.CheckConstraint(
                condition=Q(disposition=Disposition.RETURNED.value, refund__isnull=False)
                | (~Q(disposition=Disposition.RETURNED.value) & Q(refund__isnull=True)),
                name="payment_returned_through_a_refund",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(channel=Channel.PROVIDER),
                name="payment_provider_id_once",
            ),
            models.UniqueConstraint(
                fields=["post", "external_id"],
                condition=Q(channel=Channel.CASHIER),
                name="payment_receipt_number_once_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.number} ({self.disposition})"


class RefusedAttempt(models.Model):
    """A request refused at the door: kept so finance and auditors see what was tried.

    An unsigned or badly signed message is recorded by what identifies it (claimed id,
    digest and size of the body, address), never by its content, which nobody vouches for.
    """

    occurred_at = models.DateTimeField(default=clock.now)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    code = models.CharField(max_length=40)
    field = models.CharField(max_length=40, blank=True)
    message = models.TextField()
    webhook_id = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    body_size = models.PositiveIntegerField(default=0)
    # Defaults in the database too: code that predates the inbox still inserts rows.
    remote_addr = models.CharField(max_length=64, blank=True, db_default="")
    claimed = models.JSONField(default=dict, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["channel", "occurred_at"])]

    def __str__(self) -> str:
        return f"refused {self.channel} attempt: {self.code}"
