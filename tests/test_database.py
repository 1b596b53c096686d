"""The database the suite runs on is the one asked for, and concurrent writers stay consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.concurrency import designation_race
from tests.installation import VISABOND

ROOT = Path(__file__).resolve().parents[1]


def test_the_suite_runs_on_the_database_it_was_given(db: None) -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("VISABOND_REQUIRE_POSTGRES") and url:
        assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_two_officers_designating_the_same_country_at_once_record_exactly_one_rule(
    tmp_path: Path,
) -> None:
    """On the suite's database when it has connections of its own (PostgreSQL); the suite's
    in-memory SQLite is one connection, so there the race runs on a file-based SQLite
    installation, the store `./dev up` gives: the guarantee holds on both."""
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        race = race_on_sqlite_file(tmp_path)
    else:
        race = designation_race()
    assert race == {"outcomes": ["recorded", "refused"], "versions": 1}


def race_on_sqlite_file(data_dir: Path) -> dict[str, object]:
    """`designation_race` in a program of its own, on a migrated SQLite file in `data_dir`
    with the installed settings (WAL, IMMEDIATE transactions)."""
    env = os.environ | {
        "VISABOND_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'visabond.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    subprocess.run([VISABOND, "migrate", "-v0"], env=env, check=True, capture_output=True)
    ran = subprocess.run(
        [sys.executable, "-m", "tests.concurrency"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(ran.stdout)
    return result
