"""The `visabond` command: every operator task, as Django management commands.

Each command lives in `visabond/cli/management/commands/<name>.py` and is thin: it parses
arguments, calls one service or selector, prints.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

DEFAULT_SETTINGS = "visabond.config.settings.base"
SHIFT = "VISABOND_CLOCK_SHIFT_DAYS"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    shift = demo_clock_shift(os.environ)
    if shift:
        print(
            f"visabond: on the demo's clock, {shift:+d} days from today "
            f"(var/demo-clock-shift; {SHIFT}=0 for the real calendar)",
            file=sys.stderr,
        )
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "visabond"
    execute_from_command_line(args)


def demo_clock_shift(environ: MutableMapping[str, str]) -> int | None:
    """Put the development installation's demo clock shift into `environ` and return it.

    `./dev up` runs the server on the demo's day and keeps the shift in
    `$VISABOND_DATA_DIR/demo-clock-shift`; a command typed by hand afterwards runs on the
    same day as the pages it acts on. Nothing is done (None) under other settings than the
    default development ones, when `VISABOND_CLOCK_SHIFT_DAYS` is set already (0 is the real
    calendar), or when the file is absent or holds anything but a whole number of days.
    """
    if environ.get("DJANGO_SETTINGS_MODULE") != DEFAULT_SETTINGS or SHIFT in environ:
        return None
    data_dir = Path(environ.get("VISABOND_DATA_DIR") or Path.cwd() / "var")
    try:
        shift = int((data_dir / "demo-clock-shift").read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    environ[SHIFT] = str(shift)
    return shift
