"""What every form of the pages shares: a service's refusal shown beside its field."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django import forms
from django.utils.functional import Promise

from visabond.core.errors import VisabondError


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
    shown = (messages or {}).get(error.code, error.message)
    # The code goes with the message: a page may ask `form.has_error(field, code)`.
    refusal = forms.ValidationError(str(shown), code=error.code)
    form.add_error(field if field in form.fields else None, refusal)
