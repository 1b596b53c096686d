"""The `visabond` entry point itself: what it sets before Django starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from visabond.cli import DEFAULT_SETTINGS, SHIFT, demo_clock_shift

ROOT = Path(__file__).resolve().parents[2]


def development(data_dir: Path, **more: str) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": DEFAULT_SETTINGS, "VISABOND_DATA_DIR": str(data_dir)} | more


def test_a_command_runs_on_the_demos_clock_that_dev_up_kept(tmp_path: Path) -> None:
    (tmp_path / "demo-clock-shift").write_text("-271\n")
    environ = development(tmp_path)
    assert demo_clock_shift(environ) == -271
    assert environ[SHIFT] == "-271"


@pytest.mark.parametrize(
    ("content", "more"),
    [
        (None, {}),  # no demo on this installation
        ("-271", {SHIFT: "0"}),  # the real calendar asked for
        ("-271", {"DJANGO_SETTINGS_MODULE": "visabond.config.settings.production"}),
        ("minus two", {}),  # not a number of days
    ],
    ids=["no-file", "asked-for-real-calendar", "production", "not-a-number"],
)
def test_the_demos_clock_is_left_alone_otherwise(
    tmp_path: Path, content: str | None, more: dict[str, str]
) -> None:
    if content is not None:
        (tmp_path / "demo-clock-shift").write_text(content)
    environ = development(tmp_path, **more)
    before = dict(environ)
    assert demo_clock_shift(environ) is None
    assert environ == before


def test_the_command_says_it_runs_on_the_demos_clock(tmp_path: Path) -> None:
    (tmp_path / "demo-clock-shift").write_text("-271")
    environment = {
        k: v for k, v in os.environ.items() if k not in (SHIFT, "DJANGO_SETTINGS_MODULE")
    }
    environment["VISABOND_DATA_DIR"] = str(tmp_path)
    visabond = Path(sys.executable).with_name("visabond")
    result = subprocess.run(
        [str(visabond), "help"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "on the demo's clock, -271 days from today" in result.stderr
