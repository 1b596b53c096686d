"""A visabond installation of its own for tests that run the console script as an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VISABOND = str(Path(sys.executable).with_name("visabond"))


def seeded_installation(data_dir: Path) -> dict[str, str]:
    """The environment of a migrated, seeded SQLite installation in `data_dir`, as `./dev up` makes one."""
    env = os.environ | {
        "VISABOND_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'visabond.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.base",
    }
    for command in (["migrate", "-v0"], ["seed"]):
        subprocess.run([VISABOND, *command], env=env, check=True, capture_output=True)
    return env


def run_visabond(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VISABOND, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
