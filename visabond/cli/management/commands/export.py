"""`visabond export --format parquet DIR`: the system's admissions, departures and status
changes in the overstay report's input contract, so `visabond report overstays` runs on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.errors import InvalidInput
from visabond.stats.export import border_sources, contract_export


class Command(VisabondCommand):
    help = "Export border records in the overstay report's input contract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--format", default="parquet", metavar="parquet")

    def run(self, **options: Any) -> int:
        if options["format"] != "parquet":
            raise InvalidInput("only parquet is written", code="format_unknown", field="--format")
        written = contract_export(options["directory"], sources=border_sources())
        for name, count in written.items():
            self.stdout.write(f"{name}: {count} rows")
        return 0
