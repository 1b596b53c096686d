"""`{% field_row field %}`: a form field with its label, help text and errors, as every form
of the site shows it. Drawn in Python: an included template per field cost more than the rest
of the public page."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from visabond.core.money import Money
from visabond.core.web_addresses import is_web_address
from visabond.web.localized import money_shown

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


@register.filter
def web_address(value: object) -> bool:
    """True for an http(s) address a page may link to (`core.web_addresses`): a source's
    address recorded before addresses were checked, or in another scheme, stays text."""
    return isinstance(value, str) and is_web_address(value)


@register.filter
def label_of(value: object, labels: Mapping[str, object]) -> object:
    """`value`'s words in `labels` (a code to its translated label), else the value itself:
    a page shows a state or kind as words, never its stored code."""
    return labels.get(str(value), value)


@register.filter
def money(value: object) -> object:
    """A `Money` written as the page's language writes amounts (`localized.money_shown`);
    anything else as it is."""
    return money_shown(value) if isinstance(value, Money) else value
