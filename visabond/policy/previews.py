"""The console's second look: a decision is recorded only after the person saw what it does.

A designation, amendment, withdrawal or approval changes the public answer from the day it
takes effect. The console shows that answer, before and after, for the values in the form
(`selectors.decision_preview`), and records only when the values sent are the ones the
person saw: the form carries a digest of them (`previewed`), so a date or terms changed
after the preview are previewed again instead of recorded unseen. A date before today also
needs the person's confirmation, which the services check (`effective_in_past_unconfirmed`).

The digest guards against a slip, not an attacker: the JSON API records without a preview,
and the services check everything either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from visabond.core.errors import VisabondError
from visabond.policy.decisions import Recorded
from visabond.policy.forms import add_service_error
from visabond.policy.presenters import requirement_summary
from visabond.policy.selectors import AnswerPreview

PREVIEWED = "previewed"
# What does not change the answer: a new reason or source needs no second preview.
NOT_PREVIEWED = frozenset({"reason", "source_title", "source_url", "confirm_past", "decision"})


def fingerprint(form: forms.Form) -> str:
    """A digest of the values that decide the public answer: a valid bound form's, or an
    unbound form's initial ones."""
    data = form.cleaned_data if form.is_bound else form.initial
    values = []
    for name in sorted(set(form.fields) - NOT_PREVIEWED):
        value = data.get(name)
        values.append(f"{name}={value.pk if isinstance(value, models.Model) else value}")
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:24]


def was_previewed(request: HttpRequest, form: forms.Form) -> bool:
    """The valid `form` carries the digest of a preview of its own values."""
    return request.POST.get(form.add_prefix(PREVIEWED)) == fingerprint(form)


def preview_shown(form: forms.Form, preview: AnswerPreview, *, element_id: str) -> dict[str, Any]:
    """What the template (policy/preview.html) shows of `preview`, with the digest the form
    sends back."""
    return {
        "id": element_id,
        "on": preview.on,
        "visa_class": preview.visa_class,
        "past": preview.in_the_past,
        "before": requirement_summary(preview.before),
        "after": requirement_summary(preview.after),
        "field": form.add_prefix(PREVIEWED),
        "fingerprint": fingerprint(form),
    }


def record(
    request: HttpRequest, form: forms.Form, write: Callable[[], Recorded], done: str
) -> Recorded | None:
    """Run one registry write; show a refusal beside its field, or report what was recorded."""
    try:
        recorded = write()
    except VisabondError as error:
        add_service_error(form, error)
        return None
    messages.success(request, done % {"v": recorded.version.version})
    for warning in recorded.warnings:
        messages.warning(request, warning)
    return recorded


def preview_then_record(
    request: HttpRequest,
    form: forms.Form,
    *,
    button: str,
    element_id: str,
    preview: Callable[[], AnswerPreview],
    write: Callable[[], Recorded],
    done: str,
) -> tuple[Recorded | None, dict[str, Any] | None]:
    """Record the valid `form` if the person pressed `button` to record the values they saw
    previewed; otherwise (or when the services refuse) show the preview. Returns what was
    recorded, or the preview to show. A value the preview cannot use is shown beside its
    field, and nothing is recorded.
    """
    try:
        shown = preview_shown(form, preview(), element_id=element_id)
    except VisabondError as error:
        add_service_error(form, error)
        return None, None
    wants_record = request.POST.get(button, "record") != "preview"
    if wants_record and was_previewed(request, form):
        recorded = record(request, form, write, done)
        if recorded is not None:
            return recorded, None
    elif wants_record:
        messages.info(
            request,
            _("Check the public answer this decision gives with these values, then record it."),
        )
    return None, shown
