"""Values and refusals written the way the page's language writes them.

The services state their refusals in English (the API and the command line show them as
they are); a page shows them in its own language: the template of a `VisabondError` is
looked up in the catalogue and its values written the page's way ("5 000 USD" in French).
A refusal whose template is not in the catalogue (a message of a reader the pages do not
shape, money parsing) is said by its code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from visabond.core.country_names import OfCountry
from visabond.core.errors import VisabondError
from visabond.core.money import Money


def money_text(amount: str | Decimal, currency: str) -> str:
    """An amount with its ISO 4217 code, grouped as the active language groups digits."""
    return f"{number_format(Decimal(amount), decimal_pos=0, force_grouping=True)} {currency}"


def money_shown(value: Money) -> str:
    """An amount as a page shows it: with its decimals as recorded, grouped and with the
    decimal mark of the active language ("10,000.00 USD"; "10 000,00 USD" in French)."""
    exponent = value.amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    grouped = number_format(value.amount, decimal_pos=places, force_grouping=True)
    return f"{grouped} {value.currency}"


# Refusals of the money reader (`visabond.core.money`), said by their code: the value typed
# is beside the field that shows them.
BY_CODE: dict[str, Promise] = {
    "amount_not_decimal": gettext_lazy(
        "this is not an amount of money: write digits, e.g. 5000 or 5000.00"
    ),
    "amount_negative": gettext_lazy("an amount cannot be negative"),
    "amount_too_large": gettext_lazy("this amount is beyond the largest amount recorded"),
    "amount_precision": gettext_lazy("this amount has more decimal places than its currency"),
    "currency_unknown": gettext_lazy("this is not an ISO 4217 currency code (e.g. USD, XOF)"),
    "currency_mismatch": gettext_lazy("these amounts are in different currencies"),
}


def _value(value: object) -> str:
    if isinstance(value, OfCountry):
        return value.in_language(get_language())
    if isinstance(value, Money):
        return money_text(value.amount, value.currency)
    # A date in a sentence is read by a person ("2 mars 2026" in French); the API's and the
    # command line's messages keep ISO (`VisabondError.message`).
    if isinstance(value, dt.datetime):
        return moment_shown(value)
    if isinstance(value, dt.date):
        return day_shown(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    return str(value)


def error_text(error: VisabondError) -> str:
    """`error`'s message in the active language: English as the services wrote it; another
    language from the catalogue (by template, else by code), the English left only for a
    message the catalogue does not have."""
    if (get_language() or "en").startswith("en"):
        return error.message
    translated = _(error.template)
    if translated != error.template:
        if not error.params:
            return translated
        return translated % {name: _value(v) for name, v in error.params.items()}
    if error.code in BY_CODE:
        return str(BY_CODE[error.code])
    return error.message


def _english(language: str | None) -> bool:
    return (language or "en").startswith("en")


def day_shown(value: object) -> str:
    """A day as a page shows it to a person: ISO 8601 in English ("2026-03-14", the form the
    consoles' staff read and type), the language's own date format otherwise (Django's
    DATE_FORMAT: "14 mars 2026" in French); "" for no day, so that `|default` applies.
    Machine-read values (date inputs, CSV, data- attributes) keep ISO and do not use this."""
    if not isinstance(value, dt.date):
        return "" if value is None or value == "" else str(value)
    if _english(get_language()):
        return value.isoformat()[:10]
    return date_format(value, "DATE_FORMAT")


def moment_shown(value: object) -> str:
    """A moment (aware, already in the page's time zone: UTC) to the minute: "2026-03-14
    09:30" in English, the language's DATETIME_FORMAT otherwise ("14 mars 2026 09:30")."""
    if not isinstance(value, dt.datetime):
        return "" if value is None or value == "" else str(value)
    if _english(get_language()):
        return value.strftime("%Y-%m-%d %H:%M")
    return date_format(value, "DATETIME_FORMAT")
