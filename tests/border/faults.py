"""Killing a command with SIGKILL part way, and restarting PostgreSQL under it, for the fault
tests of the sweep and of manifest ingestion (PostgreSQL pass).

A command runs in a child process forked from the test (so a kill costs no interpreter
start-up, and 25 of them fit in seconds); the child opens its own connection, as a separate
`visabond` process would, and is killed with SIGKILL (kill -9) once the database shows it
got at least so far (a progress hook read from the tables), after a random moment more.
The final run after the kills is the real `visabond` command, in a process of its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connection, connections

REPO = Path(__file__).resolve().parents[2]


def killed_at(
    rng: random.Random,
    *,
    command: list[str],
    progress: Callable[[], int],
    target: int,
    jitter: float = 0.05,
    timeout: float = 60.0,
) -> bool:
    """Run `visabond <command>` in a forked child and SIGKILL it once `progress()` (read by
    the test on its own connection) reaches `target`, after a random moment up to `jitter`
    seconds more. Returns whether it was killed (False: it had finished first)."""
    connections.close_all()  # the child must not share the parent's socket
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        code = 0
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                call_command(*command, stdout=io.StringIO())
        except SystemExit as exited:
            code = int(exited.code or 0)
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    try:
        while progress() < target:
            finished, _ = os.waitpid(child, os.WNOHANG)
            if finished:
                return False
            if time.monotonic() > deadline:
                raise AssertionError(f"{command} made no progress to {target}")
            time.sleep(0.005)
        time.sleep(rng.uniform(0, jitter))
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        return os.WIFSIGNALED(status)
    finally:
        connections.close_all()


def database_url() -> str:
    """The test database as a `DATABASE_URL`, for a `visabond` process of its own."""
    settings = connection.settings_dict
    user = quote(str(settings["USER"] or ""))
    password = f":{quote(str(settings['PASSWORD']))}" if settings["PASSWORD"] else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST']}{port}/{settings['NAME']}"


def command_line(*arguments: str) -> tuple[list[str], dict[str, str]]:
    """`visabond <arguments>` and the environment to run it in on the test database."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    return [str(Path(sys.executable).with_name("visabond")), *arguments], environment


def visabond(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`visabond <arguments>` run to its end as a process of its own, on the test database."""
    line, environment = command_line(*arguments)
    connections.close_all()
    done = subprocess.run(
        line,
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode not in (0,):
        raise AssertionError(f"visabond {' '.join(arguments)}: {done.returncode}\n{done.stderr}")
    return done


def postgres_restart() -> None:
    """Restart the throwaway PostgreSQL server (`./dev test` exports its data directory as
    VISABOND_TEST_POSTGRES_DATA); `pg_ctl` runs as the server's owner."""
    data = os.environ["VISABOND_TEST_POSTGRES_DATA"]
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    pg_ctl = str(binaries[-1] / "pg_ctl")
    owner = Path(data).stat().st_uid
    # The server's output goes to the log file `dev` starts it with, never to our pipe.
    log = str(Path(data).parent / "log")
    command = [pg_ctl, "-D", data, "-l", log, "-m", "fast", "-w", "restart"]
    if os.getuid() == 0 and owner != 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
