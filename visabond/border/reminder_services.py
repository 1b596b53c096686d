"""`visabond reminders send`: each obligor reminded of the ports before travel and of the last
day of the stay before it (which reminder when: `reminders.py`).

An entry point (docs/writes.md). The bonds due are selected per kind in one query each, and
their reminders inserted in one statement that skips those sent before (a row per bond and
kind, unique): only the rows this run inserted are sent, so two runs at once, or a run
repeated, never send a reminder twice. Each notice leaves once the transaction commits
(`notice_send`), in the obligor's language; each reminder is an audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from visabond.audit.actors import Actor
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.models import Bond
from visabond.border.models import Admission, BondReminder
from visabond.border.reminder_selectors import bonds_due_last_day, bonds_due_ports
from visabond.border.reminders import LAST_DAY_LEAD_DAYS, ReminderKind
from visabond.core.airports import airport_name
from visabond.notices.services import Notice, notice_send

NOTICES = {
    ReminderKind.PORTS: Notice.REMINDER_PORTS,
    ReminderKind.LAST_DAY: Notice.REMINDER_LAST_DAY,
}


def reminders_send(*, as_of: dt.date, actor: Actor) -> dict[str, int]:
    """Send every reminder due on `as_of` and not sent before; returns how many of each kind
    (`ports`, `last_day`) this run sent.

    An entry point: one transaction; the mails leave after it commits.
    """
    run = uuid.uuid4().hex
    with transaction.atomic(durable=True):
        due = {
            ReminderKind.PORTS: bonds_due_ports(as_of),
            ReminderKind.LAST_DAY: bonds_due_last_day(as_of),
        }
        for kind, bond_ids in due.items():
            BondReminder.objects.bulk_create(
                [
                    BondReminder(bond_id=bond_id, kind=kind.value, run=run, as_of=as_of)
                    for bond_id in bond_ids.exclude(reminders__kind=kind.value)
                ],
                ignore_conflicts=True,
            )
        sent = (
            BondReminder.objects.filter(run=run)
            .select_related("bond__obligor", "bond__case__visa")
            .order_by("bond_id", "kind")
        )
        counts = dict.fromkeys((k.value for k in ReminderKind), 0)
        for reminder in sent:
            _send(reminder, actor=actor)
            counts[reminder.kind] += 1
    return counts


def _send(reminder: BondReminder, *, actor: Actor) -> None:
    bond = reminder.bond
    assert bond.obligor is not None
    kind = ReminderKind(reminder.kind)
    context = _context(kind, bond, as_of=reminder.as_of)
    notice_send(NOTICES[kind], recipient=bond.obligor, context=context)
    audit_record(
        AuditAction.REMINDERS_SENT,
        subject=reminder,
        actor=actor,
        details={"bond": bond.number, "kind": kind.value, "as_of": reminder.as_of.isoformat()},
    )


def _context(kind: ReminderKind, bond: Bond, *, as_of: dt.date) -> dict[str, Any]:
    visa = bond.case.visa
    context: dict[str, Any] = {
        "bond_number": bond.number,
        "amount": str(bond.money),
        "ports": _ports(visa.ports),
        "visa_valid_until": visa.valid_until.isoformat(),
    }
    if kind is ReminderKind.LAST_DAY:
        admission = Admission.objects.filter(bond=bond).order_by("-admitted_at", "-pk").first()
        assert admission is not None
        context["last_day"] = admission.authorized_until.isoformat()
        context["days_left"] = (admission.authorized_until - as_of).days
        context["lead_days"] = LAST_DAY_LEAD_DAYS
    return context


def _ports(codes: Iterable[str]) -> str:
    return ", ".join(f"{code} ({airport_name(code)})" for code in codes)
