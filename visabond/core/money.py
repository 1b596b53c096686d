"""Money: a Decimal amount in an ISO 4217 currency, exact to the currency's minor units.

The currencies and their minor units come from the ISO 4217 list one as published by its
maintenance agency and shipped by the `iso4217` package (USD has 2 decimal places, XOF and
JPY none, BHD 3, CLF 4). Codes without minor units (gold XAU, the SDR XDR, the testing code
XTS) are not currencies a bond is paid in, and are refused.

A `Money` value is exact: it never holds more decimals than its currency has, it adds and
subtracts only with the same currency, and it compares only within a currency (comparing
USD with XOF is a programming error, not a "no"). Amounts typed by a person or sent to the
API are read with `Money.of`: ASCII digits with an optional '.' (or an integer), no
grouping separators, exponents or floats; negative amounts and excess decimals are refused,
each with its own code and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cache
from typing import Any

import iso4217

from visabond.core.errors import InvalidInput
from visabond.core.text import quoted


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were added, subtracted or compared."""

    def __init__(self, left: str, right: str, *, field: str = "currency") -> None:
        super().__init__(
            f"amounts in {left} and {right} cannot be combined or compared",
            code="currency_mismatch",
            field=field,
        )


@cache
def minor_units() -> Mapping[str, int]:
    """Every ISO 4217 currency code with its minor units (decimal places), e.g. USD -> 2."""
    return {c.code: c.exponent for c in iso4217.Currency if c.exponent is not None}


def currency_exponent(code: str) -> int:
    """Minor units of an ISO 4217 currency: 2 for USD, 0 for XOF, 3 for BHD (ISO 4217 list one)."""
    return minor_units()[validate_currency(code)]


def validate_currency(code: str, *, field: str = "currency") -> str:
    """The upper-case ISO 4217 code, or `InvalidInput` naming `field` (`currency_unknown`)."""
    normalised = code.strip().upper()
    if normalised not in minor_units():
        raise InvalidInput(
            f"{code!r} is not an ISO 4217 currency with minor units",
            code="currency_unknown",
            field=field,
        )
    return normalised


# What a person types or a client sends: ASCII digits, then at most one '.' and decimals.
# No sign, exponent, grouping ("1,000" is 1000 in English and 1.000 in French), '_' or other
# scripts' digits, all of which Python's Decimal would read.
AMOUNT_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)


def parse_amount(value: object, *, currency: str, field: str = "amount") -> Decimal:
    """A non-negative amount with no more decimals than the currency has (ISO 4217).

    Accepts a string of ASCII digits with an optional '.' and decimals ("10000",
    "10000.00"), an `int` or a `Decimal`. Refuses anything else (`amount_not_decimal`: a
    float, a boolean, "1,000", "1e3", "1_000", other scripts' digits), a negative amount
    (`amount_negative`), an amount at or beyond `LARGEST` (`amount_too_large`) and more
    decimals than the currency's minor units (`amount_precision`), each naming `field`.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("-") and AMOUNT_TEXT.fullmatch(text[1:]):
            raise InvalidInput("an amount cannot be negative", code="amount_negative", field=field)
        if not AMOUNT_TEXT.fullmatch(text):
            raise InvalidInput(
                f"{_shown(value)} is not an amount: write digits with an optional '.' and "
                "decimals, e.g. 10000 or 10000.00, without separators",
                code="amount_not_decimal",
                field=field,
            )
        amount = Decimal(text)
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        raise InvalidInput(
            "money must be given as a decimal string or integer, not "
            f"{'a float' if isinstance(value, float) else type(value).__name__}",
            code="amount_not_decimal",
            field=field,
        )
    if not amount.is_finite():
        raise InvalidInput(
            f"{value!r} is not a finite amount", code="amount_not_decimal", field=field
        )
    if amount < 0:
        raise InvalidInput("an amount cannot be negative", code="amount_negative", field=field)
    return _exact(amount, currency, field=field)


def _shown(value: str) -> str:
    return quoted(value)


# The database columns hold 19 digits, 4 of them decimals (`visabond.core.money_columns`).
LARGEST = Decimal(10) ** 15


def _exact(amount: Decimal, currency: str, *, field: str) -> Decimal:
    if abs(amount) >= LARGEST:
        raise InvalidInput(
            f"{amount} is beyond the largest amount recorded ({LARGEST:,} less one minor unit)",
            code="amount_too_large",
            field=field,
        )
    exponent = currency_exponent(currency)
    quantum = Decimal(1).scaleb(-exponent)
    if amount != amount.quantize(quantum, rounding=ROUND_DOWN):
        places = "no decimal places" if exponent == 0 else f"at most {exponent} decimal places"
        raise InvalidInput(
            f"{currency} amounts have {places}", code="amount_precision", field=field
        )
    return amount.quantize(quantum)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one ISO 4217 currency.

    `Money(Decimal("10000"), "USD")` holds 10000.00 USD. Construction refuses an unknown
    currency, a float, a non-finite amount and more decimals than the currency has; a
    negative value may arise from subtraction, but `Money.of` (for input) refuses one.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal | int) or isinstance(self.amount, bool):
            raise InvalidInput(
                "money must be a Decimal or an integer, not a float",
                code="amount_not_decimal",
                field="amount",
            )
        amount = Decimal(self.amount)
        if not amount.is_finite():
            raise InvalidInput(
                f"{amount} is not a finite amount", code="amount_not_decimal", field="amount"
            )
        currency = validate_currency(self.currency)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", _exact(amount, currency, field="amount"))

    @classmethod
    def of(
        cls,
        value: object,
        currency: str,
        *,
        field: str = "amount",
        currency_field: str = "currency",
    ) -> Money:
        """Money read from input: a non-negative decimal string or integer (see `parse_amount`)."""
        code = validate_currency(currency, field=currency_field)
        return cls(parse_amount(value, currency=code, field=field), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, field: str = "amount") -> Money:
        """The inverse of `to_json`: {"amount": "10000.00", "currency": "USD"}."""
        return cls.of(data["amount"], data["currency"], field=field)

    def to_json(self) -> dict[str, str]:
        return {"amount": self.as_string(), "currency": self.currency}

    def as_string(self) -> str:
        """The amount as the plain decimal string the APIs exchange ("10000.00", XOF "6000000")."""
        return format(self.amount, "f")

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # sum() starts from the integer 0.
        if other == 0 and not isinstance(other, Money):
            return self
        return self.__add__(other)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        # Only whole multiples are exact; a rate or a share needs a stated rounding rule.
        if not isinstance(factor, int) or isinstance(factor, bool):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount

    def is_positive(self) -> bool:
        return self.amount > 0
