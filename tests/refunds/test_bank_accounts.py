"""A refund account is checked by the standards' rules before money is sent to it."""

from __future__ import annotations

import pytest

from visabond.core.errors import InvalidInput
from visabond.refunds.bank_accounts import BankAccount, bank_account

GB_IBAN = "GB82 WEST 1234 5698 7654 32"


def refused(**typed: str) -> InvalidInput:
    values = {"holder_name": "Grace Banda", "country": "GB"} | typed
    with pytest.raises(InvalidInput) as caught:
        bank_account(**values)
    return caught.value


def test_an_iban_with_right_check_digits_is_kept_compact() -> None:
    account = bank_account(holder_name=" Grace   Banda ", country="GBR", iban=GB_IBAN)
    assert (account.iban, account.country, account.holder_name) == (
        "GB82WEST12345698765432",
        "GB",
        "Grace Banda",
    )
    assert account.account_label == GB_IBAN


def test_an_iban_with_one_wrong_digit_fails_its_iso_13616_check_digits() -> None:
    error = refused(iban="GB82 WEST 1234 5698 7654 33")
    assert (error.code, error.field) == ("iban_check_digits", "iban")
    assert "MOD 97-10" in error.message


def test_two_swapped_characters_fail_the_check_digits() -> None:
    assert refused(iban="GB82 WEST 1234 5698 7645 32").code == "iban_check_digits"


def test_an_iban_of_a_country_without_ibans_is_refused_naming_the_alternative() -> None:
    # Mali is not in the ISO 13616 registry; the check digits here are right (98 - mod 97).
    error = refused(iban="ML03D00890170001002120000447", country="ML")
    assert (error.code, error.field) == ("iban_country_unknown", "iban")
    assert "BIC" in error.message


def test_an_iban_of_another_country_than_the_bank_is_refused() -> None:
    error = refused(iban=GB_IBAN, country="FR")
    assert (error.code, error.field) == ("iban_country_mismatch", "iban")


def test_a_non_iban_account_needs_its_bank() -> None:
    error = refused(account_number="1002345678", country="MW")
    assert (error.code, error.field) == ("bank_missing", "bic")


def test_an_account_number_with_a_bic_of_its_country_is_accepted() -> None:
    account = bank_account(
        holder_name="Grace Banda", country="Malawi", account_number="1002345678", bic="nbmamwmw"
    )
    assert (account.bic, account.country, account.iban) == ("NBMAMWMW", "MW", "")


@pytest.mark.parametrize("bic", ["NBMAMWM", "NBMA1WMW", "NBMAMWMWX"])
def test_a_bic_not_shaped_as_iso_9362_is_refused(bic: str) -> None:
    error = refused(account_number="1002345678", country="MW", bic=bic)
    assert (error.code, error.field) == ("bic_format", "bic")


def test_a_bic_of_a_bank_in_another_country_is_refused() -> None:
    error = refused(account_number="1002345678", country="MW", bic="DEUTDEFF")
    assert (error.code, error.field) == ("bic_country_mismatch", "bic")


def test_a_us_account_may_name_its_bank_by_aba_routing_number() -> None:
    account = bank_account(
        holder_name="John Smith",
        country="US",
        account_number="4000123456",
        routing_number="021000021",
    )
    assert (account.clearing_system, account.routing_number) == ("USABA", "021000021")
    assert account.bank_label == "USABA 021000021"


def test_a_routing_number_with_a_wrong_check_digit_is_refused() -> None:
    error = refused(country="US", account_number="4000123456", routing_number="021000022")
    assert (error.code, error.field) == ("routing_check_digit", "routing_number")


def test_a_routing_number_is_refused_where_we_know_no_clearing_system() -> None:
    error = refused(country="MW", account_number="1002345678", routing_number="021000021")
    assert (error.code, error.field) == ("routing_not_supported", "routing_number")


@pytest.mark.parametrize(
    ("typed", "code", "field"),
    [
        ({"holder_name": "  "}, "holder_name_missing", "holder_name"),
        ({"holder_name": "x" * 141}, "too_long", "holder_name"),
        ({"country": "ZZ"}, "country_unknown", "country"),
        ({}, "account_missing", "iban"),
        ({"iban": GB_IBAN, "account_number": "1"}, "account_twice", "account_number"),
        ({"account_number": "12-34", "bic": "NWBKGB2L"}, "account_number_format", "account_number"),
    ],
)
def test_each_missing_or_malformed_field_is_named(
    typed: dict[str, str], code: str, field: str
) -> None:
    error = refused(**typed)
    assert (error.code, error.field) == (code, field)


def test_an_account_survives_its_json_round_trip() -> None:
    account = bank_account(holder_name="Grace Banda", country="GB", iban=GB_IBAN, bic="NWBKGB2L")
    assert BankAccount.from_json(account.to_json()) == account
