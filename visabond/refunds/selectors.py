"""Reads of refunds: the obligor's account, a bond's refund and its clock, and the refund
check `ledger verify` makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import DateTimeField, OuterRef, Subquery, Sum

from visabond.bonds.lifecycle import BondEvent, BondState
from visabond.bonds.models import Bond, BondEventRecord, BondTerms
from visabond.core import clock
from visabond.core.money import Money
from visabond.ledger.invariants import Break
from visabond.ledger.postings import Account
from visabond.ledger.selectors import in_minor_units
from visabond.refunds.models import Refund, RefundAccount, RefundTransfer
from visabond.refunds.rules import RefundClock, RefundState, TransferState, refund_clock


def refund_account_of(obligor: AbstractBaseUser) -> RefundAccount | None:
    """The account the obligor asked their refunds to be paid to, if they gave one."""
    return RefundAccount.objects.filter(obligor_id=obligor.pk).first()


@dataclass(frozen=True)
class TransferView:
    """One attempt to pay a refund, as the obligor and the finance officer see it."""

    end_to_end_id: str
    state: str
    sent_on: dt.date
    settled_on: dt.date | None
    account: str
    reason: str


@dataclass(frozen=True)
class RefundView:
    """Where a bond's refund stands: `awaiting_account` (the obligor has given no account),
    `due` (waiting for the next batch; again after a rejection), `sent` or `paid`; and every
    transfer, rejected ones with the bank's reason."""

    state: str
    amount: Money
    transfers: tuple[TransferView, ...]

    @property
    def failures(self) -> tuple[TransferView, ...]:
        return tuple(t for t in self.transfers if t.state == TransferState.REJECTED)


def refund_of_bond(bond: Bond) -> RefundView | None:
    """The refund of a cancelled or refunded bond; None for a bond that is owed no refund."""
    if bond.state not in (BondState.CANCELLED, BondState.REFUNDED):
        return None
    refund = Refund.objects.filter(bond=bond).first()
    transfers: tuple[TransferView, ...] = ()
    if refund is None:
        state = RefundState.DUE.value
    else:
        state = refund.state
        transfers = tuple(_view(t) for t in refund.transfers.select_related("batch"))
    has_account = bond.obligor_id is not None and (
        RefundAccount.objects.filter(obligor_id=bond.obligor_id).exists()
    )
    if state == RefundState.DUE and not has_account:
        state = "awaiting_account"
    return RefundView(state=state, amount=bond.money, transfers=transfers)


def _view(item: RefundTransfer) -> TransferView:
    account = item.creditor.get("iban") or item.creditor.get("account_number", "")
    return TransferView(
        end_to_end_id=item.end_to_end_id,
        state=item.state,
        sent_on=item.batch.created_at.date(),
        settled_on=None if item.settled_at is None else item.settled_at.date(),
        account=str(account),
        reason=item.reason,
    )


def refund_clock_of_bond(bond: Bond, *, today: dt.date | None = None) -> RefundClock | None:
    """Days since the bond's cancellation against its program's refund promise
    (`BondTerms.refund_promise_days`), stopping when the refund was confirmed; None for a
    bond never cancelled, or a program without bond terms."""
    events = {
        e.event: e.occurred_at
        for e in BondEventRecord.objects.filter(
            bond=bond, event__in=[BondEvent.CANCEL, BondEvent.CONFIRM_REFUND]
        )
    }
    cancelled = events.get(BondEvent.CANCEL)
    terms = BondTerms.objects.filter(program__cases__pk=bond.case_id).first()
    if cancelled is None or terms is None:
        return None
    refunded = events.get(BondEvent.CONFIRM_REFUND)
    return refund_clock(
        cancelled_on=cancelled.date(),
        promise_days=terms.refund_promise_days,
        today=today or clock.today(),
        refunded_on=None if refunded is None else refunded.date(),
    )


@dataclass(frozen=True)
class ClockRow:
    bond_number: str
    obligor_name: str
    amount: Money
    clock: RefundClock


def refund_clocks(*, today: dt.date | None = None) -> list[ClockRow]:
    """The refund clock of every cancelled bond (refund not yet confirmed), longest first:
    what a finance officer works through. Two queries, whatever the number of bonds."""
    cancelled_at = BondEventRecord.objects.filter(
        bond=OuterRef("pk"), event=BondEvent.CANCEL
    ).values("occurred_at")[:1]
    bonds = (
        Bond.objects.filter(state=BondState.CANCELLED)
        .annotate(cancelled_at=Subquery(cancelled_at, output_field=DateTimeField()))
        .values_list(
            "number", "obligor_name", "amount", "currency", "cancelled_at", "case__program_id"
        )
    )
    promise = dict(BondTerms.objects.values_list("program_id", "refund_promise_days"))
    day = today or clock.today()
    rows = [
        ClockRow(
            bond_number=number,
            obligor_name=name,
            amount=Money(amount, currency),
            clock=refund_clock(
                cancelled_on=cancelled_at.date(),
                promise_days=promise[program_id],
                today=day,
                refunded_on=None,
            ),
        )
        for number, name, amount, currency, cancelled_at, program_id in bonds
        if cancelled_at is not None and program_id in promise
    ]
    return sorted(rows, key=lambda row: (-row.clock.days_elapsed, row.bond_number))


def refund_ledger_breaks(
    *, balances: Mapping[tuple[Account, str], Decimal], cancelled: Mapping[str, Decimal]
) -> list[Break]:
    """Where refunds and the ledger disagree (the refunds invariant of `ledger verify`):

    - refunds payable beyond what cancelled bonds hold (`cancelled`, their amounts per
      currency: each bond's own balances are checked apart) are payment returns: per
      currency they must equal the payment returns not yet paid;
    - a bond refund recorded paid must be of a refunded bond, and a refunded bond's refund
      must be recorded paid.
    """
    breaks: list[Break] = []
    open_returns = dict(
        Refund.objects.filter(kind=Refund.Kind.PAYMENT_RETURN)
        .exclude(state=RefundState.PAID)
        .values("currency")
        .annotate(total=Sum("amount"))
        .values_list("currency", "total")
    )
    currencies = {c for a, c in balances if a is Account.REFUNDS_PAYABLE} | set(open_returns)
    for currency in sorted(currencies):
        payable = balances.get((Account.REFUNDS_PAYABLE, currency), Decimal(0))
        returns = payable - cancelled.get(currency, Decimal(0))
        owed = in_minor_units(open_returns.get(currency) or Decimal(0), currency)
        if returns != owed:
            breaks.append(
                Break(
                    "refunds",
                    f"payment returns {currency}",
                    f"refunds payable beyond cancelled bonds {returns} != returns not yet "
                    f"paid {owed}",
                )
            )
    paid_not_refunded = Refund.objects.filter(state=RefundState.PAID, bond__isnull=False).exclude(
        bond__state=BondState.REFUNDED
    )
    refunded_not_paid = Bond.objects.filter(state=BondState.REFUNDED).exclude(
        refund__state=RefundState.PAID
    )
    breaks += [
        Break("refunds", f"refund {r.number}", f"paid, but bond {r.bond} is not refunded")
        for r in paid_not_refunded.select_related("bond")
    ]
    breaks += [
        Break("refunds", f"bond {b.number}", "refunded, but no refund of it is recorded paid")
        for b in refunded_not_paid
    ]
    return breaks
