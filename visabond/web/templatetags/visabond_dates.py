"""`{{ day|day }}` and `{{ moment|moment }}`: days and moments written for a person in the
page's language (a builtin of the templates, see `TEMPLATES` in the settings)."""

from __future__ import annotations

from django import template

from visabond.web.localized import day_shown, moment_shown

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: object) -> str:
    """`value` as `visabond.web.localized.day_shown` writes it."""
    return day_shown(value)


@register.filter(expects_localtime=True)
def moment(value: object) -> str:
    """`value` as `visabond.web.localized.moment_shown` writes it."""
    return moment_shown(value)
