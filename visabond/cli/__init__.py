"""The `visabond` command: every operator task, as Django management commands.

Each command lives in `visabond/cli/management/commands/<name>.py` and is thin: it parses
arguments, calls one service or selector, prints.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "visabond.config.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "visabond"
    execute_from_command_line(args)
