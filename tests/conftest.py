"""Fixtures shared by the whole suite."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from visabond.core.money import Money

REPO_ROOT = Path(__file__).resolve().parents[1]
# Third-party samples live beside a developer's checkout, never inside the project:
# a user's clone has no shared/, so tests that read them skip.
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


def usd(amount: int | str) -> Money:
    """An amount in US dollars, the currency of the US pilot's bonds."""
    return Money(Decimal(amount), "USD")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"reference material not present at {REFERENCE_DIR}")
    return REFERENCE_DIR


@pytest.fixture
def seeded(db: None) -> None:
    """The registry loaded with the real timeline, as `visabond seed` loads it."""
    from visabond.policy.seed.loader import seed_load

    seed_load()


PASSWORD = "a-long-test-password-1"


@pytest.fixture
def people(db: None) -> dict[str, object]:
    """One account per role that the registry knows, plus one with no role."""
    from visabond.accounts.models import User
    from visabond.accounts.roles import Role
    from visabond.accounts.services import user_create

    accounts: dict[str, object] = {}
    for role in (Role.POLICY_OFFICER, Role.AUDITOR, Role.CONSULAR_OFFICER, Role.APPLICANT):
        accounts[role.value], _ = user_create(username=role.value, password=PASSWORD, roles=[role])
    accounts["nobody"] = User.objects.create_user("nobody", password=PASSWORD)
    return accounts
