"""The one source of "now" and "today", so tests and the sweep can set the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return _now()


def wall_now() -> dt.datetime:
    """The moment as systems outside see it: `now()` without a demonstration's day shift.

    For checks against another system's clock, such as a payment provider's signing time
    (Standard Webhooks' five minutes): a provider signs with the real time, whatever day a
    demonstration lives on. A frozen or replaced clock is taken as it is.
    """
    return _now() - getattr(_now, "shift", dt.timedelta(0))


def today() -> dt.date:
    """Today's date in UTC: effective dates are calendar days at the issuing state's law."""
    return now().date()


def set_clock(fn: Callable[[], dt.datetime]) -> Callable[[], dt.datetime]:
    """Replace the clock; returns the previous one so a caller can restore it."""
    global _now
    previous, _now = _now, fn
    return previous


def freeze(moment: dt.datetime) -> Callable[[], dt.datetime]:
    if moment.tzinfo is None:
        raise ValueError("a frozen moment must be timezone-aware")
    return set_clock(lambda: moment)


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """The clock stopped at `moment` for the length of a block, then as it was."""
    previous = freeze(moment)
    try:
        yield
    finally:
        set_clock(previous)


def shift_days(days: int) -> Callable[[], dt.datetime]:
    """Run the clock `days` whole days away from the real one, still ticking.

    For a demonstration or a browser test that must live on a day a program was in force:
    every process given the same shift (the server's workers, the command line) agrees on
    the date, and time still passes, so events keep their order. Production refuses it
    (`VISABOND_CLOCK_SHIFT_DAYS`, settings).
    """
    return set_clock(_Shifted(dt.timedelta(days=days)))


class _Shifted:
    """The real clock moved by `shift`, which `wall_now` takes back off."""

    def __init__(self, shift: dt.timedelta) -> None:
        self.shift = shift

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.shift
