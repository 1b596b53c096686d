"""Who acts on the cashier's and the finance officer's pages, and money for them to decide."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.casework_world import person
from tests.pages import signed_in
from tests.payments.conftest import cashier_at
from tests.payments.provider import confirmation, signed
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.payments.models import Payment
from visabond.payments.secret_services import webhook_secret_add
from visabond.payments.webhook_services import webhook_receive


@pytest.fixture
def finance(pilot: None) -> User:
    return person("fiona", Role.FINANCE_OFFICER)


@pytest.fixture
def finance_client(finance: User) -> Client:
    return signed_in(finance)


def provider_payment(*, reference: str, **change: str) -> Payment:
    """A payment the provider confirmed, signed by the Standard Webhooks library."""
    _, secret = webhook_secret_add(label="provider", actor="test setup")
    message = signed(confirmation(reference=reference, **change), secrets=[secret])
    answer = webhook_receive(headers=message.headers, body=message.body)
    return Payment.objects.get(number=answer.body["payment"])


__all__ = ["cashier_at", "provider_payment"]
