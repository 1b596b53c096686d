"""`visabond seed`: load the real policy timeline; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from visabond.casework.seed.loader import posts_seed_load
from visabond.cli.base import VisabondCommand
from visabond.policy.seed.loader import seed_load


class Command(VisabondCommand):
    help = "Load the real policy timeline (US Visa Bond Pilot Program, Mali's reciprocity)."

    def run(self, **options: Any) -> int:
        report = seed_load()
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(
            f"seed: {len(report.applied)} steps applied, {report.skipped} already present"
        )
        changed = posts_seed_load()
        self.stdout.write(f"seed: {len(changed)} consular posts and bond terms recorded")
        return 0
