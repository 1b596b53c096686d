"""Forms of the "did my departure register?" page and of the officer's verdict on an upload;
they check form, the services check meaning (`web.forms.add_service_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.border.models import DepartureUpload
from visabond.web.forms import DayField, HiddenFieldsSaid


class DepartureCheckForm(forms.Form):
    bond_number = forms.CharField(
        label=_("Bond number"),
        max_length=40,
        help_text=_("As on your bond notice, e.g. B-7K3M-Q9TX (with or without the dashes)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = DayField(label=_("Date of birth"))


class EvidenceUploadForm(HiddenFieldsSaid):
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    hidden_refusals = {
        "token": _(
            "This form's code (given by your lookup, valid 30 minutes) is missing or "
            "altered: look your bond up again to send evidence."
        )
    }
    document = forms.ChoiceField(
        label=_("Evidence"),
        choices=[
            (DepartureUpload.Document.BOARDING_PASS.value, _("Boarding pass of the flight out")),
            (
                DepartureUpload.Document.ENTRY_STAMP.value,
                _("Entry stamp of the country you went to"),
            ),
        ],
    )
    port = forms.CharField(
        label=_("Airport (IATA code)"),
        max_length=3,
        help_text=_(
            "For a boarding pass the airport you left from (e.g. IAD); for a stamp the airport where you arrived."
        ),
    )
    departed_on = DayField(label=_("Date on the document"))
    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class UploadDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("accept", _("Accept: the departure counts")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
