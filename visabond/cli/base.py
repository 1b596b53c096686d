"""What every `visabond` command shares: how an application error becomes exit code 2."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandParser

from visabond.core.errors import VisabondError

EXIT_BAD_INPUT = 2

# Controls but the line feed: read from a file, ESC or OSC sequences would act on the
# operator's terminal (move the cursor, retitle the window, hide text).
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` for a terminal: each control character but the line feed shown as \\xNN."""
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class VisabondCommand(BaseCommand):
    """A management command whose `run` may raise `VisabondError` for bad input.

    The error is printed on stderr as `visabond <command>: <field>: <message>` and the
    process exits with status 2, so scripts can tell bad input from a failed check (1).
    """

    requires_system_checks: ClassVar[list[str]] = []  # type: ignore[misc]

    def add_arguments(self, parser: CommandParser) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = self.run(**options)
        except VisabondError as error:
            self.stderr.write(printable(f"visabond {self.command_name()}: {error}"))
            sys.exit(EXIT_BAD_INPUT)
        if code:
            sys.exit(code)

    def run(self, **options: Any) -> int | None:
        raise NotImplementedError

    def command_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]

    def print_json(self, data: object) -> None:
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))
