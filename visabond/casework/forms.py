"""Forms of the consular console: they check form; `casework.services` checks meaning, and
its refusals are shown beside the field they name (`web.forms.add_service_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.casework.presenters import AMOUNT_REASONS, CASE_STATES, OUTCOMES, waiver_label
from visabond.casework.rules import CapturedRule
from visabond.web.localized import money_shown


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Reference, passport or name"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["state"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("every state")), *CASE_STATES.items()]


class InterviewForm(forms.Form):
    notes = forms.CharField(
        label=_("Interview notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefuseForm(forms.Form):
    explanation = forms.CharField(
        label=_("Reason for the refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    """The officer's decision at the interview; amounts and grounds come from the rule.

    Amount and currency are free text shown as choices, so an amount the rule does not
    allow is refused by the rule itself (`rules.interview_decision`), naming the field.
    """

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    amount = forms.CharField(label=_("Bond amount"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    reason = forms.ChoiceField(label=_("Reason for the amount"), required=False)
    waiver_ground = forms.CharField(label=_("Waiver ground"), required=False)
    explanation = forms.CharField(
        label=_("Explanation (given to the applicant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rule: CapturedRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("outcome", list(OUTCOMES.items()))
        self._choices("reason", [("", "—"), *AMOUNT_REASONS.items()])
        # The value stays the machine form the service reads; the label is the page's way.
        amounts = [(m.as_string(), money_shown(m)) for m in rule.amounts]
        self.fields["amount"].widget = forms.Select(choices=[("", "—"), *amounts])
        if rule.standard_amount is not None:
            self.fields["amount"].initial = rule.standard_amount.as_string()
            self.fields["reason"].initial = "standard"
        currency = rule.currency or ""
        self.fields["currency"].widget = forms.Select(choices=[(currency, currency)])
        self.fields["currency"].initial = currency
        grounds = [(g.code, f"{waiver_label(g)} ({g.source})") for g in rule.waiver_grounds]
        self.fields["waiver_ground"].widget = forms.Select(choices=[("", "—"), *grounds])
        self.fields["outcome"].initial = "direct_bond" if rule.bond_required else "approve"

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
