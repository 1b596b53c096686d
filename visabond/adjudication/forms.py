"""Forms of the adjudication console: they check form; `adjudication.services` checks
meaning (the state, the second adjudicator), and its refusals are shown beside the field
they name (`web.forms.add_service_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.adjudication.services import MAX_TEXT


class DecisionForm(forms.Form):
    """An adjudicator's decision on an open adjudication (22 CFR 41.11(c), Form I-352)."""

    breach = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "breach",
        choices=[
            ("breach", _("Breach confirmed: forfeit the bond")),
            ("no_breach", _("No breach: cancel the bond and return its money")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (on the evidence)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApprovalForm(forms.Form):
    """A second adjudicator's answer to a forfeiture above the program's amount."""

    approve = forms.TypedChoiceField(
        label=_("Approval"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "approve",
        choices=[
            ("approve", _("Approve the forfeiture")),
            ("refuse", _("Do not approve: reopen the adjudication")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContestForm(forms.Form):
    """The obligor's contest of a forfeiture, with what they bring."""

    statement = forms.CharField(
        label=_("Why the decision is wrong"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.CharField(
        label=_("What you bring (e.g. a boarding pass, an exit stamp)"),
        required=False,
        max_length=500,
    )
