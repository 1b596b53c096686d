"""What the portal needs from refunds: the obligor's bank account, and the refunds sent.

The refunds part (outbound batches, bank confirmations) owns the tables and the writes; this
module is the small interface the portal is written against. Until refunds are part of the
installation it knows no account and no refund sent, and recording an account is refused
with a `Conflict` (`refunds_unavailable`) that the page shows; a refund confirmed by the
bank is already known from the bond's own events (`confirm_refund`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from visabond.audit.actors import Actor
from visabond.bonds.models import Bond
from visabond.core.errors import Conflict


@dataclass(frozen=True)
class RefundAccount:
    """Where the obligor wants the bond's refund paid (ISO 20022 creditor account)."""

    holder: str
    iban: str
    bic: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class RefundSent:
    """A refund payment that left in an outbound batch, and its bank confirmation if any."""

    payment_reference: str
    sent_at: dt.datetime
    confirmed_at: dt.datetime | None


def refund_account_of(bond: Bond) -> RefundAccount | None:
    """The account the obligor recorded for `bond`'s refund, if any."""
    return None


def refunds_sent_for(bond: Bond) -> list[RefundSent]:
    """The refund payments sent for `bond`, oldest first."""
    return []


def refund_account_record(
    *, bond: Bond, holder: str, iban: str, bic: str, actor: Actor
) -> RefundAccount:
    """Record where `bond`'s refund is to be paid (the refunds part validates the account).

    Raises `Conflict` (`refunds_unavailable`) until the refunds part is installed.
    """
    raise Conflict(
        "refund accounts cannot be recorded on this installation yet",
        code="refunds_unavailable",
        field=None,
    )
