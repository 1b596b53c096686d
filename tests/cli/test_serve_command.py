"""`visabond serve`: granian by default, or gunicorn; threads per worker only when asked."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.installation import VISABOND
from visabond.cli.management.commands.serve import server_command
from visabond.core.errors import InvalidInput


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("arguments", "started"),
    [
        ([], "Starting granian"),
        (["--server", "gunicorn"], "Using worker: sync"),
        (["--server", "gunicorn", "--threads", "4"], "Using worker: gthread"),
    ],
)
def test_serve_answers_with_the_server_asked_for(
    tmp_path: Path, arguments: list[str], started: str
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
            env=env | {"VISABOND_INBOX_APPLIER": "0"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # The webhook's route answers a GET 405 without touching the database.
        status = answered(url)
        assert status == 405, log.read_text()
        assert started in log.read_text()
        if "gunicorn" in arguments:
            assert (tmp_path / "gunicorn.ctl").is_socket()
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop `server` as a service manager does: SIGTERM, then SIGKILL if it outlives its
    workers' kill timeout (10 s), so that a test never leaves a server running."""
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise


def answered(url: str) -> int | None:
    """The status `url` answers with within a minute (None: no answer)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback http
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            refused.close()
            return int(refused.code)
        except OSError:
            time.sleep(0.2)
    return None


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
        # Stopped once it serves: a server told to stop while its workers still start
        # stops only when they are killed (granian's --workers-kill-timeout).
        assert answered(f"http://127.0.0.1:{port}/api/v1/payments/webhook") == 405
    finally:
        stop(server)
    deadline = time.monotonic() + 20
    while followers(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert followers(server.pid) == []


@pytest.mark.parametrize(
    ("bind", "options"),
    [
        ("127.0.0.1:8000", ["--host", "127.0.0.1", "--port", "8000"]),
        ("[::1]:8443", ["--host", "::1", "--port", "8443"]),
        ("unix:/run/visabond.sock", ["--uds", "/run/visabond.sock"]),
    ],
)
def test_granian_is_given_gunicorns_bind_forms_and_the_threads_asked_for(
    bind: str, options: list[str]
) -> None:
    command = server_command("granian", bind=bind, workers=3, threads=8, data_dir=Path("/srv"))
    assert command[1:5] == ["-m", "granian", "--interface", "wsgi"]
    assert command[5 : 5 + len(options)] == options
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--blocking-threads") + 1] == "8"
    # The access log names the path, never the query string (it may hold personal data).
    assert "query_string" not in command[command.index("--access-log-fmt") + 1]


@pytest.mark.parametrize("bind", ["8000", "localhost", "127.0.0.1:http"])
def test_a_bind_granian_cannot_take_is_refused_naming_the_option(bind: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        server_command("granian", bind=bind, workers=1, threads=1, data_dir=Path("/srv"))
    assert refused.value.field == "--bind"
    assert refused.value.code == "bind_unreadable"


def test_serve_refuses_no_threads_naming_the_option(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "VISABOND_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    result = subprocess.run(
        [VISABOND, "serve", "--bind", "127.0.0.1:1", "--threads", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--threads is at least 1" in result.stderr + result.stdout


def control_socket(command: list[str]) -> str:
    """The control socket gunicorn reads from `command` (its own option parser)."""
    from gunicorn.config import Config

    assert command[1:3] == ["-m", "gunicorn"]
    parsed = Config().parser().parse_args(command[3:])
    return str(parsed.control_socket)


def test_each_installation_serves_with_its_own_control_socket_under_its_data_dir(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = server_command("gunicorn", bind="127.0.0.1:8000", workers=2, threads=1, data_dir=one)
    second = server_command("gunicorn", bind="127.0.0.1:8001", workers=2, threads=4, data_dir=two)
    assert control_socket(first) == str(one / "gunicorn.ctl")
    assert control_socket(second) == str(two / "gunicorn.ctl")
