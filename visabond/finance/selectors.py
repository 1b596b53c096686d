"""Reads of the finance console and the ledger command: the ledger checked whole, its
reconciliation by currency and bond state, the balances on a day, the refund batches and the
bank's files held.

Every function reads; none changes anything. They compose the selectors of the ledger,
bonds and refunds, so `visabond ledger verify|report` and the finance console show the same
figures from one place.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from visabond.bonds.balances import expected_bond_balances
from visabond.bonds.lifecycle import BondState
from visabond.bonds.selectors import StateTotal, bond_ledger_breaks, bond_totals_by_state
from visabond.core import clock
from visabond.core.errors import NotFound
from visabond.core.money import Money
from visabond.ledger.invariants import Break
from visabond.ledger.models import LedgerVerification
from visabond.ledger.postings import Account
from visabond.ledger.selectors import (
    DayClose,
    Verification,
    account_balances_on,
    closable_through,
    day_closes,
    ledger_verify,
    one_snapshot,
)
from visabond.refunds.models import ConfirmationFile, RefundBatch
from visabond.refunds.selectors import refund_ledger_breaks


@dataclass(frozen=True)
class BondsInState:
    """The bonds of one currency in one state, and the accounts their money sits in."""

    state: str
    bonds: int
    amount: Money
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class CurrencyReconciliation:
    """Per currency: the cash in escrow against the claims on it (every other account's
    balance; they sum to the cash when the ledger holds), then the bonds by state."""

    currency: str
    escrow_cash: Money
    claims: tuple[tuple[str, Money], ...]
    bonds: tuple[BondsInState, ...]


@dataclass(frozen=True)
class LedgerCheck:
    """What `ledger verify` finds: the verification (breaks, transactions, entries, balances),
    the bonds checked, the reconciliation, and the seconds the check took."""

    verification: Verification
    bonds_checked: int
    reconciliation: list[CurrencyReconciliation]
    seconds: float
    closed_through: dt.date | None = None
    closes: list[DayClose] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.verification.holds

    @property
    def breaks(self) -> list[Break]:
        return self.verification.breaks


def ledger_check() -> LedgerCheck:
    """Check every invariant over one state of the database: each transaction balanced and
    of the chart (`ledger_verify`), each bond's balances fitting its state
    (`bond_ledger_breaks`), refunds agreeing with refunds payable (`refund_ledger_breaks`);
    and reconcile by currency and bond state (`reconciliation`). Docs:
    docs/casework-and-money.md (the invariants)."""
    started = time.perf_counter()
    closed_through = closable_through(clock.now())
    with one_snapshot():
        found = ledger_verify()
        closes = day_closes(through=closed_through)
        bonds, bond_breaks = bond_ledger_breaks()
        found.breaks += bond_breaks
        totals = bond_totals_by_state()
        cancelled = {t.currency: t.amount for t in totals if t.state == BondState.CANCELLED}
        found.breaks += refund_ledger_breaks(balances=found.balances, cancelled=cancelled)
    return LedgerCheck(
        verification=found,
        bonds_checked=bonds,
        reconciliation=reconciliation(found.balances, totals),
        seconds=time.perf_counter() - started,
        closed_through=closed_through,
        closes=closes,
    )


def ledger_verification_latest() -> LedgerVerification | None:
    """The latest verification that finished (holds or broken), or None before the first."""
    done = (LedgerVerification.Outcome.HOLDS, LedgerVerification.Outcome.BROKEN)
    return (
        LedgerVerification.objects.filter(outcome__in=done).order_by("-finished_at", "-pk").first()
    )


def ledger_verification_running() -> LedgerVerification | None:
    """The verification running now, if one is."""
    return LedgerVerification.objects.filter(outcome=LedgerVerification.Outcome.RUNNING).first()


def reconciliation(
    balances: dict[tuple[Account, str], Decimal], totals: list[StateTotal]
) -> list[CurrencyReconciliation]:
    """Per currency (sorted by ISO code), cash against the claims on it; then the bonds by
    state, each with the accounts its money sits in (`balances.expected_bond_balances`)."""
    zero = Decimal(0)
    rows = []
    for currency in sorted({c for _, c in balances} | {t.currency for t in totals}):

        def amount(account: Account, currency: str = currency) -> Money:
            return Money(balances.get((account, currency), zero), currency)

        in_state = []
        for total in totals:
            if total.currency != currency:
                continue
            held = expected_bond_balances(BondState(total.state), Decimal(1))
            in_state.append(
                BondsInState(
                    state=total.state,
                    bonds=total.bonds,
                    amount=Money(total.amount, currency),
                    accounts=tuple(a.value for a, share in held.items() if share),
                )
            )
        rows.append(
            CurrencyReconciliation(
                currency=currency,
                escrow_cash=amount(Account.ESCROW_CASH),
                claims=tuple(
                    (account.value, amount(account))
                    for account in Account
                    if account is not Account.ESCROW_CASH
                ),
                bonds=tuple(in_state),
            )
        )
    return rows


REPORT_HEADER = ("account", "currency", "balance")


def ledger_report(*, as_of: dt.date | None) -> list[tuple[str, str, str]]:
    """(account, currency, balance) of every account with entries, at the end of `as_of`
    (UTC; None: everything posted), sorted by account then currency; balances on the
    account's normal side, written with the currency's minor units."""
    balances = account_balances_on(as_of=as_of)
    return [
        (account.value, currency, str(balance))
        for (account, currency), balance in sorted(balances.items())
    ]


def refund_batches_recent(*, limit: int = 20) -> QuerySet[RefundBatch]:
    """The newest refund batches, each with `transfer_count`, newest first."""
    return RefundBatch.objects.annotate(transfer_count=Count("transfers")).order_by("-pk")[:limit]


def refund_batch(message_id: str) -> RefundBatch:
    """One batch by its pain.001 message id; `NotFound` (`batch_not_found`, field
    `message_id`)."""
    batch = RefundBatch.objects.filter(message_id=message_id.strip()).first()
    if batch is None:
        raise NotFound(
            f"there is no refund batch {message_id}", code="batch_not_found", field="message_id"
        )
    return batch


def confirmation_files_held() -> QuerySet[ConfirmationFile]:
    """The bank's status reports that could not be applied, kept with their problem (for
    `refund_confirmations_reprocess`), oldest first."""
    return ConfirmationFile.objects.filter(state=ConfirmationFile.State.HELD).order_by("pk")
