"""`{% field_row field %}`: a form field with its label, help text and errors, as every form
of the site shows it. Drawn in Python: an included template per field cost more than the rest
of the public page."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def field_row(field: BoundField) -> SafeString:
    """`<div class="field">` with the label, the widget, the help text (its id is the one the
    widget's aria-describedby names) and the errors (id `<field id>_error`)."""
    errors = field.errors
    help_text = (
        format_html(
            '<span class="muted helptext" id="{}_helptext">{}</span>',
            field.auto_id,
            field.help_text,
        )
        if field.help_text
        else ""
    )
    return format_html(
        '<div class="field{}"><label for="{}">{}</label>{}{}{}</div>',
        " invalid" if errors else "",
        field.id_for_label,
        field.label,
        mark_safe(str(field)),  # noqa: S308 - the widget's own escaped markup
        help_text,
        # An empty error list still renders its template: draw it only when there are errors.
        errors or "",
    )
