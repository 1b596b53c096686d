"""Forms of the public page and the policy console; they check form, services check meaning."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.core import clock
from visabond.core.countries import all_countries
from visabond.core.errors import VisabondError
from visabond.core.money import validate_currency
from visabond.policy.models import Program
from visabond.policy.visa_classes import CLASSES


def country_choices() -> list[tuple[str, str]]:
    return [(c.alpha_3, f"{c.name} ({c.alpha_3})") for c in all_countries()]


def visa_class_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (issuer, [(code, label) for code, (label, _aliases) in table.items()])
        for issuer, table in CLASSES.items()
    ]


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class DateInput(forms.DateInput):
    input_type = "date"


class RequirementForm(forms.Form):
    issuer = forms.ChoiceField(label=_("Destination (issuing state)"))
    nationality = forms.ChoiceField(label=_("Nationality"))
    visa_class = forms.ChoiceField(label=_("Visa class"))
    on = forms.DateField(label=_("Date of application"), widget=DateInput)
    known_on = forms.DateField(
        label=_("As announced by (optional)"), required=False, widget=DateInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = country_choices()
        choice_field(self, "issuer").choices = countries
        choice_field(self, "nationality").choices = [("", "—"), *countries]
        choice_field(self, "visa_class").choices = visa_class_choices()
        self.fields["issuer"].initial = "USA"
        self.fields["on"].initial = clock.today()


def add_service_error(
    form: forms.Form, error: VisabondError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's refusal beside the field it names, or above the form."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


class DecisionForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput)
    announced_on = forms.DateField(label=_("Announced on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    source_title = forms.CharField(label=_("Source (title)"), max_length=400)
    source_url = forms.URLField(label=_("Source (address)"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["announced_on"].initial = clock.today()


class TermsForm(DecisionForm):
    bond_required = forms.BooleanField(label=_("Bond required"), required=False, initial=True)
    amounts = forms.CharField(
        label=_("Allowed amounts"), required=False, help_text=_("e.g. 5000, 10000, 15000")
    )
    standard_amount = forms.CharField(label=_("Standard amount"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, initial="USD", max_length=3)
    entries = forms.IntegerField(label=_("Entries"), required=False, min_value=1, initial=1)
    validity_days = forms.IntegerField(
        label=_("Visa validity (days)"), required=False, min_value=1, initial=90
    )
    max_stay_days = forms.IntegerField(
        label=_("Longest admission (days)"), required=False, min_value=1, initial=30
    )
    ports = forms.CharField(
        label=_("Designated ports (IATA)"), required=False, help_text=_("e.g. BOS JFK IAD")
    )
    issuance_suspended = forms.BooleanField(label=_("Visa issuance suspended"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_to = forms.DateField(
        label=_("Effective until (inclusive)"), required=False, widget=DateInput
    )

    def terms_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "bond_required": data["bond_required"],
            "amounts": [a for a in data["amounts"].replace(",", " ").split() if a],
            "standard_amount": data["standard_amount"] or None,
            "currency": data["currency"] or None,
            "entries": data["entries"],
            "validity_days": data["validity_days"],
            "max_stay_days": data["max_stay_days"],
            "ports": data["ports"].replace(",", " ").split(),
            "issuance_suspended": data["issuance_suspended"],
            "notes": data["notes"],
        }


class DesignateForm(TermsForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("issuer", "code"), label=_("Program")
    )
    nationality = forms.ChoiceField(label=_("Nationality"))
    visa_class = forms.CharField(
        label=_("Visa class"), initial="B1/B2", help_text=_("* for all classes")
    )

    field_order = ["program", "nationality", "visa_class"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "nationality").choices = country_choices()


class AmendForm(TermsForm):
    keep_end = forms.BooleanField(
        label=_("Keep the current end date"), required=False, initial=True
    )


class WithdrawForm(DecisionForm):
    pass


class ReviewDecisionForm(forms.Form):
    review_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("acknowledge", _("Acknowledge")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_from = forms.DateField(label=_("Effective from"), required=False, widget=DateInput)
    announced_on = forms.DateField(label=_("Announced on"), required=False, widget=DateInput)


def parse_mapping(text: str, *, field: str) -> dict[str, str]:
    """'B1/B2=SHORT-STAY, BOS=BKO' -> {'B1/B2': 'SHORT-STAY', 'BOS': 'BKO'}."""
    mapping: dict[str, str] = {}
    for pair in text.replace(",", " ").split():
        source, sep, target = pair.partition("=")
        if not sep or not source or not target:
            raise forms.ValidationError(
                _("write each pair as SOURCE=TARGET, e.g. BOS=BKO (%(pair)s)") % {"pair": pair},
                code=f"{field}_malformed",
            )
        mapping[source.strip().upper()] = target.strip().upper()
    if not mapping:
        raise forms.ValidationError(_("give at least one pair"), code=f"{field}_empty")
    return mapping


class DirectiveForm(DecisionForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("issuer", "code"), label=_("Program")
    )
    counterpart = forms.ChoiceField(label=_("Reciprocity towards"))
    visa_class_mapping = forms.CharField(
        label=_("Visa classes (theirs=ours)"), initial="B1/B2=SHORT-STAY"
    )
    port_mapping = forms.CharField(
        label=_("Ports (theirs=ours)"), initial="BOS=BKO JFK=BKO IAD=BKO"
    )
    cap = forms.DecimalField(
        label=_("Cap on the amount"), required=False, min_value=0, decimal_places=2
    )
    cap_currency = forms.CharField(
        label=_("Cap currency"), required=False, max_length=3, initial="USD"
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            ("adopted", _("adopted: each change waits for approval")),
            ("automatic", _("automatic")),
        ],
    )

    field_order = [
        "program",
        "counterpart",
        "visa_class_mapping",
        "port_mapping",
        "cap",
        "cap_currency",
        "mode",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "counterpart").choices = country_choices()

    def clean_visa_class_mapping(self) -> dict[str, str]:
        return parse_mapping(self.cleaned_data["visa_class_mapping"], field="visa_class_mapping")

    def clean_cap_currency(self) -> str | None:
        code = self.cleaned_data["cap_currency"]
        if not code:
            return None
        try:
            return validate_currency(code)
        except VisabondError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean_port_mapping(self) -> dict[str, str]:
        return parse_mapping(self.cleaned_data["port_mapping"], field="port_mapping")
