"""The running app (as `visabond serve` starts it) and a real Chromium driving it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.installation import VISABOND, run_visabond, seeded_installation

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "e2e-policy-password-7"

# Without these, Chromium tries to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The running installation's environment, for tests that prepare it with the command line.
INSTALLATION: dict[str, str] = {}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("e2e")
    env = seeded_installation(data_dir)
    INSTALLATION.update(env)
    created = run_visabond(
        env,
        "user",
        "create",
        "policy",
        "--role",
        "policy_officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    yield from serve(env, data_dir)


def serve(env: dict[str, str], data_dir: Path) -> Iterator[str]:
    """`visabond serve` on a free loopback port for as long as the caller needs it."""
    port = _free_port()
    log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [VISABOND, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/requirements/", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("visabond serve exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback test server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within 30 s")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("VISABOND_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (apt-get install chromium) but was not found")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def screenshot(page: object, name: str) -> Path:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
