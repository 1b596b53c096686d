"""Every router of the API as each role meets it, checked by schemathesis over real HTTP.

`test_contract.py` runs the whole document anonymously and the registry as a policy
officer; here each of the other roles runs the operations it may call, on the demo's
cases, bonds, payments and refunds (so the operations meet real references, not only
unknown ones), and a border system runs the bulk intake with its own key. schemathesis
(written elsewhere, from the document alone) checks every answer: no server error, the
status and body the document declares, the error shape, and that a request it breaks on
purpose is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tests.api.test_contract import schemathesis
from tests.casework_world import today_is
from tests.http_client import Session
from visabond.border.client_services import border_client_add
from visabond.border.records import RecordKind
from visabond.casework.seed.loader import posts_seed_load
from visabond.demo.loader import demo_load
from visabond.policy.seed.loader import seed_load

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.contract]
# A day the US pilot is in force, after the demo's stories (as tests/demo does).
DEMO_DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo_server(live_server: Any, settings: Any) -> Iterator[tuple[str, dict[str, str]]]:
    """The live server over the demo's data; the demo's passwords by account."""
    settings.LOOKUP_THROTTLE_RATE = "1000000/m"
    seed_load()
    with today_is(DEMO_DAY):
        posts_seed_load()
        # The demo loads only on a development installation; the server answers as in
        # production (DEBUG off: an error is our error page, not a traceback).
        with override_settings(DEBUG=True):
            report = demo_load()
        yield str(live_server.url), report.passwords


def signed_in(server: str, username: str, password: str) -> tuple[list[str], str]:
    """The headers a browser session sends, and its session id (the document's scheme)."""
    session = Session(server)
    session.login(username, password)
    token = session.csrf_token()
    session_id = str({c.name: c.value for c in session.cookies}["sessionid"])
    return [f"Cookie: csrftoken={token}", f"X-CSRFToken: {token}"], session_id


# Each role, as the demo names its account, with the part of the API it works in.
ROLES = [
    ("consular-officer", "demo-consul-lilongwe", "/cases"),
    ("cashier", "demo-cashier-lilongwe", "/payments/receipts"),
    ("finance-officer", "demo-finance", "/(payments/(?!webhook)|refunds)"),
    ("bond-adjudicator", "demo-adjudicator", "/adjudications"),
    ("border-officer", "demo-border", "/border/"),
]


@pytest.mark.parametrize(("name", "account", "paths"), ROLES, ids=[r[0] for r in ROLES])
def test_schemathesis_finds_no_failure_for_each_role(
    demo_server: tuple[str, dict[str, str]], tmp_path: Path, name: str, account: str, paths: str
) -> None:
    server, passwords = demo_server
    headers, session_id = signed_in(server, account, passwords[account])
    result = schemathesis(
        server, name, *headers, cache=tmp_path, session_id=session_id, paths=paths, seed=17
    )
    assert result.returncode == 0, result.stdout[-8000:]
    assert (tmp_path / "crashes" / "manifest.json").is_file()


def test_schemathesis_finds_no_failure_for_a_border_system_with_its_key(
    demo_server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    server, _ = demo_server
    _, key = border_client_add(
        name="airport-exit-system",
        scopes=[kind.value for kind in RecordKind],
        actor="test setup",
    )
    result = schemathesis(
        server,
        "border-system",
        f"Authorization: Bearer {key}",
        cache=tmp_path,
        paths="/border/(admissions|departures|refused-admissions|status-decisions|document-renewals|manifests)",
        seed=17,
    )
    assert result.returncode == 0, result.stdout[-8000:]
