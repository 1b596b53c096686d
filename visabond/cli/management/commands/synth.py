"""`visabond synth --travellers N --start DATE --days D [--seed S]`: realistic traffic for
tests and benchmarks, written in bulk (development installations only, like the demo data).

Bonded travellers from application to departure (`visabond.demo.traffic`), as the rows the
entry points would leave (`visabond.demo.synth`); reproducible from the seed. Prints the
rows written and the travellers by what happened to them; a progress bar on a terminal.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.dates import parse_date
from visabond.demo.synth import synth_generate


class Command(VisabondCommand):
    help = "Generate realistic bonded traffic into the database (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--travellers", type=int, required=True, help="how many (bonds)")
        parser.add_argument("--start", required=True, help="first day of applications, YYYY-MM-DD")
        parser.add_argument("--days", type=int, required=True, help="days of traffic")
        parser.add_argument("--seed", type=int, default=17, help="the same seed, the same rows")

    def run(self, **options: Any) -> int:
        start = parse_date(options["start"], field="--start")
        began = time.perf_counter()
        generated = synth_generate(
            travellers=options["travellers"],
            start=start,
            days=options["days"],
            seed=options["seed"],
            progress=self._progress if self.stdout.isatty() else None,
        )
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            f"synth (seed {generated.seed}): {generated.travellers} bonded travellers, "
            f"{sum(generated.rows.values())} rows in {time.perf_counter() - began:.1f} s"
        )
        for table, count in sorted(generated.rows.items()):
            self.stdout.write(f"  {count:>10}  {table}")
        for fate, count in sorted(generated.stories.items()):
            self.stdout.write(f"  {count:>10}  travellers {fate.replace('_', ' ')}")
        return 0

    def _progress(self, done: int, total: int) -> None:
        share = 100 * done // total if total else 100
        bar = "#" * (share // 5)
        self.stdout.write(
            f"\rsynthesising [{bar:<20}] {share:3d}%  traveller {done} of {total}", ending=""
        )
        self.stdout.flush()
