"""Forms of the public page and the policy console; they check form, services check meaning."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from visabond.core import clock
from visabond.core.airports import airport_country
from visabond.core.countries import all_countries, fold
from visabond.core.country_names import listed_name
from visabond.core.errors import VisabondError
from visabond.core.money import parse_amount, validate_currency
from visabond.policy.models import (
    NOTES_MAX,
    REASON_MAX,
    SOURCE_TITLE_MAX,
    SOURCE_URL_MAX,
    Program,
)
from visabond.policy.rules import VISA_CONDITION_LIMITS
from visabond.policy.visa_classes import visa_classes
from visabond.web import forms as web_forms
from visabond.web.localized import error_text
from visabond.web.widgets import DateInput, FastSelect, Group, KeptSelect, Option, options_markup


@cache
def _countries(language: str) -> tuple[Option, ...]:
    named = [(c.alpha_3, listed_name(c.alpha_3, language)) for c in all_countries()]
    named.sort(key=lambda pair: fold(pair[1]))
    return tuple((code, f"{name} ({code})") for code, name in named)


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166 alpha-3 code a country list offers."""
    return frozenset(c.alpha_3 for c in all_countries())


def _language() -> str:
    return get_language() or "en"


def issuer_choices(registered: frozenset[str]) -> list[Group]:
    """Destinations: the states the registry has programs for first, then every other state."""
    countries = _countries(_language())
    return [
        (gettext("States in the registry"), [c for c in countries if c[0] in registered]),
        (
            gettext("Other states (no information)"),
            [c for c in countries if c[0] not in registered],
        ),
    ]


# The country lists drawn once per language (and per set of registered states): they are
# the bulk of the public page, and redrawing ~250 options twice per view was most of its time.
@cache
def _country_options(language: str, *, blank: bool) -> str:
    return options_markup([("", "—")] * blank + list(_countries(language)))


@lru_cache(maxsize=16)
def _issuer_options(language: str, registered: frozenset[str]) -> str:
    return options_markup(issuer_choices(registered))


def country_options(*, blank: bool = False) -> str:
    """Every country as `<option>`s in the active language, after "—" when `blank`."""
    return _country_options(_language(), blank=blank)


def issuer_options(registered: frozenset[str]) -> str:
    """`issuer_choices` as `<option>`s in the active language."""
    return _issuer_options(_language(), registered)


class CountryField(forms.CharField):
    """A country chosen from a list, by ISO 3166 alpha-3 code.

    Its list is drawn once (`KeptSelect`), so the code is checked against the codes a list
    offers rather than against choices built for every form.
    """

    default_error_messages = {
        "invalid_choice": _("Select a valid choice. %(value)s is not one of the available choices.")
    }

    def __init__(
        self, *, options: Callable[[], str], blank_first: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(widget=KeptSelect(options, blank_first=blank_first), **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in country_codes():
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


def visa_class_choices(issuer: str) -> list[Option]:
    """The destination's own visa classes, labelled in the active language."""
    return [(code, gettext(label)) for code, label in visa_classes(issuer)]


def visa_classes_by_issuer(registered: frozenset[str]) -> dict[str, list[Option]]:
    """Each registered destination's classes, for the page's script to follow the destination."""
    return {issuer: visa_class_choices(issuer) for issuer in sorted(registered)}


class RequirementForm(forms.Form):
    """The traveller's question; the visa classes offered are the chosen destination's."""

    issuer = CountryField(label=_("Destination (issuing state)"), options=lambda: "")
    nationality = CountryField(
        label=_("Nationality"), options=lambda: country_options(blank=True), blank_first=True
    )
    # Checked by the lookup, which names the destination's classes when one is not its own.
    visa_class = forms.CharField(label=_("Visa class"), max_length=20, widget=FastSelect)
    on = forms.DateField(label=_("Date of application"), widget=DateInput)
    known_on = forms.DateField(
        label=_("As announced by (optional)"), required=False, widget=DateInput
    )

    def __init__(self, *args: Any, registered: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuer_select = self.fields["issuer"].widget
        assert isinstance(issuer_select, KeptSelect)
        issuer_select.kept_options = lambda: issuer_options(registered)
        self.fields["issuer"].initial = "USA"
        self.fields["on"].initial = clock.today()
        chosen = self.data if self.is_bound else self.initial
        issuer = str(chosen.get("issuer") or "USA")
        classes = visa_class_choices(issuer.upper())
        widget = self.fields["visa_class"].widget
        assert isinstance(widget, FastSelect)
        widget.choices = classes or [("*", gettext("any visa class"))]


def amount_list(text: str) -> list[str]:
    """Amounts typed in one field: "5000, 10000 15000" -> ["5000", "10000", "15000"].

    A comma separates amounts only before a space or at the end: "12,500" stays one token,
    which `parse_amount` refuses, rather than becoming the two amounts 12 and 500.
    """
    return [a for a in re.split(r",?\s+|,$", text.strip()) if a]


def check_amount(text: str, *, currency: object) -> None:
    """`parse_amount`'s refusal as the field's error; an unknown currency is its own field's."""
    code = str(currency or "USD").strip().upper()
    try:
        parse_amount(text, currency=code if len(code) == 3 else "USD")
    except VisabondError as error:
        raise forms.ValidationError(error_text(error), code=error.code) from None


# Fields a service names that a form shows under another name.
FIELD_ALIASES = {"sources": "source_title", "period": "effective_to", "visa": "validity_days"}


def add_service_error(
    form: forms.Form, error: VisabondError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's refusal, in the page's language, beside the field it names, or above
    the form (`web.forms.add_service_error`, with the registry's own field names in
    FIELD_ALIASES)."""
    web_forms.add_service_error(
        form,
        error,
        aliases={**FIELD_ALIASES, **(aliases or {})},
        messages={error.code: error_text(error)},
    )


class DecisionForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput)
    announced_on = forms.DateField(label=_("Announced on"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    source_title = forms.CharField(label=_("Source (title)"), max_length=SOURCE_TITLE_MAX)
    source_url = forms.URLField(
        label=_("Source (address)"),
        required=False,
        assume_scheme="https",
        max_length=SOURCE_URL_MAX,
    )
    # A date before today changes answers already given: the services refuse it unless
    # the person deciding confirms it (`effective_in_past_unconfirmed`).
    confirm_past = forms.BooleanField(
        label=_("I confirm the effective date, although it has passed"), required=False
    )

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
    entries = forms.IntegerField(
        label=_("Entries"),
        required=False,
        min_value=1,
        max_value=VISA_CONDITION_LIMITS["entries"],
        initial=1,
    )
    validity_days = forms.IntegerField(
        label=_("Visa validity (days)"),
        required=False,
        min_value=1,
        max_value=VISA_CONDITION_LIMITS["validity_days"],
        initial=90,
    )
    max_stay_days = forms.IntegerField(
        label=_("Longest admission (days)"),
        required=False,
        min_value=1,
        max_value=VISA_CONDITION_LIMITS["max_stay_days"],
        initial=30,
    )
    ports = forms.CharField(
        label=_("Designated ports (IATA)"), required=False, help_text=_("e.g. BOS JFK IAD")
    )
    issuance_suspended = forms.BooleanField(label=_("Visa issuance suspended"), required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    effective_to = forms.DateField(
        label=_("Effective until (inclusive)"), required=False, widget=DateInput
    )

    def clean_amounts(self) -> str:
        """Each amount is checked here, so a bad amount shows beside this field."""
        text: str = self.cleaned_data["amounts"]
        for amount in amount_list(text):
            check_amount(amount, currency=self.data.get(self.add_prefix("currency")))
        return text

    def clean_currency(self) -> str:
        code: str = self.cleaned_data["currency"]
        if not code:
            return code
        try:
            return validate_currency(code)
        except VisabondError as error:
            raise forms.ValidationError(error_text(error), code=error.code) from None

    def clean_ports(self) -> str:
        text: str = self.cleaned_data["ports"]
        for port in text.replace(",", " ").split():
            if airport_country(port.upper()) is None:
                raise forms.ValidationError(
                    _("%(port)s is not an IATA airport code") % {"port": port},
                    code="port_unknown",
                )
        return text

    def terms_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "bond_required": data["bond_required"],
            "amounts": amount_list(data["amounts"]),
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
    nationality = CountryField(label=_("Nationality"), options=country_options)
    visa_class = forms.CharField(
        label=_("Visa class"), initial="B1/B2", help_text=_("* for all classes")
    )

    field_order = ["program", "nationality", "visa_class"]


class AmendForm(TermsForm):
    keep_end = forms.BooleanField(
        label=_("Keep the current end date"), required=False, initial=True
    )


class WithdrawForm(DecisionForm):
    pass


class ReviewDecisionForm(web_forms.HiddenFieldsSaid):
    """A decision on a reciprocity review: always with a reason; a past date only if confirmed.

    "preview" recomputes the public answer for the date chosen and needs no reason.
    """

    review_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    hidden_refusals = {
        "review_id": _("The review this decision is for is missing: open the review again.")
    }
    decision = forms.ChoiceField(
        choices=[
            ("preview", _("Preview")),
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("acknowledge", _("Acknowledge")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    effective_from = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the source rule's own date."),
    )
    announced_on = forms.DateField(label=_("Announced on"), required=False, widget=DateInput)
    confirm_past = forms.BooleanField(
        label=_("I confirm the effective date, although it has passed"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") not in (None, "preview") and not cleaned.get("reason"):
            # The services refuse it too (`reason_missing`); said here, beside the field.
            self.add_error("reason", gettext("Say why: a reason is required."))
        return cleaned


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
    # Adopting a directive changes no answer by itself: its mirrors come up for review.
    confirm_past = None  # type: ignore[assignment]
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("issuer", "code"), label=_("Program")
    )
    counterpart = CountryField(label=_("Reciprocity towards"), options=country_options)
    visa_class_mapping = forms.CharField(
        label=_("Visa classes (theirs=ours)"), initial="B1/B2=SHORT-STAY"
    )
    port_mapping = forms.CharField(
        label=_("Ports (theirs=ours)"), initial="BOS=BKO JFK=BKO IAD=BKO"
    )
    # Read by `Money.of` like every amount (`cap_from_input`), not by Django's DecimalField,
    # which takes "1e3" and "1_000".
    cap = forms.CharField(label=_("Cap on the amount"), required=False, max_length=40)
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

    def clean_visa_class_mapping(self) -> dict[str, str]:
        return parse_mapping(self.cleaned_data["visa_class_mapping"], field="visa_class_mapping")

    def clean_cap_currency(self) -> str | None:
        code = self.cleaned_data["cap_currency"]
        if not code:
            return None
        try:
            return validate_currency(code)
        except VisabondError as error:
            raise forms.ValidationError(error_text(error), code=error.code) from None

    def clean_cap(self) -> str:
        text: str = self.cleaned_data["cap"].strip()
        if text:
            check_amount(text, currency=self.data.get(self.add_prefix("cap_currency")))
        return text

    def clean_port_mapping(self) -> dict[str, str]:
        return parse_mapping(self.cleaned_data["port_mapping"], field="port_mapping")
