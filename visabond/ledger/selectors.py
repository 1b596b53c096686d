"""Reads of the ledger: balances derived from entries, the invariants, the reconciliation.

Everything is computed by the database as aggregates over the entries (one scan each), so
`ledger verify` stays fast at millions of transactions; the plain rules in `invariants.py`
say what the totals must be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from visabond.ledger import invariants
from visabond.ledger.invariants import Break
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import Account, Side

ZERO = Value(Decimal(0), output_field=DecimalField())


DEBITS = Coalesce(Sum("amount", filter=Q(side=Side.DEBIT.value)), ZERO)
CREDITS = Coalesce(Sum("amount", filter=Q(side=Side.CREDIT.value)), ZERO)


def account_balances(*, as_of: dt.date | None = None) -> dict[tuple[Account, str], Decimal]:
    """Each account's balance per currency on its normal side, at the end of `as_of` (UTC)."""
    entries = LedgerEntry.objects.all()
    if as_of is not None:
        end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        entries = entries.filter(transaction__posted_at__lt=end)
    balances: dict[tuple[Account, str], Decimal] = {}
    rows = (
        entries.values("account", "currency")
        .annotate(debit=DEBITS, credit=CREDITS)
        .values_list("account", "currency", "debit", "credit")
    )
    for name, currency, debit, credit in rows:
        account = Account(name)
        balances[(account, currency)] = normal_balance(account, debit - credit)
    return balances


def normal_balance(account: Account, net: Decimal) -> Decimal:
    """A debit-minus-credit total as a balance on the account's normal side."""
    return net if account.normal_side is Side.DEBIT else -net


@dataclass
class Verification:
    """What `ledger verify` found: the breaks, and what it looked at."""

    breaks: list[Break] = field(default_factory=list)
    transactions: int = 0
    entries: int = 0

    @property
    def holds(self) -> bool:
        return not self.breaks


def ledger_verify() -> Verification:
    """Check every invariant of `invariants.py` over the whole ledger.

    Also catches what only the tables show: a transaction left with fewer than two lines
    (an entry deleted behind the database's back).
    """
    result = Verification()
    result.transactions = LedgerTransaction.objects.count()
    result.entries = LedgerEntry.objects.count()
    per_transaction = (
        LedgerEntry.objects.values("transaction__key", "currency")
        .annotate(debit=DEBITS, credit=CREDITS)
        .filter(~Q(debit=F("credit")))
        .values_list("transaction__key", "currency", "debit", "credit")
    )
    unbalanced = list(per_transaction)
    result.breaks += invariants.unbalanced_transactions(unbalanced)
    one_sided = LedgerTransaction.objects.annotate(lines=Count("entries")).filter(lines__lt=2)
    result.breaks += [
        Break("two lines", f"transaction {t.key}", f"{t.lines} line(s)") for t in one_sided
    ]
    balances = account_balances()
    result.breaks += invariants.negative_accounts(balances)
    result.breaks += invariants.unreconciled_currencies(balances)
    return result
