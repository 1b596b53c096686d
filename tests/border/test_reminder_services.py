"""Reminders to obligors: the ports before travel, the last day of the stay a week before it;
each once per bond and kind, in the obligor's language, sent when the run commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail

from tests.border_world import Bonded, admit, bonded, depart, grace
from visabond.audit.models import AuditEvent
from visabond.border.models import BondReminder
from visabond.border.reminder_services import reminders_send
from visabond.border.reminders import LAST_DAY_LEAD_DAYS, last_day_window
from visabond.notices.models import SentNotice

pytestmark = pytest.mark.usefixtures("pilot")

D = dt.date.fromisoformat
Capture = Callable[..., AbstractContextManager[object]]


def send(as_of: str, capture: Capture) -> dict[str, int]:
    with capture(execute=True):
        return reminders_send(as_of=D(as_of), actor="visabond reminders send")


def test_a_day_reminds_of_the_stays_ending_within_the_next_week() -> None:
    assert LAST_DAY_LEAD_DAYS == 7
    assert last_day_window(D("2025-10-23")) == (D("2025-10-23"), D("2025-10-30"))


def test_the_ports_are_reminded_once_before_travel(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    traveller = bonded()
    assert send("2025-09-02", django_capture_on_commit_callbacks) == {"ports": 1, "last_day": 0}
    assert send("2025-09-03", django_capture_on_commit_callbacks) == {"ports": 0, "last_day": 0}
    (message,) = mail.outbox
    assert message.to == ["grace@example.org"]
    assert traveller.bond.number in message.subject
    assert all(port in message.body for port in ("BOS", "JFK", "IAD"))
    (notice,) = SentNotice.objects.all()
    assert (notice.kind, notice.language) == ("reminder_ports", "en")
    assert BondReminder.objects.get().kind == "ports"
    assert AuditEvent.objects.filter(action="border.reminders_sent").count() == 1


def test_no_ports_reminder_once_the_traveller_has_entered(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    bonded()
    admit(grace())
    assert send("2025-10-02", django_capture_on_commit_callbacks)["ports"] == 0


def test_the_last_day_is_reminded_a_week_before_it_once(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    traveller: Bonded = bonded()
    admit(grace(), until="2025-10-30")
    assert send("2025-10-22", django_capture_on_commit_callbacks)["last_day"] == 0
    assert send("2025-10-23", django_capture_on_commit_callbacks)["last_day"] == 1
    assert send("2025-10-24", django_capture_on_commit_callbacks)["last_day"] == 0
    (message,) = mail.outbox
    assert "2025-10-30" in message.subject
    assert "I-539" in message.body
    assert str(traveller.bond.money) in message.body
    assert "7 days from now" in message.body


def test_no_last_day_reminder_once_a_departure_counts(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    bonded()
    admit(grace(), until="2025-10-30")
    depart(grace(), on="2025-10-20")
    assert send("2025-10-25", django_capture_on_commit_callbacks)["last_day"] == 0


def test_a_french_obligor_is_reminded_in_french(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    bonded(language="fr")
    admit(grace(), until="2025-10-30")
    assert send("2025-10-25", django_capture_on_commit_callbacks)["last_day"] == 1
    (message,) = mail.outbox
    assert message.subject.endswith("le dernier jour de votre séjour est le 2025-10-30")
    assert "formulaire I-539" in message.body
    assert SentNotice.objects.get().language == "fr"


def test_the_mail_leaves_only_once_the_run_commits(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    bonded()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_send(as_of=D("2025-09-02"), actor="test")
    assert len(callbacks) == 1  # type: ignore[arg-type]
    assert mail.outbox == []
