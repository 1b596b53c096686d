"""`visabond serve`: gunicorn with sync workers, or threaded workers when asked for threads."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.installation import VISABOND


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("arguments", "worker"), [([], "sync"), (["--threads", "4"], "gthread")])
def test_serve_runs_threaded_workers_only_when_asked_for_threads(
    tmp_path: Path, arguments: list[str], worker: str
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/api/v1/payments/webhook"
    env = {
        "PATH": "/usr/bin:/bin",
        "VISABOND_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            [VISABOND, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", *arguments],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        status = None
        deadline = time.monotonic() + 60
        while status is None and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                # The webhook's route answers a GET 405 without touching the database.
                with urllib.request.urlopen(url, timeout=10) as answer:
                    status = answer.status
            except urllib.error.HTTPError as answered:
                status = answered.code
                answered.close()
            except OSError:
                time.sleep(0.2)
        assert status == 405
        assert f"Using worker: {worker}" in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=20)


def followers(server: int) -> list[int]:
    """The processes running `visabond payments apply --follow` for the server `server`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # not a process, or it ended meanwhile
            continue
        if entry.name.isdigit() and f"apply --follow --parent {server}" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize(("arguments", "expected"), [([], 1), (["--no-applier"], 0)])
def test_serve_runs_the_inbox_applier_beside_the_workers_and_it_ends_with_the_server(
    tmp_path: Path, arguments: list[str], expected: int
) -> None:
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "VISABOND_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    call = [VISABOND, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", *arguments]
    server = subprocess.Popen(call, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(followers(server.pid)) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # none is started late either
        assert len(followers(server.pid)) == expected
    finally:
        server.terminate()
        server.wait(timeout=20)
    deadline = time.monotonic() + 20
    while followers(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert followers(server.pid) == []
