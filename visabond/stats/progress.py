"""Progress on a terminal for runs longer than a moment; silence for scripts."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class TerminalProgress:
    """Shows the current stage and the time elapsed on `stream`, once a run passes `delay`
    seconds, and only when `stream` is a terminal. Use as a context manager and call it with
    each stage's name."""

    def __init__(self, stream: TextIO | None = None, *, delay: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self.stage = "starting"
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def __call__(self, stage: str) -> None:
        self.stage = stage

    def __enter__(self) -> TerminalProgress:
        if self.stream.isatty():
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            elapsed = time.monotonic() - self.started
            self.stream.write(f"\r\033[K{elapsed:6.1f} s  {self.stage}…")
            self.stream.flush()
            self._shown = True
            self._stop.wait(0.25)
