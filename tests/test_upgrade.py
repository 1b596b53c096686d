"""A database made by the release before accounts.User and Money columns upgrades without loss.

The fixtures in tests/fixtures/upgrade are dumps of a database that release made as `./dev up`
made one (migrate, seed, a policy officer and an auditor), on SQLite and on PostgreSQL
(scripts/make_upgrade_fixtures.sh). Each test loads the dump for the database the suite runs
on, runs `visabond migrate` as an operator would, and checks that people, roles, passwords,
rule amounts and the audit trail came through.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.installation import run_visabond

FIXTURES = Path(__file__).parent / "fixtures" / "upgrade"
PASSWORDS = {"policy": "policy-password-1942", "auditor": "auditor-password-1789"}
ROLES = {"policy": ["policy_officer"], "auditor": ["auditor"]}
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()  # type: ignore[arg-type]


@pytest.fixture
def old_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database as the earlier release left it."""
    if not POSTGRES:
        path = tmp_path / "old.sqlite3"
        with sqlite3.connect(path) as connection:
            # The earlier schema checks currency codes with REGEXP, which Django provides.
            connection.create_function(
                "REGEXP", 2, lambda pattern, text: re.search(pattern, text or "") is not None
            )
            connection.executescript((FIXTURES / "sqlite.sql").read_text())
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = os.environ["DATABASE_URL"]
    name = f"visabond_upgrade_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = f"{server.rsplit('/', 1)[0]}/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute((FIXTURES / "postgresql.sql").read_text())  # type: ignore[arg-type]
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def environment(url: str, tmp_path: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "VISABOND_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }


def amounts_before(url: str) -> dict[int, tuple[set[tuple[Decimal, str]], Decimal | None]]:
    found = {}
    for pk, amounts, standard, currency in query(
        url, "SELECT id, amounts, standard_amount, currency FROM policy_ruleversion"
    ):
        listed = json.loads(amounts) if isinstance(amounts, str) else amounts
        found[pk] = (
            {(Decimal(a), currency) for a in listed},
            None if standard is None else Decimal(str(standard)),
        )
    return found


def amounts_after(url: str) -> dict[int, tuple[set[tuple[Decimal, str]], Decimal | None]]:
    versions = {pk: (set(), None) for (pk,) in query(url, "SELECT id FROM policy_ruleversion")}
    found: dict[int, tuple[set[tuple[Decimal, str]], Decimal | None]] = dict(versions)
    for version, amount, currency, standard in query(
        url, "SELECT version_id, amount, currency, is_standard FROM policy_allowedamount"
    ):
        amounts, chosen = found[version]
        value = Decimal(str(amount))
        amounts.add((value, currency))
        found[version] = (amounts, value if standard else chosen)
    return found


# The designations of 2026-01-01 as recorded (an earlier seed said announced 2026-01-05).
ANNOUNCED_SQL = (
    "SELECT r.nationality, v.version, CAST(v.announced_on AS TEXT) FROM policy_ruleversion v "
    "JOIN policy_rule r ON r.id = v.rule_id WHERE v.effective_from = '2026-01-01' AND v.version = 1"
)
PEOPLE_SQL = (
    "SELECT u.id, u.username, u.password, g.name FROM auth_user u "
    "JOIN auth_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id "
    "ORDER BY u.id, g.name"
)


def test_an_earlier_database_upgrades_without_losing_people_amounts_or_the_audit_trail(
    old_database: str, tmp_path: Path
) -> None:
    people = query(old_database, PEOPLE_SQL)
    amounts = amounts_before(old_database)
    (count, last_sequence) = query(
        old_database, "SELECT COUNT(*), MAX(sequence) FROM audit_auditevent"
    )[0]
    (last_hash,) = query(
        old_database,
        f"SELECT hash FROM audit_auditevent WHERE sequence = {int(last_sequence)}",  # noqa: S608
    )[0]
    assert [p[1] for p in people] == ["policy", "auditor"]
    assert sum(len(a) for a, _ in amounts.values()) > 100

    env = environment(old_database, tmp_path)
    migrated = run_visabond(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Adopted the existing auth_user table as accounts.User." in migrated.stdout

    # people keep their ids, password hashes and roles, and gain a language
    assert query(old_database, PEOPLE_SQL) == people
    assert query(old_database, "SELECT DISTINCT preferred_language FROM auth_user") == [("en",)]
    signed_in = run_visabond(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import authenticate\n"
        "from django.test import RequestFactory\n"
        "from visabond.accounts.roles import roles_of\n"
        # The sign-in lockout (django-axes) counts by address, so it needs the request.
        "request = RequestFactory().post('/accounts/login/')\n"
        f"for name, password in {PASSWORDS!r}.items():\n"
        "    user = authenticate(request, username=name, password=password)\n"
        "    print(name, type(user).__module__, sorted(r.value for r in roles_of(user)))\n",
    )
    assert signed_in.stdout.splitlines() == [
        f"{name} visabond.accounts.models {ROLES[name]}" for name in PASSWORDS
    ], signed_in.stderr

    # every rule version keeps its amounts and its standard amount, now in decimal columns
    assert amounts_after(old_database) == amounts
    answer = run_visabond(
        env, "requirements", "--issuer", "MLI", "--nationality", "USA",
        "--visa-class", "SHORT-STAY", "--on", "2025-11-15", "--json",
    )  # fmt: skip
    mirrored = json.loads(answer.stdout)
    assert mirrored["amounts"] == ["5000.00", "10000.00"]
    assert mirrored["mirrored_from"]["cap"] == {"amount": "10000.00", "currency": "USD"}

    # the audit trail is whole and continues
    verified = run_visabond(env, "audit", "verify", "--expect-head", f"{last_sequence}:{last_hash}")
    assert verified.returncode == 0, verified.stdout
    assert f"audit trail: {count} entries, intact" in verified.stdout
    assert run_visabond(env, "user", "create", "newcomer", "--role", "auditor").returncode == 0
    assert (
        run_visabond(
            env, "audit", "verify", "--expect-head", f"{last_sequence}:{last_hash}"
        ).returncode
        == 0
    )

    # the seed corrects what the earlier one recorded wrongly, adding versions, editing none:
    # the seven countries of 2026-01-01 were announced on 2025-12-17, not 2026-01-05
    recorded_before = query(old_database, ANNOUNCED_SQL)
    assert {day for _, _, day in recorded_before} == {"2026-01-05"}
    corrected = run_visabond(env, "seed")
    assert "seed: 7 steps applied" in corrected.stdout, corrected.stdout
    assert set(recorded_before) <= set(query(old_database, ANNOUNCED_SQL))
    known = run_visabond(
        env, "requirements", "--issuer", "USA", "--nationality", "BTN", "--visa-class", "B1/B2",
        "--on", "2026-01-01", "--known-on", "2025-12-22", "--json",
    )  # fmt: skip
    answer_known = json.loads(known.stdout)
    assert (answer_known["bond_required"], answer_known["announced_on"]) == (True, "2025-12-17")
    assert run_visabond(env, "audit", "verify").returncode == 0

    # and nothing is left to do
    assert "seed: 0 steps applied" in run_visabond(env, "seed").stdout
    again = run_visabond(env, "migrate")
    assert "No migrations to apply." in again.stdout
    assert "Adopted" not in again.stdout
