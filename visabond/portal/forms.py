"""Forms of the applicant's portal; they check form, the services check meaning, and a
service's refusal is shown beside the field it names (`web.forms.add_service_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from visabond.casework.forms import ApplicationFields, visa_classes_of
from visabond.casework.models import ConsularPost
from visabond.core.countries import all_countries, fold, localized_name
from visabond.policy.models import Program


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return str(second)


class ClaimForm(forms.Form):
    """A walk-in case claimed by its obligor: what the printed bond notice gives, and the
    passport number the case was opened with."""

    reference = forms.CharField(label=_("Case reference"), max_length=40)
    claim_code = forms.CharField(
        label=_("Claim code"),
        max_length=40,
        help_text=_("As printed on your bond notice, e.g. 7KQ2-M9XD-4HT0-B1ZA-Q8RW."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passport_number = forms.CharField(label=_("Passport number"), max_length=20)


def post_choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.name} ({p.city})") for p in ConsularPost.objects.order_by("name")]


class ApplicationForm(ApplicationFields):
    """An application: the post, the visa, the passport's zone, the identity typed again
    (checked against the zone, field by field), and the trip."""

    post = forms.ChoiceField(label=_("Consular post"))
    field_order = ["post"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        post = self.fields["post"]
        assert isinstance(post, forms.ChoiceField)
        post.choices = [("", "—"), *post_choices()]
        visa_class = self.fields["visa_class"]
        assert isinstance(visa_class, forms.ChoiceField)
        visa_class.choices = visa_classes_of_posts()


def visa_classes_of_posts() -> list[tuple[str, str]]:
    """The visa classes of every state whose programs a consular post takes applications
    for, once each, labelled in the active language (the service checks the class against
    the chosen post's state)."""
    issuers = Program.objects.filter(posts__isnull=False).values_list("issuer", flat=True)
    return visa_classes_of(set(issuers))


def bank_country_choices() -> list[tuple[str, str]]:
    """Every country by its ISO 3166 alpha-2 code (as IBANs, BICs and ISO 20022 write it),
    named in the reader's language and sorted by that name."""
    language = get_language()
    named = [(c.alpha_2, localized_name(c.alpha_3, language)) for c in all_countries()]
    return sorted(((code, f"{name} ({code})") for code, name in named), key=lambda c: fold(c[1]))


class RefundAccountForm(forms.Form):
    """Where the obligor's refunds are paid (an ISO 20022 creditor account): an IBAN, or
    where the country has none an account number with the bank's BIC or US routing number.
    The account is checked by `refunds.bank_accounts.bank_account`."""

    holder_name = forms.CharField(label=_("Account holder, as the bank knows them"), max_length=140)
    country = forms.ChoiceField(label=_("Country of the bank"))
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        help_text=_("Where the bank's country uses IBANs."),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=42,
        required=False,
        help_text=_("Where the country has no IBAN (Malawi, Mali, the United States...)."),
    )
    bic = forms.CharField(
        label=_("BIC (bank identifier)"),
        max_length=11,
        required=False,
        help_text=_("8 or 11 characters; needed with an account number."),
    )
    routing_number = forms.CharField(
        label=_("Routing number (a US bank, instead of the BIC)"), max_length=11, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", "—"), *bank_country_choices()]


# The account's checks (`refunds.bank_accounts.bank_account`) in the reader's language, by
# error code: the service's own messages are English, for logs and the API.
REFUND_ACCOUNT_ERRORS = {
    "holder_name_missing": _("Name the account holder as the bank knows them."),
    "too_long": _("An account holder's name has at most 140 characters."),
    "country_unknown": _("Choose the country of the bank."),
    "country_missing": _("Choose the country of the bank."),
    "account_twice": _("Give either an IBAN or an account number, not both."),
    "account_missing": _(
        "Give the account's IBAN, or its account number where the country has no IBAN."
    ),
    "iban_check_digits": _(
        "This is not an IBAN: its check digits do not match (ISO 13616). A character was "
        "probably mistyped."
    ),
    "iban_country_unknown": _(
        "This country does not use IBANs: give the account number and the bank's BIC instead."
    ),
    "iban_format": _(
        "This IBAN does not have the length and layout of its country's IBANs (ISO 13616)."
    ),
    "iban_country_mismatch": _("This IBAN is of another country than the bank's."),
    "account_number_format": _("An account number has at most 34 letters and digits."),
    "bank_missing": _("An account number needs its bank: give the BIC (or the routing number)."),
    "bic_format": _(
        "This is not a BIC: 8 or 11 characters, 4 letters for the bank, 2 for the country, 2 for "
        "the place, optionally 3 for the branch (ISO 9362)."
    ),
    "bic_country_mismatch": _("This BIC is of a bank in another country than the one chosen."),
    "routing_not_supported": _(
        "A routing number is taken only for a bank in the United States: give the BIC."
    ),
    "routing_check_digit": _(
        "This is not an ABA routing number: nine digits whose last one checks the others."
    ),
}
