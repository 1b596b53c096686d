"""Money: a Decimal amount with an ISO 4217 currency, never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import pycountry

from visabond.core.errors import InvalidInput


@cache
def currency_exponent(code: str) -> int:
    """Minor units of an ISO 4217 currency (2 for USD, 0 for XOF)."""
    # pycountry has no minor-unit table; these are the ISO 4217 exceptions the program meets.
    zero_decimal = {
        "XOF",
        "XAF",
        "JPY",
        "KRW",
        "BIF",
        "DJF",
        "GNF",
        "KMF",
        "RWF",
        "UGX",
        "VUV",
        "XPF",
    }
    return 0 if code in zero_decimal else 2


def validate_currency(code: str, *, field: str = "currency") -> str:
    normalised = code.strip().upper()
    if len(normalised) != 3 or pycountry.currencies.get(alpha_3=normalised) is None:
        raise InvalidInput(
            f"{code!r} is not an ISO 4217 currency code", code="currency_unknown", field=field
        )
    return normalised


def parse_amount(value: object, *, currency: str, field: str = "amount") -> Decimal:
    """A non-negative amount with no more decimals than the currency has (ISO 4217)."""
    if isinstance(value, float | bool):
        raise InvalidInput(
            "money must be given as a decimal string or integer, not a float",
            code="amount_not_decimal",
            field=field,
        )
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(
            f"{value!r} is not an amount of money", code="amount_not_decimal", field=field
        ) from None
    if not amount.is_finite():
        raise InvalidInput(
            f"{value!r} is not a finite amount", code="amount_not_decimal", field=field
        )
    if amount < 0:
        raise InvalidInput("an amount cannot be negative", code="amount_negative", field=field)
    exponent = currency_exponent(currency)
    if -amount.as_tuple().exponent > exponent:  # type: ignore[operator]
        raise InvalidInput(
            f"{currency} amounts have at most {exponent} decimal places",
            code="amount_precision",
            field=field,
        )
    return amount.quantize(Decimal(1).scaleb(-exponent))


@dataclass(frozen=True, slots=True, order=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, value: object, currency: str, *, field: str = "amount") -> Money:
        code = validate_currency(currency, field="currency")
        return cls(parse_amount(value, currency=code, field=field), code)

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"

    def as_string(self) -> str:
        """The amount as the plain decimal string the APIs exchange ("10000.00")."""
        return format(self.amount, "f")


def format_amount(amount: Decimal, currency: str | None) -> str:
    """The plain decimal string of an amount, with the currency's minor units ("10000.00")."""
    exponent = currency_exponent(currency) if currency else 2
    return format(amount.quantize(Decimal(1).scaleb(-exponent)), "f")
