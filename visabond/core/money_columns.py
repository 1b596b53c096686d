"""Money in the database: an amount column and a currency column, checked by the database.

A model keeps a `Money` as two columns and reads and writes it through `MoneyColumns`:

    class AllowedAmount(models.Model):
        amount = AmountField()
        currency = CurrencyField()
        money = MoneyColumns("amount", "currency")   # row.money -> Money("5000.00", "USD")

        class Meta:
            constraints = money_constraints("allowed_amount", positive=True)

`money_constraints` makes the database itself refuse a negative amount (or, with
`positive`, a zero one), an unknown currency and more decimals than the currency has
(ISO 4217 minor units: USD 2, XOF 0, BHD 3), so a row written by any path is a valid
`Money`. The constraint lists the ISO 4217 codes by minor units: when a new edition of the
list changes them, `makemigrations` says so and the migration carries the change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, overload

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round

from visabond.core.money import Money, minor_units

# 15 digits before the point, 4 after: every ISO 4217 currency (CLF and UYW have 4).
MAX_DIGITS = 19
DECIMAL_PLACES = 4


class AmountField(models.DecimalField):  # type: ignore[type-arg]
    """An amount of money: 19 digits, 4 of them decimals; see `money_constraints`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


class CurrencyField(models.CharField):  # type: ignore[type-arg]
    """An ISO 4217 alphabetic code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)


class MoneyColumns:
    """Reads and writes a `Money` through an amount and a currency attribute (both set)."""

    def __init__(self, amount: str, currency: str) -> None:
        self.amount, self.currency = amount, currency

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> MoneyColumns: ...
    @overload
    def __get__(self, instance: models.Model, owner: type[Any]) -> Money: ...
    def __get__(self, instance: models.Model | None, owner: type[Any]) -> Money | MoneyColumns:
        if instance is None:
            return self
        return Money(getattr(instance, self.amount), getattr(instance, self.currency))

    def __set__(self, instance: models.Model, value: Money) -> None:
        setattr(instance, self.amount, value.amount)
        setattr(instance, self.currency, value.currency)


class OptionalMoneyColumns:
    """Like `MoneyColumns` for an optional amount: None is a NULL amount and no currency."""

    def __init__(self, amount: str, currency: str) -> None:
        self.amount, self.currency = amount, currency

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> OptionalMoneyColumns: ...
    @overload
    def __get__(self, instance: models.Model, owner: type[Any]) -> Money | None: ...
    def __get__(
        self, instance: models.Model | None, owner: type[Any]
    ) -> Money | OptionalMoneyColumns | None:
        if instance is None:
            return self
        amount = getattr(instance, self.amount)
        return None if amount is None else Money(amount, getattr(instance, self.currency))

    def __set__(self, instance: models.Model, value: Money | None) -> None:
        setattr(instance, self.amount, None if value is None else value.amount)
        setattr(instance, self.currency, "" if value is None else value.currency)


def currency_condition(*, amount: str = "amount", currency: str = "currency") -> Q:
    """The currency is an ISO 4217 code and the amount has no more decimals than it has."""
    by_exponent: dict[int, list[str]] = defaultdict(list)
    for code, exponent in sorted(minor_units().items()):
        by_exponent[exponent].append(code)
    condition = Q()
    for exponent, codes in sorted(by_exponent.items()):
        condition |= Q(**{f"{currency}__in": codes, amount: Round(F(amount), exponent)})
    return condition


def money_constraints(
    prefix: str,
    *,
    amount: str = "amount",
    currency: str = "currency",
    positive: bool = False,
    nullable: bool = False,
) -> list[models.BaseConstraint]:
    """Check constraints for one `Money` kept in `amount` and `currency` columns.

    The amount is non-negative (positive with `positive`); with `nullable`, both columns
    may instead be empty together (no amount: NULL and ""), never one without the other.
    """
    sign = Q(**{f"{amount}__gt" if positive else f"{amount}__gte": 0})
    valid = sign & currency_condition(amount=amount, currency=currency)
    if nullable:
        # A CHECK passes when its condition is unknown (NULL): say "not null" outright.
        valid = Q(**{f"{amount}__isnull": True, currency: ""}) | (
            Q(**{f"{amount}__isnull": False}) & valid
        )
    return [models.CheckConstraint(condition=valid, name=f"{prefix}_money_valid")]
