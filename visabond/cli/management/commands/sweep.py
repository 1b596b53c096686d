"""`visabond sweep [--as-of DATE] [--chunk N]`: judge every active bond on the border's evidence.

Cancels (and so refunds) the bonds whose terms were kept, opens an adjudication for each
suspected breach, flags the bonds that crossed a port their visa does not name; prints the
bonds by outcome, and a progress line on a terminal. A run that stopped continues where it
stopped; a second sweep started meanwhile is refused (exit 2).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.border.models import SweepRun
from visabond.border.sweep_services import sweep_run
from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.dates import parse_optional_date
from visabond.core.errors import InvalidInput

LABELS = {
    "cancel": "cancelled (refund follows)",
    "suspect": "breach suspected (adjudication opened)",
    "flag": "flagged for manual verification",
}


class Command(VisabondCommand):
    help = "Sweep the active bonds: cancel, suspect a breach, flag, or wait."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to judge by, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--chunk", type=int, default=10_000, help="bond ids per transaction (default 10000)"
        )

    def run(self, **options: Any) -> int:
        as_of = parse_optional_date(options["as_of"], field="--as-of") or clock.today()
        if as_of > clock.today():
            # Judged on a day to come, a stay not yet over would read as an overstay.
            raise InvalidInput(
                f"{as_of} is after today ({clock.today()}): the sweep judges the evidence as "
                "of today or an earlier day",
                code="as_of_in_future",
                field="--as-of",
            )
        terminal = self.stdout.isatty()
        run = sweep_run(
            as_of=as_of,
            actor="visabond sweep",
            chunk_span=options["chunk"],
            progress=self._progress if terminal else None,
        )
        if terminal:
            self.stdout.write("")
        self.stdout.write(f"sweep {run.pk} as of {run.as_of}: {sum(run.counts.values())} bonds")
        for line in describe(run):
            self.stdout.write(f"  {line}")
        return 0

    def _progress(self, run: SweepRun) -> None:
        share = 100 * run.cursor // run.upto if run.upto else 100
        bar = "#" * (share // 5)
        self.stdout.write(
            f"\rsweeping [{bar:<20}] {share:3d}%  bond {run.cursor} of {run.upto}", ending=""
        )
        self.stdout.flush()


def describe(run: SweepRun) -> list[str]:
    """The run's counts as lines: decided bonds by outcome and reason, then the others."""
    lines = []
    for key, count in sorted(run.counts.items()):
        decision, _, reason = key.partition(":")
        if decision in LABELS:
            lines.append(f"{count:>8}  {LABELS[decision]}: {reason}")
    others = {
        "wait": "waiting (nothing to decide yet)",
        "stale": "decided by someone else meanwhile",
        "flagged_before": "flagged already",
    }
    lines.extend(
        f"{run.counts[key]:>8}  {label}" for key, label in others.items() if run.counts.get(key)
    )
    return lines
