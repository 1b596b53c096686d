"""Money: exact to the currency's minor units (ISO 4217), combined only within a currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visabond.core.errors import InvalidInput
from visabond.core.money import CurrencyMismatch, Money, currency_exponent, parse_amount


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


def xof(text: str) -> Money:
    return Money(Decimal(text), "XOF")


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("USD", 2), ("XOF", 0), ("JPY", 0), ("CLP", 0), ("BHD", 3), ("CLF", 4), ("EUR", 2)],
)
def test_minor_units_come_from_iso_4217(currency: str, exponent: int) -> None:
    assert currency_exponent(currency) == exponent


def test_xof_has_no_decimals_in_parsing_and_formatting() -> None:
    """Mali's currency, the CFA franc (XOF), has no minor unit."""
    cap = Money.of("6,000,000", "xof")
    assert cap == xof("6000000")
    assert cap.as_string() == "6000000"
    assert str(cap) == "6,000,000 XOF"
    assert Money.of("6000000.00", "XOF").as_string() == "6000000"
    with pytest.raises(InvalidInput) as caught:
        Money.of("6000000.5", "XOF")
    assert (caught.value.code, caught.value.field) == ("amount_precision", "amount")
    assert "no decimal places" in caught.value.message


def test_usd_has_cents_in_parsing_and_formatting() -> None:
    assert Money.of("10000", "USD").as_string() == "10000.00"
    assert str(Money.of(10000, "USD")) == "10,000.00 USD"
    assert Money.of("0.01", "USD").as_string() == "0.01"
    with pytest.raises(InvalidInput) as caught:
        Money.of("5000.001", "USD", field="amounts[0]")
    assert (caught.value.code, caught.value.field) == ("amount_precision", "amounts[0]")


def test_three_decimal_currencies_keep_three() -> None:
    assert Money.of("1.234", "BHD").as_string() == "1.234"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", "amount_negative"),
        ("-0.01", "amount_negative"),
        (-5, "amount_negative"),
        (5000.0, "amount_not_decimal"),
        (True, "amount_not_decimal"),
        ("ten", "amount_not_decimal"),
        ("NaN", "amount_not_decimal"),
        ("Infinity", "amount_not_decimal"),
        ("1e15", "amount_too_large"),
    ],
)
def test_bad_amounts_are_refused_with_their_own_code_and_field(value: object, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.of(value, "USD", field="standard_amount")
    assert (caught.value.code, caught.value.field) == (code, "standard_amount")


def test_zero_is_an_amount_and_the_largest_recordable_one_too() -> None:
    assert Money.of("0", "USD").as_string() == "0.00"
    assert parse_amount("999999999999999.99", currency="USD") == Decimal("999999999999999.99")


@pytest.mark.parametrize("code", ["USX", "XAU", "XTS", "US", "", "dollars"])
def test_unknown_currencies_and_codes_without_minor_units_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.of("1", code, currency_field="cap_currency")
    assert (caught.value.code, caught.value.field) == ("currency_unknown", "cap_currency")


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        (5000.5, "USD", "amount_not_decimal"),
        (True, "USD", "amount_not_decimal"),
        (Decimal("NaN"), "USD", "amount_not_decimal"),
        (Decimal("1.5"), "JPY", "amount_precision"),
        (Decimal("1E+15"), "USD", "amount_too_large"),
    ],
)
def test_a_money_value_refuses_what_is_not_exact_money(
    amount: object, currency: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(amount, currency)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, "amount")


def test_default_fields_name_the_amount_and_the_currency() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_amount("1.001", currency="USD")
    assert caught.value.field == "amount"
    with pytest.raises(InvalidInput) as caught:
        Money.of("1", "ZZZ")
    assert caught.value.field == "currency"
    with pytest.raises(InvalidInput) as caught:
        Money.from_json({"amount": "-1", "currency": "USD"})
    assert caught.value.field == "amount"


def test_arithmetic_within_a_currency() -> None:
    assert usd("5000") + usd("0.50") == usd("5000.50")
    assert usd("5000") - usd("10000") == usd("-5000")
    assert -usd("1") == usd("-1")
    assert usd("5000") * 3 == 3 * usd("5000") == usd("15000")
    assert sum([usd("1"), usd("2.25")]) == usd("3.25")
    assert Money.zero("XOF") == xof("0")


def test_arithmetic_across_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        usd("1") + xof("1")
    assert (caught.value.code, caught.value.field) == ("currency_mismatch", "currency")
    assert "USD and XOF" in caught.value.message
    with pytest.raises(CurrencyMismatch):
        usd("1") - xof("1")


def test_a_rate_is_not_applied_without_a_rounding_rule() -> None:
    with pytest.raises(TypeError):
        usd("10") * Decimal("0.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        usd("10") * 1.5  # type: ignore[operator]


def test_money_does_not_mix_with_plain_numbers() -> None:
    with pytest.raises(TypeError):
        1 + usd("1")  # type: ignore[operator]
    for compare in (
        lambda: usd("1") < 5,
        lambda: usd("1") <= 5,
        lambda: usd("1") > 5,
        lambda: usd("1") >= 5,
    ):
        with pytest.raises(TypeError):
            compare()


def test_positive_means_more_than_zero() -> None:
    assert usd("0.50").is_positive()
    assert not usd("0").is_positive()


def test_comparison_only_within_a_currency() -> None:
    assert not usd("1") < usd("1")
    assert not usd("1") > usd("1")
    assert usd("5000") < usd("10000") <= usd("10000")
    assert usd("15000") > usd("10000") >= usd("10000")
    assert min(usd("15000"), usd("10000")) == usd("10000")
    assert usd("1") != xof("1")
    for compare in (
        lambda: usd("1") < xof("1"),
        lambda: usd("1") <= xof("1"),
        lambda: usd("1") > xof("1"),
        lambda: usd("1") >= xof("1"),
    ):
        with pytest.raises(CurrencyMismatch):
            compare()


def test_json_round_trip() -> None:
    cap = usd("10000")
    assert cap.to_json() == {"amount": "10000.00", "currency": "USD"}
    assert Money.from_json(cap.to_json()) == cap


@given(st.integers(min_value=0, max_value=10**14), st.sampled_from(["USD", "XOF", "BHD"]))
def test_the_plain_string_reads_back_as_the_same_money(minor: int, currency: str) -> None:
    money = Money(Decimal(minor).scaleb(-currency_exponent(currency)), currency)
    assert Money.of(money.as_string(), currency) == money
    assert Money.of(str(money).removesuffix(f" {currency}"), currency) == money
