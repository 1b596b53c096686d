"""Load on the public page and the JSON lookup, over loopback, with wrk (Debian's `wrk`).

Serves a seeded SQLite installation with `visabond serve` (granian, the default 2 workers)
on 127.0.0.1 and runs wrk with 8 connections for a bounded time against each URL, one after
the other, on the same machine (2 cores shared by server and load tool). Prints requests/s
and latency percentiles. Targets: page >= 500 req/s, p99 < 25 ms; JSON >= 1,000 req/s,
p99 < 10 ms. The per-address ceiling is raised for the run: wrk is one address.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.installation import VISABOND, seeded_installation

DURATION = "10s"
TARGETS = {
    "public page, empty form": "/requirements/",
    "public page, an answer": "/requirements/?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-01-21",
    "public page, French answer": "/fr/requirements/?issuer=MLI&nationality=USA&visa_class=SHORT-STAY&on=2025-11-15",
    "JSON lookup": "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-01-21",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wrk(url: str) -> dict[str, str]:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{DURATION}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out)[1]}  # type: ignore[index]
    for pct in ("50", "90", "99"):
        figures[f"p{pct}"] = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+\w+)", out)[1]  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non-2xx"] = errors[1] if errors else "0"
    return figures


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk; ./dev bench installs it)")
    data_dir = Path(tempfile.mkdtemp(prefix="visabond-load-"))
    env = seeded_installation(data_dir) | {"VISABOND_LOOKUP_RATE": "100000000/m"}
    port = free_port()
    server = subprocess.Popen(
        [VISABOND, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/requirements/")
        print(f"wrk -t2 -c8 -d{DURATION} on loopback; visabond serve with 2 workers, SQLite")
        for label, path in TARGETS.items():
            wrk(base + path)  # warm the workers
            f = wrk(base + path)
            # The machine is shared: the load average says how much of it the run had.
            load = os.getloadavg()[0]
            print(
                f"{label:<28} {float(f['rps']):8.0f} req/s   p50 {f['p50']:>8}   "
                f"p90 {f['p90']:>8}   p99 {f['p99']:>8}   non-2xx {f['non-2xx']}   "
                f"load average {load:.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)
        os.environ.pop("VISABOND_LOOKUP_RATE", None)


if __name__ == "__main__":
    main()
