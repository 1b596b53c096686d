"""`visabond serve`: the web console and API behind a production WSGI server.

Granian by default (its HTTP layer is compiled: per request it costs the workers about half
the CPU of gunicorn's threaded workers, docs/performance.md "Webhook confirmations"), or
gunicorn (`--server gunicorn`) for installations that run it already.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.errors import InvalidInput

SERVERS = ("granian", "gunicorn")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def _refuse_public_default_key(bind: str) -> None:
    # The development key is published with the source: anyone could sign sessions and
    # CSRF tokens for an installation reachable from other machines that kept it.
    host = bind.rsplit(":", 1)[0] if ":" in bind and not bind.startswith("unix:") else bind
    if bind.startswith("unix:") or host in LOOPBACK_HOSTS:
        return
    if getattr(settings, "DEVELOPMENT_SECRET_KEY", None) == settings.SECRET_KEY:
        raise InvalidInput(
            f"serving on {bind} with the published development key: set VISABOND_SECRET_KEY "
            "to a long random value, or bind to 127.0.0.1",
            code="secret_key_default",
            field="--bind",
        )


class Command(VisabondCommand):
    help = "Serve the console and API with granian or gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("VISABOND_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("VISABOND_WORKERS", "2"))
        )
        # Threads let a worker serve other requests while one waits on the database
        # (docs/performance.md: more confirmations and redeliveries a second, the tail varies).
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("VISABOND_THREADS", "1"))
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=os.environ.get("VISABOND_SERVER", "granian"),
            help="the WSGI server (VISABOND_SERVER; default granian)",
        )
        # The provider's inbox applied continuously beside the workers, in batches that grow
        # with the load; requests answer 202 at once while it is at work (docs/payments.md).
        parser.add_argument(
            "--no-applier",
            dest="applier",
            action="store_false",
            default=os.environ.get("VISABOND_INBOX_APPLIER", "1") != "0",
            help="do not run `visabond payments apply --follow` beside the workers",
        )

    def run(self, **options: Any) -> int | None:
        _refuse_public_default_key(options["bind"])
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise InvalidInput(f"--{name} is at least 1", code="too_small", field=f"--{name}")
        self.stdout.write(f"visabond: serving on http://{options['bind']}/ ({options['server']})")
        args = server_command(
            options["server"],
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            data_dir=Path(settings.DATA_DIR),
        )
        if options["applier"]:
            _applier_start()
        sys.stdout.flush()
        # Hand the process over to the server: signals and exit codes are then its own.
        os.execv(sys.executable, args)  # noqa: S606


# Logs carry the path only: query strings may hold personal data.
GUNICORN_ACCESS_LOG = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
GRANIAN_ACCESS_LOG = '%(addr)s "%(method)s %(path)s" %(status)d %(dt_ms).1fms'
APPLICATION = "visabond.config.wsgi:application"


def server_command(
    server: str, *, bind: str, workers: int, threads: int, data_dir: Path
) -> list[str]:
    """The command line (for `os.execv` of this interpreter) that serves the application
    with `server` ("granian" or "gunicorn") on `bind` (`host:port`, `[v6 address]:port` or
    `unix:/path`), `workers` processes of `threads` threads each. gunicorn's control socket
    (25.1+) is put under the instance's `data_dir`: its default, one per user
    ($HOME/.gunicorn/gunicorn.ctl), would be shared by two installations served on one
    machine, each taking over the other's."""
    if server == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
            "--control-socket",
            str(data_dir / "gunicorn.ctl"),
            "--access-logfile",
            "-",
            "--access-logformat",
            GUNICORN_ACCESS_LOG,
            APPLICATION,
        ]
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        *_granian_bind(bind),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        # A worker told to stop while it is still starting, or interrupted with its server
        # (Ctrl-C in a terminal signals both), never stops by itself (granian 2.8): it is
        # killed after 10 s, ample for the requests it serves to finish.
        "--workers-kill-timeout",
        "10",
        "--access-log",
        "--access-log-fmt",
        GRANIAN_ACCESS_LOG,
        APPLICATION,
    ]


def _granian_bind(bind: str) -> list[str]:
    """gunicorn's `--bind` forms as granian's options."""
    if bind.startswith("unix:"):
        return ["--uds", bind.removeprefix("unix:")]
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInput(
            f"{bind!r} is not host:port, [address]:port or unix:/path",
            code="bind_unreadable",
            field="--bind",
        )
    return ["--host", host.removeprefix("[").removesuffix("]"), "--port", port]


def _applier_start() -> None:
    """`visabond payments apply --follow` as a child of this process, which gunicorn becomes:
    it ends when gunicorn does (`--parent`). Requests then leave the applying to it under
    load (`PAYMENTS_INBOX_FOLLOWED`); should it stop, they apply themselves again."""
    os.environ["VISABOND_INBOX_FOLLOWED"] = "1"
    command = [sys.executable, "-c", "from visabond.cli import main; main()"]
    command += ["payments", "apply", "--follow", "--parent", str(os.getpid())]
    subprocess.Popen(command)  # noqa: S603
