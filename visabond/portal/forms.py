"""Forms of the applicant's portal; they check form, the services check meaning, and a
service's refusal is shown beside the field it names (`web.forms.add_service_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from visabond.casework.models import ConsularPost
from visabond.policy.forms import DateInput, visa_class_choices


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


def post_choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.name} ({p.city})") for p in ConsularPost.objects.order_by("name")]


class ApplicationForm(forms.Form):
    """An application: the post, the visa, the passport's zone, the identity typed again
    (checked against the zone, field by field), and the trip."""

    post = forms.ChoiceField(label=_("Consular post"))
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        post = self.fields["post"]
        assert isinstance(post, forms.ChoiceField)
        post.choices = [("", "—"), *post_choices()]
        visa_class = self.fields["visa_class"]
        assert isinstance(visa_class, forms.ChoiceField)
        visa_class.choices = visa_class_choices()


class RefundAccountForm(forms.Form):
    """Where the bond's refund is to be paid (an ISO 20022 creditor account)."""

    holder = forms.CharField(label=_("Account holder"), max_length=140)
    iban = forms.CharField(label=_("IBAN or account number"), max_length=34)
    bic = forms.CharField(label=_("BIC (bank identifier)"), max_length=11, required=False)
