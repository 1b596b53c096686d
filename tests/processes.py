"""Programs run at once, each a Python process of its own as a server's workers are, released
together once every one is ready (its imports and set-up done), so their work overlaps."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence


def processes_at_once(
    program: str, *, count: int, args: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> list[str]:
    """Start `count` processes running `program` (Python source) with `args`; each prints
    "ready" when set up and waits for a line on its standard input, which every one gets
    once all are ready. Returns what each printed after that, in the order started.

    Raises `AssertionError` with the process's errors when one does not get ready or fails.
    """
    command = [sys.executable, "-c", program, *args]
    children = [
        subprocess.Popen(
            command,
            env=None if env is None else dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            if line != "ready":
                child.wait(timeout=60)
                assert child.stderr is not None
                raise AssertionError(f"a process did not get ready: {child.stderr.read()}")
        outputs = []
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            outputs.append(out.strip())
        return outputs
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
