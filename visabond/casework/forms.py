"""Forms of the consular console: they check form; `casework.services` checks meaning, and
its refusals are shown beside the field they name (`web.forms.add_service_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.casework.models import ConsularPost
from visabond.casework.presenters import AMOUNT_REASONS, CASE_STATES, OUTCOMES, waiver_label
from visabond.casework.rules import CapturedRule
from visabond.policy.forms import visa_class_choices
from visabond.web.localized import money_shown
from visabond.web.widgets import DateInput


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


class ApplicationFields(forms.Form):
    """What an application gives besides its post: the visa, the passport's zone, the
    identity typed again (checked against the zone, field by field), and the trip. The
    applicant's form (`portal.forms.ApplicationForm`) adds the post; a walk-in case's is
    the officer's own."""

    visa_class = forms.ChoiceField(label=_("Visa class"))
    passport_mrz = forms.CharField(
        label=_("Passport: the two lines at the bottom of the photo page"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "mrz", "spellcheck": "false"}),
        help_text=_("Type or paste them exactly, with every < sign."),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_names = forms.CharField(label=_("Given names"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput)
    passport_number = forms.CharField(label=_("Passport number"), max_length=20)
    purpose = forms.CharField(
        label=_("Purpose of the trip"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    intended_arrival = forms.DateField(label=_("Arrival"), widget=DateInput)
    intended_departure = forms.DateField(label=_("Departure"), widget=DateInput)


class WalkInForm(ApplicationFields):
    """An application made in person at the officer's post by someone without an account:
    the visa classes are those of the states whose programs the post issues for."""

    def __init__(self, *args: Any, post: ConsularPost, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visa_class = self.fields["visa_class"]
        assert isinstance(visa_class, forms.ChoiceField)
        visa_class.choices = visa_classes_of({p.issuer for p in post.programs.all()})


def visa_classes_of(issuers: set[str]) -> list[tuple[str, str]]:
    """The visa classes of the issuing states `issuers` (ISO 3166 alpha-3), once each,
    labelled in the active language (the service checks the class against the post's
    state)."""
    seen: dict[str, str] = {}
    for issuer in sorted(issuers):
        for code, label in visa_class_choices(issuer):
            seen.setdefault(code, label)
    return list(seen.items())
