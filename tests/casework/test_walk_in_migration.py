"""The upgrade that makes a walk-in case open once per passport names the cases in its way."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any

import pytest

MIGRATION = importlib.import_module(
    "visabond.casework.migrations.0004_walk_in_open_once_per_passport"
)


class _Cases:
    """What the check asks of `Case.objects`: a filter, an order and the columns it reads."""

    def __init__(self, rows: list[SimpleNamespace]) -> None:
        self.rows = rows
        self.asked: dict[str, Any] = {}

    def filter(self, **conditions: Any) -> _Cases:
        self.asked = conditions
        return self

    def order_by(self, *fields: str) -> _Cases:
        return self

    def only(self, *fields: str) -> list[SimpleNamespace]:
        return self.rows


def _apps(rows: list[SimpleNamespace]) -> tuple[SimpleNamespace, _Cases]:
    cases = _Cases(rows)
    model = SimpleNamespace(objects=cases)
    return SimpleNamespace(get_model=lambda app, name: model), cases


def _case(reference: str, number: str, program_id: int = 1) -> SimpleNamespace:
    return SimpleNamespace(
        reference=reference,
        program_id=program_id,
        passport_issuing_state="MWI",
        passport_number=number,
        birth_date=dt.date(1990, 1, 1),
    )


def test_the_upgrade_refuses_naming_walk_in_cases_open_twice() -> None:
    apps, cases = _apps(
        [_case("C.AAAA", "MA123"), _case("C.BBBB", "MB456"), _case("C.CCCC", "MA123")]
    )
    with pytest.raises(RuntimeError, match=r"C\.AAAA and C\.CCCC") as refused:
        MIGRATION.no_walk_in_opened_twice(apps, None)
    assert "C.BBBB" not in str(refused.value)
    assert cases.asked == {"applicant__isnull": True, "state__in": MIGRATION.OPEN_STATES}


def test_the_upgrade_goes_on_when_each_passport_has_one_open_walk_in_case() -> None:
    apps, _ = _apps([_case("C.AAAA", "MA123"), _case("C.DDDD", "MA123", program_id=2)])
    MIGRATION.no_walk_in_opened_twice(apps, None)


def test_the_states_checked_are_the_rules_open_states() -> None:
    from visabond.casework.rules import OPEN_STATES

    assert sorted(MIGRATION.OPEN_STATES) == sorted(str(state) for state in OPEN_STATES)
