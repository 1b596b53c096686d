"""What every form of the pages shares: a service's refusal shown beside its field."""

from __future__ import annotations

from django import forms

from visabond.core.errors import VisabondError


def add_service_error(
    form: forms.Form, error: VisabondError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's refusal beside the field it names (through `aliases` where the form
    calls it otherwise), or above the form when no field of the form has that name."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)
