"""Forms of the cashier's and the finance officer's pages: they check form; the payments and
refunds services check meaning, and their refusals are shown beside the field they name
(`web.forms.add_service_error`), in the page's language (`REFUSALS`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.portal.forms import REFUND_ACCOUNT_ERRORS, RefundAccountForm
from visabond.web.forms import IsoDayField


class ReceiptForm(forms.Form):
    """Money a payer hands over at the post's counter, as the receipt written for it."""

    case_reference = forms.CharField(
        label=_("Case reference or bond number"),
        max_length=40,
        help_text=_("As the bond notice the payer holds names it (C-... or B-...)."),
    )
    amount = forms.CharField(label=_("Amount received"), max_length=30)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=100,
        help_text=_("The number printed on the receipt handed to the payer: one number, one sum."),
    )
    payer_name = forms.CharField(label=_("Payer's name"), max_length=200)


class ApplyForm(forms.Form):
    """Apply quarantined money to the case it was meant for."""

    case_reference = forms.CharField(label=_("Case reference"), max_length=40)
    reason = forms.CharField(
        label=_("Why this case"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(RefundAccountForm):
    """Return money to its payer's account; unapplied money only as a recorded exception."""

    reason = forms.CharField(
        label=_("Why it is returned"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    exception = forms.BooleanField(
        label=_(
            "Money paid without a direction is kept under the program's rule: "
            "return it as an exception"
        ),
        required=False,
    )


class ConfirmationUploadForm(forms.Form):
    """The bank's ISO 20022 pain.002 status report for a refund batch."""

    file = forms.FileField(label=_("The bank's status report (pain.002 XML)"))


class LedgerReportForm(forms.Form):
    """The day whose closing balances the ledger page and its CSV show (none: everything)."""

    as_of = IsoDayField(label=_("Balances at the end of"), required=False)


# The services' refusals the console meets, in the reader's language by error code: the
# services write English for logs and the API. A code not here is said by `error_text`.
REFUSALS = {
    **REFUND_ACCOUNT_ERRORS,
    "required": _("This field is required."),
    "too_long": _("This is longer than the field takes."),
    "case_not_found": _("There is no such case or bond at your post."),
    "receipt_number_reused": _(
        "This receipt number was recorded before with another amount or case: one receipt "
        "number is one payment. Check the receipt."
    ),
    "amount_mismatch": _("This is not the amount the bond was directed for."),
    "currency_mismatch": _("This is not the currency the bond was directed in."),
    "bond_state": _("This case's bond is not awaiting payment."),
    "bond_not_directed": _("This case has no bond awaiting payment."),
    "case_mismatch": _("The payment names another case than this bond's."),
    "post_not_assigned": _("You are assigned to no post: ask an administrator to assign you."),
    "unapplied_not_returned": _(
        "Money paid without a direction is not returned under the program's rule: tick the "
        "exception and say why."
    ),
    "unapplied_not_applied": _(
        "Money paid without a direction cannot be applied here: return it as an exception."
    ),
    "payment_disposition": _("This payment was decided already."),
    "reason_missing": _("Say why."),
    "end_to_end_id_unknown": _(
        "The bank reports on transfers that were never sent: nothing is applied and the file "
        "is kept."
    ),
    "original_message_unknown": _(
        "The bank reports on a batch that was never sent: nothing is applied and the file is kept."
    ),
    "pain002_unreadable": _("This file is not XML the console can read: nothing is applied."),
    "pain002_not_status_report": _(
        "This file is not an ISO 20022 pain.002 status report: nothing is applied."
    ),
    "pain002_incomplete": _(
        "This status report lacks an element a report must have: nothing is applied."
    ),
    "transfer_status_contradicts": _(
        "The bank reverses a final status it gave before: nothing is applied and the file is "
        "kept for a finance officer."
    ),
}
