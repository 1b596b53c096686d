"""Webhook confirmations per second, with p50/p99 latency, at 50 concurrent clients.

Real HTTP on loopback against `visabond serve` (gunicorn) on a real PostgreSQL: a throwaway
server started here as `./dev test` starts one (fsync off, on a temporary directory), or the
one named by VISABOND_BENCH_POSTGRES_URL (its database is used as is: give it an empty one).
Every message is signed by the `standardwebhooks` library, as a provider would, and pays a
distinct directed bond exactly: each is a full confirmation (signature, deduplication, the
bond and case posted, `receipt_applied` in the ledger, audit entries, the notice on commit).
Redeliveries of messages already answered are measured beside them.

Run: python benchmarks/bench_webhooks.py   (BENCH_MESSAGES=1500 per configuration)
Prints, per server configuration, confirmations/s, p50 and p99 in ms, and the load average
of the machine (2 shared cores) before and after. The floor is 500 confirmations/s.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLIENTS = 50
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1500"))
# (label, gunicorn workers, extra gunicorn arguments); the first is `visabond serve`'s default.
CONFIGURATIONS = [
    ("2 sync workers (the default)", 2, ""),
    ("4 sync workers", 4, ""),
    ("2 workers x 8 threads (gthread)", 2, "--worker-class gthread --threads 8"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A PostgreSQL server on loopback in a temporary directory, as ./dev starts one."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise SystemExit("PostgreSQL is not installed (apt install postgresql)")
        self.bin = bins[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="visabond-bench-pg-"))
        self.port = free_port()
        self.run = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.run:
            shutil.chown(self.dir, "postgres")

    def _tool(self, name: str, *args: str, check: bool = True) -> None:
        command = [*self.run, str(self.bin / name), *args]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=check)  # noqa: S603 - our own tools

    def start(self) -> str:
        data, options = str(self.dir / "data"), f"-h 127.0.0.1 -p {self.port} -k {self.dir}"
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options += " -c max_connections=200"
        self._tool(
            "initdb", "-D", data, "-U", "visabond", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        self._tool("pg_ctl", "-D", data, "-l", str(self.dir / "log"), "-w", "-o", options, "start")
        self._tool(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "visabond", "visabond"
        )
        return f"postgres://visabond@127.0.0.1:{self.port}/visabond"

    def stop(self) -> None:
        self._tool("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "visabond.config.settings.base"
    os.environ["VISABOND_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import django

    django.setup()


def directed_bonds(count: int) -> list[str]:
    """`count` bonds awaiting payment: one case through the services, the rest its copies."""
    from django.core.management import call_command
    from django.db import transaction

    from tests.casework_world import PILOT_DAY, directed_case, today_is, world
    from visabond.bonds.models import Bond
    from visabond.casework.models import Case
    from visabond.casework.seed.loader import posts_seed_load
    from visabond.core.references import new_reference
    from visabond.policy.seed.loader import seed_load

    call_command("migrate", verbosity=0)
    with today_is(PILOT_DAY):
        seed_load()
        posts_seed_load()
        template = directed_case(world())
    bond = template.bond
    with transaction.atomic():
        cases = []
        for _ in range(count):
            copy = Case.objects.get(pk=template.pk)
            copy.pk, copy.reference = None, new_reference("C")
            cases.append(copy)
        cases = Case.objects.bulk_create(cases)
        bonds = [
            Bond(
                number=new_reference("B"),
                case=case,
                obligor=bond.obligor,
                obligor_name=bond.obligor_name,
                amount=bond.amount,
                currency=bond.currency,
                state=bond.state,
                directed_at=bond.directed_at,
                payment_deadline=bond.payment_deadline,
            )
            for case in cases
        ]
        Bond.objects.bulk_create(bonds)
    return [b.number for b in bonds]


@dataclass
class Message:
    headers: dict[str, str]
    body: bytes


def messages_for(bonds: list[str], secret: str) -> list[Message]:
    """One signed confirmation per bond, signed by the standardwebhooks library."""
    import json
    import uuid

    from standardwebhooks import Webhook

    signer = Webhook(secret)
    now = dt.datetime.now(dt.UTC)
    signed = []
    for number in bonds:
        body = json.dumps(
            {
                "type": "payment.succeeded",
                "timestamp": now.isoformat(),
                "data": {
                    "payment_id": f"pay_{uuid.uuid4().hex}",
                    "amount": "10000.00",
                    "currency": "USD",
                    "reference": number,
                    "paid_at": now.isoformat(),
                    "payer": {"name": "Grace Banda"},
                },
            }
        ).encode()
        webhook_id = f"msg_{uuid.uuid4().hex}"
        signed.append(
            Message(
                headers={
                    "webhook-id": webhook_id,
                    "webhook-timestamp": str(int(now.timestamp())),
                    "webhook-signature": signer.sign(webhook_id, now, body.decode()),
                    "Content-Type": "application/json",
                },
                body=body,
            )
        )
    return signed


def serve(database_url: str, workers: int, extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "GUNICORN_CMD_ARGS": f"--backlog 2048 {extra}".strip(),
    }
    command = [str(Path(sys.executable).with_name("visabond")), "serve"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = subprocess.Popen(  # noqa: S603 - our own command
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("visabond serve did not answer")


def blast(port: int, messages: list[Message]) -> tuple[float, list[float], dict[int, int]]:
    """Send every message from 50 client threads; wall time, latencies (ms), statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(messages))
    start = threading.Barrier(CLIENTS + 1)

    def client() -> None:
        start.wait()
        while True:
            with lock:
                if not queue:
                    return
                message = queue.pop()
            began = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request(
                "POST", "/api/v1/payments/webhook", body=message.body, headers=message.headers
            )
            reply = connection.getresponse()
            reply.read()
            connection.close()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[reply.status] = statuses.get(reply.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(label: str, wall: float, latencies: list[float], statuses: dict[int, int]) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  {label:<44} {len(latencies) / wall:7.0f} /s   p50 {statistics.median(latencies):6.1f} ms"
        f"   p99 {percentile(latencies, 0.99):6.1f} ms   statuses {statuses}   load {load}"
    )


def main() -> None:
    given = os.environ.get("VISABOND_BENCH_POSTGRES_URL")
    postgres = None if given else ThrowawayPostgres()
    database_url = given or postgres.start()  # type: ignore[union-attr]
    try:
        setup_django(database_url)
        from visabond.ledger.selectors import ledger_verify
        from visabond.payments.secret_services import webhook_secret_add

        bonds = directed_bonds(MESSAGES * len(CONFIGURATIONS))
        _, secret = webhook_secret_add(label="bench", actor="bench")
        print(
            f"webhook confirmations on PostgreSQL, {CLIENTS} concurrent clients over loopback HTTP,"
            f" {MESSAGES} messages per configuration, {os.cpu_count()} cores"
        )
        print(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for index, (label, workers, extra) in enumerate(CONFIGURATIONS):
            batch = messages_for(bonds[index * MESSAGES : (index + 1) * MESSAGES], secret)
            server, port = serve(database_url, workers, extra)
            try:
                blast(port, messages_for([], secret))
                report(f"{label}: confirmations", *blast(port, batch))
                report(f"{label}: redeliveries", *blast(port, batch))
            finally:
                server.terminate()
                server.wait(timeout=30)
        from django.db import connection

        connection.close()
        found = ledger_verify()
        print(f"  ledger after the run: {found.transactions} transactions, holds={found.holds}")
    finally:
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    main()
