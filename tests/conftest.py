"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from visabond.core.money import Money

REPO_ROOT = Path(__file__).resolve().parents[1]
# Third-party samples live beside a developer's checkout, never inside the project:
# a user's clone has no shared/, so tests that read them skip.
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


def shipped_timeline() -> dict[str, Any]:
    """The real timeline as the package ships it (visabond/policy/seed/timeline.json)."""
    text = resources.files("visabond.policy.seed").joinpath("timeline.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


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


@pytest.fixture(autouse=True)
def _no_answers_kept_from_another_test() -> None:
    """Each test's database starts again from empty, so ids and the registry's stamp repeat
    with other rows: answers kept by an earlier test must not be served (policy/answers.py)."""
    from visabond.policy import answers

    answers.forget()


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


@pytest.fixture
def today_is() -> object:
    """Sets "today" (visabond.core.clock) for one test: `today_is(datetime.date(2031, 6, 1))`."""
    import datetime as dt

    from visabond.core import clock

    previous: list[object] = []

    def set_today(day: dt.date) -> None:
        previous.append(clock.freeze(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)))

    yield set_today
    if previous:
        clock.set_clock(previous[0])  # type: ignore[arg-type]
