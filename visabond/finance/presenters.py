"""What the cashier's and finance's pages say of what a service did, in the page's language,
and the refunds grouped as finance works through them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from visabond.core.money import Money
from visabond.ledger.postings import Account
from visabond.payments.receipts import Recorded
from visabond.refunds.models import Refund
from visabond.refunds.rules import RefundState, TransferState
from visabond.refunds.selectors import (
    ClockRow,
    TransferView,
    refund_state_shown,
    transfer_view,
)
from visabond.refunds.services import BatchOutcome

# A refund's and a transfer's states as finance reads them (`refund_state_shown` adds
# `awaiting_account`), in the page's language: a page shows words, never stored codes.
REFUND_STATES: dict[str, Promise] = {
    "awaiting_account": gettext_lazy("awaiting the obligor's account"),
    RefundState.DUE: gettext_lazy("due"),
    RefundState.SENT: gettext_lazy("sent"),
    RefundState.PAID: gettext_lazy("paid"),
}
TRANSFER_STATES: dict[str, Promise] = {
    TransferState.SENT: gettext_lazy("sent"),
    TransferState.PAID: gettext_lazy("paid"),
    TransferState.REJECTED: gettext_lazy("rejected by the bank"),
}
# Why a batch left a refund waiting, by the refunds part's words (`refund_batch_create`):
# each as the page's language says it.
WAITING = (
    (
        re.compile(r"^bond (?P<bond>\S+): the obligor has not given a refund account$"),
        gettext_lazy("bond %(bond)s: the obligor has not given a refund account"),
    ),
    (
        re.compile(r"^no escrow account is recorded in (?P<currency>[A-Z]{3})$"),
        gettext_lazy("no escrow account is recorded in %(currency)s"),
    ),
)


def waiting_said(why: str) -> str:
    """A batch's reason for leaving a refund waiting, in the page's language (the service's
    own words when they are not one of `WAITING`)."""
    for pattern, said in WAITING:
        found = pattern.match(why)
        if found:
            return str(said) % found.groupdict()
    return why


# The ledger's accounts (`ledger.postings.Account`) as finance reads them on a page; the CSV
# report and the command line keep the account codes, which are the files' vocabulary.
ACCOUNTS: dict[str, Promise] = {
    Account.ESCROW_CASH: gettext_lazy("Escrow cash"),
    Account.OBLIGOR_LIABILITY: gettext_lazy("Owed to obligors"),
    Account.REFUNDS_PAYABLE: gettext_lazy("Refunds payable"),
    Account.FORFEITED: gettext_lazy("Forfeited to the Treasury"),
    Account.UNAPPLIED_RECEIPTS: gettext_lazy("Unapplied receipts"),
}


def account_label(code: str) -> str:
    """A ledger account's name in the page's language (the code itself if unknown)."""
    return str(ACCOUNTS.get(code, code))


def reconciliation_shown(kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A kept verification's reconciliation (`LedgerVerification.reconciliation`, amounts as
    decimal strings) with its amounts as `Money` again and its accounts named, for the page
    to write them the way its language writes them."""
    shown = []
    for row in kept:
        currency = row["currency"]
        shown.append(
            {
                "currency": currency,
                "escrow_cash": Money.of(row["escrow_cash"], currency),
                "escrow_cash_label": account_label(Account.ESCROW_CASH),
                "claims": [
                    (account_label(name), Money.of(amount, currency))
                    for name, amount in row["claims"]
                ],
                "bonds": [
                    {
                        **held,
                        "amount": Money.of(held["amount"], currency),
                        "accounts": [account_label(a) for a in held["accounts"]],
                    }
                    for held in row["bonds"]
                ],
            }
        )
    return shown


def report_shown(report: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, Money]]:
    """`selectors.ledger_report` rows (account code, currency, balance as a decimal string)
    as the ledger page shows them: the account named, the balance as `Money` (a broken
    ledger may hold a negative one, which `Money.of`, for input, would refuse)."""
    return [
        (account_label(account), currency, Money(Decimal(balance), currency))
        for account, currency, balance in report
    ]


def receipt_said(recorded: Recorded) -> str:
    """What the cashier is told once a receipt is recorded (or was already)."""
    payment = recorded.payment
    values = {
        "receipt": payment.external_id,
        "payment": payment.number,
        "bond": payment.bond.number if payment.bond else "—",
    }
    if not recorded.created:
        return (
            _(
                "Receipt %(receipt)s was recorded before (payment %(payment)s): nothing was recorded twice."
            )
            % values
        )
    return _("Receipt %(receipt)s recorded as payment %(payment)s: bond %(bond)s posted.") % values


def batch_said(outcome: BatchOutcome) -> list[str]:
    """What the finance officer is told once a batch is asked for: the batch made (or none),
    and each refund left waiting with why (the services' words: an obligor's account, an
    escrow account)."""
    said = []
    if outcome.batch is None:
        said.append(_("No refund could be sent: no batch was made."))
    else:
        said.append(
            _(
                "Batch %(batch)s made with %(count)s transfers: download its pain.001 file for the bank."
            )
            % {"batch": outcome.batch.message_id, "count": len(outcome.transfers)}
        )
    for number, why in outcome.waiting:
        said.append(
            _("Refund %(refund)s waits: %(why)s") % {"refund": number, "why": waiting_said(why)}
        )
    return said


@dataclass(frozen=True)
class RefundRow:
    """A refund as finance reads it: its state shown (`awaiting_account` included) and its
    transfers, the last one first."""

    refund: Refund
    state: str
    transfers: tuple[TransferView, ...]

    @property
    def last_failure(self) -> TransferView | None:
        rejected = [t for t in self.transfers if t.state == TransferState.REJECTED]
        return rejected[-1] if rejected else None


@dataclass(frozen=True)
class Section:
    """Refunds in one state; payable ones also list the cancelled bonds whose refund row the
    next batch opens (`ClockRow`, with its refund clock)."""

    key: str
    title: Promise
    help: Promise
    rows: list[RefundRow]
    cancelled: list[ClockRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.cancelled)


SECTIONS = (
    (
        "payable",
        gettext_lazy("Payable"),
        gettext_lazy("In refunds payable, waiting for the next batch."),
    ),
    (
        "failed",
        gettext_lazy("Failed"),
        gettext_lazy("The bank rejected the transfer: due again, the next batch retries it."),
    ),
    (
        "sent",
        # The portal's "Sent" column is a date ("Envoyé le"); this heading counts refunds.
        pgettext_lazy("refunds heading", "Sent"),
        gettext_lazy("In a batch the bank has: awaiting its report."),
    ),
    (
        "confirmed",
        gettext_lazy("Confirmed"),
        gettext_lazy("The bank confirmed the transfer: the money left the ledger."),
    ),
)


def refund_sections(refunds: Iterable[Refund], clocks: Iterable[ClockRow]) -> list[Section]:
    """Rows of `refunds_listed`, grouped: payable (due, never rejected, and the cancelled
    bonds of `clocks` that have no refund row yet), failed (due again after the bank
    rejected a transfer), sent, confirmed (paid)."""
    grouped: dict[str, list[RefundRow]] = {key: [] for key, _title, _help in SECTIONS}
    with_row = set()
    for refund in refunds:
        row = RefundRow(
            refund=refund,
            state=refund_state_shown(refund),
            transfers=tuple(transfer_view(t) for t in refund.transfers.all()),
        )
        if refund.bond is not None:
            with_row.add(refund.bond.number)
        if refund.state == RefundState.PAID:
            grouped["confirmed"].append(row)
        elif refund.state == RefundState.SENT:
            grouped["sent"].append(row)
        elif row.last_failure is not None:
            grouped["failed"].append(row)
        else:
            grouped["payable"].append(row)
    waiting = [c for c in clocks if c.bond_number not in with_row]
    return [
        Section(key, title, help_, grouped[key], waiting if key == "payable" else [])
        for key, title, help_ in SECTIONS
    ]
