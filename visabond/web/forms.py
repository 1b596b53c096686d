"""What every form of the pages shares: a service's refusal shown beside its field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visabond.core.dates import ISO_DAY as ISO_DAY_TEXT
from visabond.core.errors import VisabondError
from visabond.web.localized import error_text
from visabond.web.widgets import ISO_DAY, DateInput, DayInput, day_format


def add_service_error(
    form: forms.Form,
    error: VisabondError,
    *,
    aliases: dict[str, str] | None = None,
    messages: Mapping[str, str | Promise] | None = None,
) -> None:
    """Show a service's refusal beside the field it names (an item's index and the path of a
    nested field left out; through `aliases` where the form calls it otherwise), or above the
    form when no field of the form has that name.

    `messages` gives, by error code, the words a page shows instead of the service's own
    (written in English for logs and the API): the reader's language, through gettext."""
    # "amounts[1]" is shown beside "amounts", "terms.standard_amount" beside "standard_amount".
    name = re.sub(r"\[\d+\]$", "", error.field or "").rsplit(".", 1)[-1]
    field = (aliases or {}).get(name, name)
    # Without words of the page's own, the service's refusal in the page's language.
    shown = (messages or {}).get(error.code) or error_text(error)
    # The code goes with the message: a page may ask `form.has_error(field, code)`.
    refusal = forms.ValidationError(str(shown), code=error.code)
    form.add_error(field if field in form.fields else None, refusal)


class HiddenFieldsSaid(forms.Form):
    """A form whose hidden fields' refusals are said above it, as a sentence naming the
    field and its rule in the page's language: a page draws no hidden field's errors (Django
    leaves them beside the invisible input), so a missing or tampered token said nothing.

    `hidden_refusals` gives, by field name, the sentence to say; a field without one is
    said by its label and Django's own (translated) message."""

    hidden_refusals: Mapping[str, str | Promise] = {}

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not self.errors:
            return
        for field in self.hidden_fields():
            errors = self.errors.pop(field.name, None)
            if not errors:
                continue
            said = self.hidden_refusals.get(field.name)
            if said is None:
                said = _("The hidden field %(field)s of this form was refused: %(rule)s") % {
                    "field": field.name,
                    "rule": " ".join(str(e) for e in errors),
                }
            self.add_error(None, forms.ValidationError(str(said), code=f"{field.name}_invalid"))


class DayField(forms.DateField):
    """A day typed as the page's language writes it (`widgets.DAY_FORMATS`: 31/10/2025 in
    French) or in the ISO form, read in every language; refused with a sentence naming the
    form expected."""

    widget = DayInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["invalid"] = gettext_lazy(
            "Write the date as %(format)s (e.g. %(example)s) or as YYYY-MM-DD."
        )

    def to_python(self, value: Any) -> Any:
        # Read in the language of the request being answered (a form's field is its own
        # copy, so setting the formats here touches no other request).
        written = day_format()[0]
        self.input_formats = [written] if written == ISO_DAY else [written, ISO_DAY]
        try:
            return super().to_python(value)
        except forms.ValidationError:
            hint = day_format()[1]
            example = dt.date(2025, 10, 31).strftime(day_format()[0])
            raise forms.ValidationError(
                self.error_messages["invalid"] % {"format": hint, "example": example},
                code="invalid",
            ) from None


class IsoDayField(forms.DateField):
    """A day in the ISO form alone (YYYY-MM-DD, ISO 8601), as a date input and a link's query
    string write it in every language; refused with a sentence naming the value typed and
    the form expected. A filter in a query string is read with it: another form (03/02/2026)
    is read two ways, and a page must not guess."""

    widget = DateInput
    input_formats = [ISO_DAY]
    default_error_messages = {
        "invalid": gettext_lazy("“%(value)s” is not a date written YYYY-MM-DD (e.g. 2026-03-31).")
    }

    def to_python(self, value: Any) -> Any:
        try:
            if isinstance(value, str) and value.strip() and not ISO_DAY_TEXT.fullmatch(value):
                # strptime also reads 2026-3-2 and other scripts' digits (core.dates).
                raise forms.ValidationError("")
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None
