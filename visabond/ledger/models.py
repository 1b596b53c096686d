"""The ledger's tables: transactions with their idempotency keys, and their lines.

Rows are written once. On PostgreSQL the database itself refuses an edit, a deletion or an
unbalanced transaction (triggers in the migrations); on SQLite the same triggers refuse
edits and deletions, and the single writer SQLite allows makes the balance check in
`services.ledger_post` sufficient. The rules of what is posted live in `postings.py`.
"""

from __future__ import annotations

from django.db import models

from visabond.core import clock
from visabond.core.money_columns import AmountField, CurrencyField, MoneyColumns, money_constraints
from visabond.ledger.postings import Account, Side, Transaction, TransactionKind


class LedgerTransaction(models.Model):
    """One balanced movement of money, posted once under its idempotency key."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=24, choices=[(k.value, k.value) for k in TransactionKind])
    bond = models.ForeignKey(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    memo = models.CharField(max_length=300, blank=True)
    actor_name = models.CharField(max_length=150)
    posted_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["pk"]
        # The balances on a day read the postings after the last closed day by this.
        indexes = [models.Index(fields=["posted_at"], name="ledger_transaction_posted_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class LedgerEntry(models.Model):
    """One line of a transaction: an amount debited or credited to an account in a currency."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=24, choices=[(a.value, a.value) for a in Account])
    side = models.CharField(max_length=1, choices=[(s.value, s.name.lower()) for s in Side])
    amount = AmountField()
    currency = CurrencyField()
    money = MoneyColumns("amount", "currency")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "currency"])]
        constraints = money_constraints("ledger_entry", positive=True)

    def __str__(self) -> str:
        return f"{self.side} {self.account} {self.amount} {self.currency}"

    @classmethod
    def for_transaction(cls, row: LedgerTransaction, transaction: Transaction) -> list[LedgerEntry]:
        """The lines of `transaction` as unsaved rows of the posted `row`: one per line, its
        account, side and amount as `postings.py` planned them. No query: every writer of the
        ledger builds its lines here (`services.ledger_post`, `ledger_post_many`, and the
        provider's inbox batch, which inserts them by COPY: `payments.inbox_services`)."""
        return [
            cls(
                transaction=row,
                account=line.account.value,
                side=line.side.value,
                amount=line.amount.amount,
                currency=line.amount.currency,
            )
            for line in transaction.lines
        ]


class LedgerVerification(models.Model):
    """One run of `ledger verify` (the command, or a finance officer's on the console): when,
    by whom, what it found and the reconciliation it printed, so the console shows the latest
    without checking a million transactions on every visit.

    At most one is running at a time (the database refuses a second); a run whose process
    died is left `running` until it is older than the longest run allowed
    (`finance.services.ABANDONED_AFTER`), then marked abandoned.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running"
        HOLDS = "holds"
        BROKEN = "broken"
        ABANDONED = "abandoned"

    started_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ran_by = models.CharField(max_length=150)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    transactions = models.PositiveBigIntegerField(default=0)
    entries = models.PositiveBigIntegerField(default=0)
    bonds_checked = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    breaks = models.JSONField(default=list, help_text="Each break as `ledger verify` prints it.")
    reconciliation = models.JSONField(
        default=list, help_text="By currency: escrow cash, the claims on it, bonds by state."
    )
    closed_through = models.DateField(
        null=True,
        blank=True,
        help_text="The last day whose closing totals this run kept (LedgerDayClose).",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome"],
                condition=models.Q(outcome="running"),
                name="ledger_verification_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"ledger verification {self.pk} ({self.outcome})"


class LedgerDayClose(models.Model):
    """An account's totals in one currency at the end of a closed day (UTC), as a verification
    summed them from the entries: all debits and all credits posted up to that day's end.

    The balances on a day (`selectors.account_balances_on`) start from the latest of these
    instead of summing every entry on each visit, and add the entries posted since. The
    entries stay the authority: each verification sums them again and keeps a fresh set
    (one row per account, currency and day it moved), the older sets are deleted.
    """

    verification = models.ForeignKey(
        LedgerVerification, on_delete=models.CASCADE, related_name="day_closes"
    )
    day = models.DateField()
    account = models.CharField(max_length=24)
    currency = CurrencyField()
    debit = AmountField()
    credit = AmountField()

    class Meta:
        ordering = ["day", "account", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["verification", "day", "account", "currency"],
                name="ledger_day_close_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.currency} at the end of {self.day}"
