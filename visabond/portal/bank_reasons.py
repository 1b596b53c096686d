"""Why a bank rejected a refund transfer, as an obligor reads it in their language.

The bank gives an ISO 20022 ExternalStatusReason1Code in its pain.002 status report
(`refunds.pain002.REASONS` names the common ones in English, for finance and the logs);
a code not listed here is shown as the bank gave it.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from visabond.refunds.selectors import TransferView

REASONS: dict[str, Promise] = {
    "AC01": _("incorrect account number"),
    "AC04": _("closed account number"),
    "AC06": _("blocked account"),
    "AG01": _("transaction forbidden on this account"),
    "AM04": _("insufficient funds"),
    "AM05": _("duplicate payment"),
    "BE01": _("account holder's name does not match the account"),
    "MS03": _("reason not specified by the bank"),
    "RC01": _("incorrect bank identifier (BIC)"),
    "RR01": _("missing debtor account or identification"),
}


def bank_reason(transfer: TransferView) -> str:
    """The rejection's reason: its ISO code and what it means in the active language, or
    the bank's own words when the code is not one we name."""
    meaning = REASONS.get(transfer.reason_code)
    if meaning is None:
        return transfer.reason
    return f"{transfer.reason_code} — {meaning}"
