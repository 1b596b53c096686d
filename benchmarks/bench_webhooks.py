"""Webhook confirmations per second, with p50/p99 latency, at 50 concurrent clients.

Real HTTP on loopback against `visabond serve` (granian or gunicorn) on a real PostgreSQL: a throwaway
server started here as `./dev test` starts one (fsync off, on a temporary directory), or the
one named by VISABOND_BENCH_POSTGRES_URL (its database is used as is: give it an empty one).
Every message is signed by the `standardwebhooks` library, as a provider would, and pays a
distinct directed bond exactly: each is a full confirmation (signature, deduplication, the
bond and case posted, `receipt_applied` in the ledger, audit entries, the notice on commit).
Redeliveries of messages already answered are measured beside them.

Run: python benchmarks/bench_webhooks.py   (BENCH_MESSAGES=1500 per configuration;
BENCH_CONFIGURATIONS=0,2 picks configurations by their place in CONFIGURATIONS)
Prints, per server configuration: confirmations accepted/s (answered 200 or 202: kept in
the inbox) and applied/s (from the first message sent until every message is applied: what
the requests left pending is applied by the follow-mode applier `visabond serve` starts
beside the workers, or, for code without one, by `visabond payments apply`'s function, as
the catch-up would; counted in the time), p50 and p99 in ms; the CPU each message cost the
server (granian or gunicorn and its workers), the applier, the database (PostgreSQL's processes, when
it runs here) and the clients (this process), in ms; how many database sessions were waiting on
a lock, of those running a statement, on average (sampled every 20 ms); the statuses (0: no
answer); and the load average of the machine (2 shared cores). Workers get 120 s per request
(gunicorn's --timeout; granian has none) so that a loaded machine slows them rather than killing them. Each
fresh server first gets 100 confirmations, not measured (its workers import and connect on
their first requests). BENCH_KEEP_ALIVE=1: each client keeps its connection where the server
keeps it alive (granian, gunicorn's threaded workers; its sync workers close it after every
answer); by default a connection per message, as the figures before Run D were measured.
BENCH_CLIENT=raw: the clients are 50 connections of one asyncio loop sending requests built
before the clock starts, keeping their connections (a provider sends from machines of its
own; this leaves the shared cores to the server). The floor is 500 confirmations/s.

BENCH_BEFORE=<git ref> measures the code of that commit side by side, in the same run and on
the same database: each configuration is served by one version, then by the other (its
`visabond` package taken with `git archive`, put first on PYTHONPATH). For each version, a
process of its own also makes sequential confirmations in process (no HTTP, one connection)
and prints the SQL statements one costs (Django's count, BEGIN and COMMIT included), its wall
time, and how long it holds the audit trail's head row locked (from the first lock to the
commit): what every other confirmation waits for.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if os.environ.get("BENCH_TREE"):  # the in-process measure of another version
    sys.path.insert(0, os.environ["BENCH_TREE"])
CLIENTS = 50
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1500"))
IN_PROCESS = int(os.environ.get("BENCH_IN_PROCESS", "200"))
# BENCH_KEEP_ALIVE=1: each client keeps its connection (http.client opens it again when
# the server closed it, as sync workers do after every answer); else one per message.
KEEP_ALIVE = os.environ.get("BENCH_KEEP_ALIVE") == "1"
# BENCH_CLIENT=raw: the 50 clients are connections of one asyncio loop writing requests
# built before the clock starts and keeping their connections (a provider's senders run on
# machines of their own: this costs the shared cores a fraction of 50 Python threads).
RAW_CLIENT = os.environ.get("BENCH_CLIENT") == "raw"
WARM_UP = 100  # confirmations sent to a fresh server before the measured ones
# (label, workers, `visabond serve` arguments); the first is `visabond serve`'s default.
# Code from before `--server` (BENCH_BEFORE) serves only the gunicorn ones, given without it.
CONFIGURATIONS = [
    ("granian, 2 workers (the default)", 2, []),
    ("granian, 2 workers x 8 threads", 2, ["--threads", "8"]),
    ("gunicorn, 2 sync workers", 2, ["--server", "gunicorn"]),
    ("gunicorn, 2 workers x 8 threads (gthread)", 2, ["--server", "gunicorn", "--threads", "8"]),
]
if os.environ.get("BENCH_CONFIGURATIONS"):
    CONFIGURATIONS = [CONFIGURATIONS[int(i)] for i in os.environ["BENCH_CONFIGURATIONS"].split(",")]


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
        subprocess.run(command, stdout=subprocess.DEVNULL, check=check)

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
    # The timeline is loaded on the real day, as the tests' `pilot` fixture does: it holds
    # announcements made after the pilot's day, which a registry refuses to record before.
    seed_load()
    with today_is(PILOT_DAY):
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


def serve(
    database_url: str, workers: int, extra: list[str], tree: Path | None, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """`visabond serve` with `tree`'s code (None: this checkout); its errors go to `log`."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "GUNICORN_CMD_ARGS": "--backlog 2048 --timeout 120",
    }
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    command = [str(Path(sys.executable).with_name("visabond")), "serve"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), *extra]
    with log.open("ab") as errors:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = time.monotonic() + 120  # workers start slowly on a loaded machine
    while time.monotonic() < deadline:
        try:
            # The webhook's route answers a GET 405 without touching the database.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/v1/payments/webhook")
            if connection.getresponse().status == 405:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("visabond serve did not answer")


def before_arguments(extra: list[str]) -> list[str] | None:
    """A configuration's arguments for code from before `--server` (gunicorn only); None
    for a granian configuration, which that code cannot serve."""
    if extra[:2] != ["--server", "gunicorn"]:
        return None
    return extra[2:]


def tree_cpu(root: int, *, apart: str = "") -> tuple[float, float]:
    """CPU seconds (user + system) used so far by a process and its descendants (/proc),
    those that ended included (counted in the parent that reaped them); second, the share
    of the processes whose command line holds `apart` (the inbox's follow-mode applier)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent, used, marked = {}, {}, set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # the process ended meanwhile
            continue
        pid = int(entry.name)
        # Its own time and its reaped children's: a backend or worker that ended counts too.
        parent[pid], used[pid] = int(fields[1]), sum(map(int, fields[11:15])) / ticks
        if apart and apart in command:
            marked.add(pid)
    total, share, stack = 0.0, 0.0, [root]
    while stack:
        pid = stack.pop()
        total += used.get(pid, 0.0)
        share += used.get(pid, 0.0) if pid in marked else 0.0
        stack.extend(child for child, up in parent.items() if up == pid)
    return total, share


APPLIER = "apply --follow"


def has_applier(server: int) -> bool:
    """Whether the server runs the inbox's follow-mode applier (code from before has none)."""
    wanted = f"{APPLIER} --parent {server}"
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and wanted in (entry / "cmdline").read_bytes().replace(
                b"\0", b" "
            ).decode(errors="replace"):
                return True
        except OSError:  # the process ended meanwhile
            continue
    return False


@dataclass
class Run:
    """One blast: wall time, latencies (ms), statuses, and what it cost."""

    wall: float
    applied: float  # seconds from the start until every message was applied
    latencies: list[float]
    statuses: dict[int, int]
    cpu: dict[str, float]  # CPU seconds of the server, the database, the clients
    waiting: float  # database sessions waiting on a lock, on average
    active: float  # database sessions running a statement, on average


def blast(port: int, messages: list[Message], server: int, database: int | None) -> Run:
    """Send every message from 50 client threads, sampling the database's sessions."""
    import psycopg

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(messages))
    start = threading.Barrier(CLIENTS + 1)
    done = threading.Event()
    samples: list[tuple[int, int]] = []

    def client() -> None:
        start.wait()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    connection.close()
                    return
                message = queue.pop()
            began = time.perf_counter()
            if not KEEP_ALIVE:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection.request(
                    "POST", "/api/v1/payments/webhook", body=message.body, headers=message.headers
                )
                reply = connection.getresponse()
                reply.read()
                status = reply.status
            except (OSError, http.client.HTTPException):
                status = 0  # no answer: the worker was killed or the connection dropped
                connection.close()
            finally:
                if not KEEP_ALIVE:
                    connection.close()
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    def sampler() -> None:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            while not done.wait(0.02):
                row = connection.execute(
                    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                    " count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity"
                    " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                samples.append((int(row[0]), int(row[1])) if row else (0, 0))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    if RAW_CLIENT:
        queue.reverse()  # back in the order given
        start = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=raw_clients, args=(port, queue, latencies, statuses, start.wait)
            )
        ]
    for thread in threads:
        thread.start()
    watcher = threading.Thread(target=sampler)
    watcher.start()

    def cpu_now() -> tuple[float, float, float, float]:
        served, applier = tree_cpu(server, apart=APPLIER)
        database_cpu = tree_cpu(database)[0] if database else 0.0
        return served - applier, applier, database_cpu, time.process_time()

    before = cpu_now()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    catch_up(followed=has_applier(server))
    applied = time.perf_counter() - began
    after = cpu_now()
    done.set()
    watcher.join()
    spent = [b - a for a, b in zip(before, after, strict=True)]
    cpu = dict(zip(("server", "applier", "database", "clients"), spent, strict=True))
    return Run(
        wall,
        applied,
        latencies,
        statuses,
        cpu,
        statistics.mean(w for w, _ in samples) if samples else 0.0,
        statistics.mean(a for _, a in samples) if samples else 0.0,
    )


def raw_request(port: int, message: Message) -> bytes:
    """`message` as the bytes of an HTTP/1.1 POST to the webhook, keeping the connection."""
    head = [
        "POST /api/v1/payments/webhook HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Length: {len(message.body)}",
        *(f"{name}: {value}" for name, value in message.headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + message.body


def raw_clients(
    port: int,
    messages: list[Message],
    latencies: list[float],
    statuses: dict[int, int],
    ready: object,
) -> None:
    """Send `messages` over `CLIENTS` connections of one asyncio loop, each request built
    before the start; a connection the server closes is opened again."""
    import asyncio

    requests = [raw_request(port, message) for message in messages]
    requests.reverse()  # popped from the end, in the order given

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while requests:
            request = requests.pop()
            began = time.perf_counter()
            status = 0
            for _attempt in range(2):
                try:
                    writer.write(request)
                    status_line = await reader.readline()
                    if not status_line:
                        raise ConnectionResetError
                    status, length, close = int(status_line.split()[1]), 0, False
                    while (line := await reader.readline()) not in (b"\r\n", b""):
                        name, _, value = line.decode("latin-1").partition(":")
                        if name.lower() == "content-length":
                            length = int(value)
                        elif name.lower() == "connection" and "close" in value.lower():
                            close = True
                    await reader.readexactly(length)
                    if close:
                        writer.close()
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    break
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    status = 0  # the server closed a kept connection: open it again, once
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
            latencies.append((time.perf_counter() - began) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    async def every_client() -> None:
        await asyncio.gather(*(client() for _ in range(CLIENTS)))

    ready()  # type: ignore[operator]
    asyncio.run(every_client())


def catch_up(followed: bool) -> None:
    """Wait until nothing is pending: the server's follow-mode applier, when it runs one
    (`followed`), applies what the requests left (a look every 5 ms). Without one, or should
    nothing move for 5 s, apply the rest here, as `visabond payments apply` does (nothing
    for code without an inbox, which applies every message before answering it)."""
    from django.db import connection

    from visabond.payments.inbox_services import webhook_inbox_apply
    from visabond.payments.models import WebhookDelivery

    left, moved = -1, time.monotonic()
    while True:
        pending = WebhookDelivery.objects.filter(state="pending").count()
        if not pending:
            break
        if pending != left:
            left, moved = pending, time.monotonic()
        elif not followed or time.monotonic() - moved > 5:
            while webhook_inbox_apply(retry_failed=True).answers:
                pass
            break
        time.sleep(0.005)
    connection.close()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(label: str, run: Run) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    count = len(run.latencies)
    cpu = "+".join(f"{run.cpu[part] * 1000 / count:.1f}" for part in run.cpu)
    print(
        f"  {label:<64} accepted {count / run.wall:5.0f} /s   applied {count / run.applied:5.0f} /s"
        f"   p50 {statistics.median(run.latencies):6.1f} ms"
        f"   p99 {percentile(run.latencies, 0.99):6.1f} ms   CPU ms each {cpu}"
        f"   waiting on a lock {run.waiting:4.1f} of {run.active:4.1f} active"
        f"   statuses {run.statuses}   load {load}"
    )


def errors_logged(log: Path) -> None:
    """Print what the server logged as an error or a critical event, counted, then drop it."""
    from collections import Counter

    lines = log.read_text(errors="replace").splitlines()
    log.unlink()
    found = Counter(
        line.strip()[:160]
        for line in lines
        if not line.startswith(" ") and ("Error" in line or "CRITICAL" in line)
    )
    for line, count in found.most_common(5):
        print(f"    server log ({count}x): {line}")


def database_pid() -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        return int((Path("/proc") / str(backend) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


@dataclass
class Version:
    label: str
    tree: Path | None  # None: this checkout


def versions() -> list[Version]:
    """This code, and the code at BENCH_BEFORE when given (its package only, from git)."""
    found = [Version("this code", None)]
    before = os.environ.get("BENCH_BEFORE")
    if before:
        tree = Path(tempfile.mkdtemp(prefix="visabond-bench-before-"))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", before, "visabond"],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as files:
            files.extractall(tree, filter="data")
        found.append(Version(f"before ({before})", tree))
    return found


def in_process(database_url: str, version: Version, bonds: list[str], secret: str) -> None:
    """Run `in_process_main` with `version`'s code, in a process of its own."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "BENCH_BONDS": ",".join(bonds),
        "BENCH_SECRET": secret,
        "BENCH_TREE": "" if version.tree is None else str(version.tree),
    }
    result = subprocess.run(
        [sys.executable, __file__, "--in-process"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"  {version.label + ': in process, sequential':<52} {result.stdout.strip()}")


def in_process_main() -> None:
    """Sequential confirmations through `webhook_receive`: the statements of each, its wall
    time, and how long it holds the audit head's row lock (from the first lock to the commit).
    """
    setup_django(os.environ["DATABASE_URL"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from visabond.payments.webhook_services import webhook_receive

    marks: dict[str, float] = {}

    def head_locked(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if '"audit_audithead"' in sql and "FOR UPDATE" in sql:
            marks.setdefault("locked", time.perf_counter())
        return result

    commit = connection.commit

    def timed_commit() -> None:  # Django's atomic blocks commit through this
        commit()
        if "locked" in marks:
            marks.setdefault("committed", time.perf_counter())

    connection.commit = timed_commit  # type: ignore[method-assign]
    bonds = os.environ["BENCH_BONDS"].split(",")
    messages = messages_for(bonds, os.environ["BENCH_SECRET"])
    counts, times, holds = [], [], []
    for message in messages:
        marks.clear()
        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(head_locked):
            began = time.perf_counter()
            answer = webhook_receive(headers=message.headers, body=message.body)
            times.append((time.perf_counter() - began) * 1000)
        assert answer.status == 200, answer.body
        assert answer.body["disposition"] == "applied", answer.body  # applied before the answer
        counts.append(len(queries.captured_queries))
        holds.append((marks["committed"] - marks["locked"]) * 1000)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{statistics.median(counts):.0f} statements, {statistics.median(times):.1f} ms median "
        f"({1000 / statistics.mean(times):.0f}/s on one connection), audit head locked "
        f"{statistics.median(holds):.1f} ms median, p90 {percentile(holds, 0.9):.1f} ms"
        f"   load {load}"
    )


def main() -> None:
    given = os.environ.get("VISABOND_BENCH_POSTGRES_URL")
    postgres = None if given else ThrowawayPostgres()
    database_url = given or postgres.start()  # type: ignore[union-attr]
    compared = versions()
    try:
        setup_django(database_url)
        from visabond.ledger.selectors import ledger_verify
        from visabond.payments.secret_services import webhook_secret_add

        per_version = (MESSAGES + WARM_UP) * len(CONFIGURATIONS) + IN_PROCESS
        bonds = iter(directed_bonds(per_version * len(compared)))
        _, secret = webhook_secret_add(label="bench", actor="bench")
        postgres_pid = database_pid()
        print(
            f"webhook confirmations on PostgreSQL, {CLIENTS} concurrent clients over loopback HTTP,"
            f" {MESSAGES} messages per configuration, {os.cpu_count()} cores"
        )
        print(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for version in compared:
            in_process(database_url, version, [next(bonds) for _ in range(IN_PROCESS)], secret)
        for label, workers, extra in CONFIGURATIONS:
            for version in compared:
                arguments = extra if version.tree is None else before_arguments(extra)
                if arguments is None:
                    continue
                batch = messages_for([next(bonds) for _ in range(MESSAGES)], secret)
                warm = messages_for([next(bonds) for _ in range(WARM_UP)], secret)
                log = Path(tempfile.mkstemp(prefix="visabond-bench-serve-")[1])
                server, port = serve(database_url, workers, arguments, version.tree, log)
                try:
                    name = f"{version.label}, {label}"
                    # Every worker imports and connects on its first requests: not measured.
                    blast(port, warm, server.pid, postgres_pid)
                    report(f"{name}: confirmations", blast(port, batch, server.pid, postgres_pid))
                    report(f"{name}: redeliveries", blast(port, batch, server.pid, postgres_pid))
                finally:
                    server.terminate()
                    server.wait(timeout=30)
                    errors_logged(log)
        from django.db import connection

        connection.close()
        found = ledger_verify()
        print(f"  ledger after the run: {found.transactions} transactions, holds={found.holds}")
    finally:
        for version in compared:
            if version.tree is not None:
                shutil.rmtree(version.tree, ignore_errors=True)
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    if "--in-process" in sys.argv:
        in_process_main()
    else:
        main()
