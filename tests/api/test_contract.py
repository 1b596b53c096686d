"""The API as a client meets it: its OpenAPI document, checked by schemathesis over real HTTP.

schemathesis (written elsewhere, from the document alone) runs every one of its checks
against the live test server: every operation anonymously, and the registry signed in as a
policy officer (each other role in `test_contract_roles.py`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.http_client import Session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.contract]
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "schemathesis"
HOOKS = "tests.api.schemathesis_hooks"  # what schemathesis must know beyond the document
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
    server: str,
    name: str,
    *headers: str,
    cache: Path,
    session_id: str = "",
    paths: str = "",
    seed: int = 14,
) -> subprocess.CompletedProcess[str]:
    """Run schemathesis on the live `server`'s document, over the operations whose path
    matches the regular expression `paths` (every operation when empty), signed in with
    `session_id` when given and sending `headers` ("Name: value") with every request."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    config = ARTIFACTS / f"{name}.toml"
    # The session cookie is the document's security scheme: schemathesis sends it, and
    # leaves it out when it checks that the operations refuse a request without it.
    auth = f'\n[auth.openapi.RoleAuth]\napi_key = "{session_id}"\n' if session_id else ""
    # Its cache (crashes to replay) goes to the test's own directory, never into the checkout.
    config.write_text(CONFIG + f'\n[cache]\ndirectory = "{cache}"\n' + auth)
    # The document is fetched here, with time to spare: building it for every router takes
    # seconds on a busy machine, beyond schemathesis's own ten-second limit for loading it.
    document = cache / "openapi.json"
    with urllib.request.urlopen(f"{server}/api/v1/openapi.json", timeout=300) as reply:  # noqa: S310 - loopback test server
        document.write_bytes(reply.read())
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(config),
        "run",
        str(document),
        "--url",
        server,
        "--checks",
        "all",
        "--max-examples",
        "8",
        "--seed",
        str(seed),
        "--workers",
        "1",
        *(["--include-path-regex", paths] if paths else []),
        "--report",
        "junit",
        "--report-junit-path",
        str(ARTIFACTS / f"{name}.xml"),
        *[part for header in headers for part in ("-H", header)],
    ]
    # Run from the cache directory too: whatever else it writes by default lands there.
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=cache,
        env=environment,
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
        paths="/(requirements|policy/)",
    )
    assert result.returncode == 0, result.stdout[-6000:]
