"""The one clock: shifted for a demonstration or a browser test, never in production."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from visabond.core import clock


def test_a_shifted_clock_lives_that_many_days_away_and_still_ticks() -> None:
    previous = clock.shift_days(-300)
    try:
        first = clock.now()
        second = clock.now()
    finally:
        clock.set_clock(previous)
    real = dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=299) < real - first < dt.timedelta(days=301)
    assert second >= first
    assert first.tzinfo is dt.UTC


def test_production_settings_refuse_a_shifted_clock() -> None:
    """Decisions, deadlines and the audit trail carry the real date in production."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "visabond.config.settings.production",
        "VISABOND_SECRET_KEY": "x" * 50,
        "VISABOND_CLOCK_SHIFT_DAYS": "-270",
    }
    code = "import django; django.setup()"
    refused = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0
    assert "VISABOND_CLOCK_SHIFT_DAYS is for demonstrations and tests only" in refused.stderr
    accepted = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"VISABOND_CLOCK_SHIFT_DAYS": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert accepted.returncode == 0, accepted.stderr


def test_the_wall_clock_takes_a_demonstrations_shift_back_off_and_keeps_a_frozen_moment() -> None:
    previous = clock.shift_days(-300)
    try:
        shifted, wall = clock.now(), clock.wall_now()
    finally:
        clock.set_clock(previous)
    assert abs(wall - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert dt.timedelta(days=299) < wall - shifted < dt.timedelta(days=301)
    moment = dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC)
    with clock.frozen(moment):
        assert clock.wall_now() == moment
