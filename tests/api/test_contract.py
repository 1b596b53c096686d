"""The API as a client meets it: its OpenAPI document, checked by schemathesis over real HTTP.

schemathesis (written elsewhere, from the document alone) runs every one of its checks
against the live test server, anonymous and signed in as a policy officer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.http_client import Session

pytestmark = pytest.mark.django_db(transaction=True)
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis"
# A schema cannot state every rule of meaning (a standard amount among the allowed ones, a
# period inside its program, a port in the issuing state): the server refuses those with
# 422, which is what the document declares for them.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


@pytest.fixture
def server(live_server: Any, seeded: None, people: dict[str, object], settings: Any) -> str:
    # A fuzzer asks faster than any person; the ceiling is tested on its own elsewhere.
    settings.LOOKUP_THROTTLE_RATE = "1000000/m"
    return str(live_server.url)


def schemathesis(
    server: str, name: str, *headers: str, cache: Path, session_id: str = ""
) -> subprocess.CompletedProcess[str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    config = ARTIFACTS / f"{name}.toml"
    # The session cookie is the document's security scheme: schemathesis sends it, and
    # leaves it out when it checks that the operations refuse a request without it.
    auth = f'\n[auth.openapi.RoleAuth]\napi_key = "{session_id}"\n' if session_id else ""
    # Its cache (crashes to replay) goes to the test's own directory, never into the checkout.
    config.write_text(CONFIG + f'\n[cache]\ndirectory = "{cache}"\n' + auth)
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(config),
        "run",
        f"{server}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "8",
        "--seed",
        "14",
        "--workers",
        "1",
        "--report",
        "junit",
        "--report-junit-path",
        str(ARTIFACTS / f"{name}.xml"),
        *[part for header in headers for part in ("-H", header)],
    ]
    # Run from the cache directory too: whatever else it writes by default lands there.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, cwd=cache
    )


def test_schemathesis_finds_no_failure_for_an_anonymous_client(server: str, tmp_path: Path) -> None:
    result = schemathesis(server, "anonymous", cache=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:]
    # Its cache went to the test's directory, not to a .schemathesis/ in the checkout.
    assert (tmp_path / "crashes" / "manifest.json").is_file()


def test_schemathesis_finds_no_failure_for_a_policy_officer(server: str, tmp_path: Path) -> None:
    session = Session(server)
    session.login("policy_officer", PASSWORD)
    cookies = {c.name: c.value for c in session.cookies}
    token = session.csrf_token()
    result = schemathesis(
        server,
        "policy-officer",
        f"Cookie: csrftoken={token}",
        f"X-CSRFToken: {token}",
        cache=tmp_path,
        session_id=str(cookies["sessionid"]),
    )
    assert result.returncode == 0, result.stdout[-6000:]
