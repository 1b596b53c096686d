"""`visabond serve`: the web console and API behind a production WSGI server (gunicorn)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.errors import InvalidInput

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
    help = "Serve the console and API with gunicorn (static files through WhiteNoise)."

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
        self.stdout.write(f"visabond: serving on http://{options['bind']}/")
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            *(
                ["--worker-class", "gthread", "--threads", str(options["threads"])]
                if options["threads"] > 1
                else []
            ),
            "--access-logfile",
            "-",
            # Logs carry the path only: query strings may hold personal data.
            "--access-logformat",
            '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
            "visabond.config.wsgi:application",
        ]
        if options["applier"]:
            _applier_start()
        sys.stdout.flush()
        # Hand the process over to gunicorn: signals and exit codes are then its own.
        os.execv(sys.executable, args)  # noqa: S606


def _applier_start() -> None:
    """`visabond payments apply --follow` as a child of this process, which gunicorn becomes:
    it ends when gunicorn does (`--parent`). Requests then leave the applying to it under
    load (`PAYMENTS_INBOX_FOLLOWED`); should it stop, they apply themselves again."""
    os.environ["VISABOND_INBOX_FOLLOWED"] = "1"
    command = [sys.executable, "-c", "from visabond.cli import main; main()"]
    command += ["payments", "apply", "--follow", "--parent", str(os.getpid())]
    subprocess.Popen(command)  # noqa: S603
