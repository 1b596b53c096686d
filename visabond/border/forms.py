"""Forms of the border console: they check form; the zone reader (`zones.py`), the record
checks (`records.py`) and the services check meaning, and their refusals are shown beside
the field they name (`web.forms.add_service_error`)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visabond.border.passengers import DECISIVE
from visabond.web.forms import HiddenFieldsSaid
from visabond.web.widgets import DateInput

ZONE = {"rows": 2, "cols": 46, "class": "mrz", "spellcheck": "false", "autocomplete": "off"}


def new_record_id() -> str:
    """The sender's record id a console form carries from the moment it is shown: sent
    twice (a double click, a reload), the record is stored once."""
    return uuid.uuid4().hex


class ScanForm(HiddenFieldsSaid):
    """The two zones and the port, which every record at the port starts from."""

    hidden_refusals = {
        "record_id": _(
            "The record id this form carries (a code of at most 100 characters) is missing "
            "or too long: open the page again and read the zones."
        ),
        "shown": _("What this form showed (a signed code) was altered: read the zones again."),
    }

    passport_mrz = forms.CharField(
        label=_("Passport: the two lines of the machine readable zone"),
        widget=forms.Textarea(attrs=ZONE),
        help_text=_("Scan them, or type them exactly, with every < sign."),
    )
    visa_mrz = forms.CharField(
        label=_("Visa: the two lines of the machine readable zone"),
        widget=forms.Textarea(attrs=ZONE),
    )
    port = forms.CharField(
        label=_("Port (airport IATA code)"),
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    record_id = forms.CharField(widget=forms.HiddenInput, max_length=100)
    # What was read and shown (signed): a confirmation of other zones or another port, or
    # without a reading, shows them first.
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("record_id", new_record_id())


class AdmitForm(ScanForm):
    """An admission (or its refusal) at the port of entry."""

    visa_class = forms.CharField(label=_("Class of admission"), max_length=20, initial="B2")
    admit_until = forms.DateField(label=_("Admit until"), required=False, widget=DateInput)
    port_acknowledged = forms.BooleanField(
        label=_("I have checked: this port is not one the visa designates"), required=False
    )
    visa_difference_reason = forms.CharField(
        label=_("Why the visa scanned is accepted though it is not the visa on file"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    refusal_reason = forms.CharField(
        label=_("Reason for the refusal"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DepartureForm(ScanForm):
    """A departure seen at the port: an exit record, the strongest evidence of departure."""

    visa_mrz = forms.CharField(
        label=_("Visa: the two lines of the machine readable zone (if shown)"),
        required=False,
        widget=forms.Textarea(attrs=ZONE),
    )


class ReviewResolveForm(forms.Form):
    """A review item's resolution: one of its candidate admissions, or none (dismissed)."""

    admission = forms.ChoiceField(label=_("The admission it concerns"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["admission"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*candidates, ("none", _("None recorded here: dismiss it"))]


class ReprocessForm(forms.Form):
    """Read a quarantined manifest again, accepting defects an officer has checked."""

    accept = forms.MultipleChoiceField(
        label=_("Defects checked and accepted"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=sorted((d.value, d.value) for d in DECISIVE),
    )
    reason = forms.CharField(
        label=_("Why they are accepted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
