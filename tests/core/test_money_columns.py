"""The database itself refuses money that is not money: negative, too precise, no currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from visabond.core.money import Money
from visabond.policy.models import AllowedAmount, ReciprocityDirective

pytestmark = pytest.mark.usefixtures("seeded")


def refused(model: type, pk: int, **columns: object) -> bool:
    """Whether the database refuses writing `columns` straight to row `pk`, past the app."""
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).update(**columns)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("columns", "refuse"),
    [
        ({"amount": Decimal("-5")}, True),
        ({"amount": Decimal("0")}, True),
        ({"amount": Decimal("10.005")}, True),
        ({"amount": Decimal("10.25")}, False),
        ({"currency": "XOF", "amount": Decimal("6000000.5")}, True),
        ({"currency": "XOF", "amount": Decimal("6000000")}, False),
        ({"currency": "BHD", "amount": Decimal("1.234")}, False),
        ({"currency": "ZZZ"}, True),
        ({"currency": "usd"}, True),
        ({"currency": ""}, True),
    ],
)
def test_an_allowed_amount_row_is_valid_money(columns: dict[str, object], refuse: bool) -> None:
    row = AllowedAmount.objects.filter(currency="USD").first()
    assert row is not None
    assert refused(AllowedAmount, row.pk, **columns) is refuse


@pytest.mark.parametrize(
    ("columns", "refuse"),
    [
        ({"cap_amount": None, "cap_currency": ""}, False),
        ({"cap_amount": None, "cap_currency": "USD"}, True),
        ({"cap_amount": Decimal(10000), "cap_currency": ""}, True),
        ({"cap_amount": Decimal(0), "cap_currency": "USD"}, True),
        ({"cap_amount": Decimal("10000.001"), "cap_currency": "USD"}, True),
        ({"cap_amount": Decimal(6000000), "cap_currency": "XOF"}, False),
    ],
)
def test_a_directive_cap_is_valid_money_or_none(columns: dict[str, object], refuse: bool) -> None:
    directive = ReciprocityDirective.objects.get(issuer="MLI")
    assert refused(ReciprocityDirective, directive.pk, **columns) is refuse


def test_money_reads_back_from_its_columns_exactly() -> None:
    directive = ReciprocityDirective.objects.get(issuer="MLI")
    assert directive.cap == Money(Decimal(10000), "USD")
    standard = AllowedAmount.objects.filter(is_standard=True).first()
    assert standard is not None
    assert standard.money.as_string() == "10000.00"


def test_a_rule_version_holds_one_standard_amount_at_most() -> None:
    row = AllowedAmount.objects.filter(is_standard=False).first()
    assert row is not None
    assert refused(AllowedAmount, row.pk, is_standard=True)
