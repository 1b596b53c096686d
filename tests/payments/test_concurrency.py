"""Real concurrent clients on PostgreSQL over real HTTP: one message delivered by fifty at once
posts once; two messages paying one bond at once post it once and quarantine the other.

SQLite has no row locks: there every transaction starts with BEGIN IMMEDIATE, which takes the
database's single write lock, so writers are serialised; an in-memory SQLite database is one
connection, so these run on the PostgreSQL pass.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tests.casework_world import directed_case, ledger_holds, world
from tests.http_client import Response, Session
from tests.payments.provider import Signed, confirmation, signed
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.casework.models import Case
from visabond.ledger.models import LedgerTransaction
from visabond.payments.applier import inbox_follow
from visabond.payments.models import Payment, WebhookDelivery
from visabond.payments.secret_services import webhook_secret_add

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server: Any, pilot: None) -> str:
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite database is one connection; the PostgreSQL pass runs this")
    return str(live_server.url)


def all_at_once(server: str, messages: list[Signed]) -> list[Response]:
    """Send every message from its own client thread, released together."""
    barrier = threading.Barrier(len(messages))
    answers: list[Response | None] = [None] * len(messages)

    def send(index: int) -> None:
        message = messages[index]
        barrier.wait()
        # The test server listens with a backlog of five, so some of fifty simultaneous
        # connections are reset; the client retries them, as a provider's delivery does.
        for attempt in range(20):
            try:
                answers[index] = Session(server).request(
                    "POST", "/api/v1/payments/webhook", data=message.body, headers=message.headers
                )
                return
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.05 * (attempt + 1))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(messages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [a for a in answers if a is not None]


def posted_once(case: Case) -> None:
    """One payment, one message kept, one posting: the bond posted, the ledger whole."""
    assert Payment.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="receipt_applied").count() == 1
    case.bond.refresh_from_db()
    assert case.bond.state == BondState.POSTED
    assert ledger_holds()


def test_the_same_message_from_fifty_clients_at_once_posts_exactly_once(server: str) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    answers = all_at_once(server, [message] * 50)
    assert len(answers) == 50
    assert {a.status for a in answers} == {200}
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
    posted_once(case)


def test_two_messages_paying_one_bond_at_once_apply_one_and_quarantine_the_other(
    server: str,
) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    case = directed_case(world())
    messages = [
        signed(confirmation(reference=case.bond.number), secrets=[secret]) for _ in range(2)
    ]
    answers = all_at_once(server, messages)
    assert [a.status for a in answers] == [200, 200]
    outcomes = Counter(a.json()["disposition"] for a in answers)
    assert outcomes == {"applied": 1, "quarantined": 1}
    assert LedgerTransaction.objects.filter(kind="receipt_applied").count() == 1
    assert LedgerTransaction.objects.filter(kind="receipt_unapplied").count() == 1
    assert ledger_holds()


def fifty_bonds_paid_at_once(server: str) -> tuple[list[Signed], list[Response]]:
    """Fifty directed bonds, each paid by its own message, the fifty sent at once."""
    _, secret = webhook_secret_add(label="provider", actor="test")
    people = world()
    cases = [directed_case(people) for _ in range(50)]
    messages = [signed(confirmation(reference=c.bond.number), secrets=[secret]) for c in cases]
    answers = all_at_once(server, messages)
    assert len(answers) == 50
    return messages, answers


def test_fifty_messages_for_fifty_bonds_at_once_are_each_applied_once_whoever_applies_them(
    server: str,
) -> None:
    _, answers = fifty_bonds_paid_at_once(server)
    # Each request applied its message, or waited for the batch that claimed it.
    assert {(a.status, a.json()["outcome"], a.json()["disposition"]) for a in answers} == {
        (200, "applied", "applied")
    }
    assert not WebhookDelivery.objects.filter(state="pending").exists()
    assert LedgerTransaction.objects.filter(kind="receipt_applied").count() == 50
    assert Bond.objects.filter(state=BondState.POSTED).count() == 50
    assert ledger_holds()


@pytest.fixture
def follower(server: str, settings: Any) -> Iterator[None]:
    """`visabond payments apply --follow` beside the server, as `visabond serve` runs it."""
    settings.PAYMENTS_INBOX_FOLLOWED = True
    stopped = threading.Event()

    def follow() -> None:
        try:
            inbox_follow(stop=stopped.is_set, interval=0.01)
        finally:
            connection.close()

    thread = threading.Thread(target=follow)
    thread.start()
    yield
    stopped.set()
    thread.join()


def all_applied(within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while WebhookDelivery.objects.filter(state="pending").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_with_a_follow_mode_applier_fifty_messages_at_once_are_each_kept_then_applied_once(
    server: str, follower: None
) -> None:
    messages, answers = fifty_bonds_paid_at_once(server)
    # Applied before the answer when the turn was free, accepted at once when it was not.
    assert {(a.status, a.json()["outcome"]) for a in answers} <= {
        (200, "applied"),
        (202, "accepted"),
    }
    assert all_applied()
    assert LedgerTransaction.objects.filter(kind="receipt_applied").count() == 50
    assert Bond.objects.filter(state=BondState.POSTED).count() == 50
    again = all_at_once(server, messages[:5])  # a 202'd message's redelivery: what it became
    assert {(a.status, a.json()["disposition"]) for a in again} == {(200, "applied")}
    assert ledger_holds()


def test_with_a_follow_mode_applier_the_same_message_from_fifty_clients_posts_exactly_once(
    server: str, follower: None
) -> None:
    _, secret = webhook_secret_add(label="provider", actor="test")
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    answers = all_at_once(server, [message] * 50)
    assert len(answers) == 50
    assert {a.status for a in answers} <= {200, 202}
    assert all_applied()
    posted_once(case)
