"""The provider's inbox: messages kept pending, then applied in one set-based batch that leaves
exactly what applying them one by one leaves; a message that fails to apply is kept, never
dropped; a batch's statements do not grow with its size."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.casework_world import World, directed_case, ledger_holds, world
from tests.payments.provider import Signed, confirmation, signed
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond, BondEventRecord
from visabond.casework.models import Case, CaseEvent
from visabond.core.errors import VisabondError
from visabond.core.writes import entry_point_transaction
from visabond.ledger.models import LedgerTransaction
from visabond.notices.models import SentNotice
from visabond.payments import inbox_services, webhook_services
from visabond.payments.answers import Answer, answer_applied
from visabond.payments.applier import inbox_follow
from visabond.payments.inbox_services import PROVIDER, InboxRun, webhook_inbox_apply
from visabond.payments.models import (
    Channel,
    DeliveryState,
    Payment,
    RefusedAttempt,
    WebhookDelivery,
)
from visabond.payments.receipts import bond_named_locked, payment_receive
from visabond.payments.refusals import attempt_keep
from visabond.payments.schemas import confirmation_read

pytestmark = pytest.mark.usefixtures("pilot")

Capture = Callable[..., Any]


@pytest.fixture
def kept_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The webhook keeps messages but applies none (as if every batch were someone else's)."""
    monkeypatch.setattr(webhook_services, "webhook_inbox_apply", lambda **_: InboxRun())
    yield
    monkeypatch.undo()


def receive(message: Signed) -> Answer:
    return webhook_services.webhook_receive(headers=message.headers, body=message.body)


def keep(payload: dict[str, Any], secret: str) -> Answer:
    return receive(signed(payload, secrets=[secret]))


def old_path(message: Signed) -> Answer:
    """One message applied alone, as the webhook did before the inbox: its own transaction,
    its bond locked, `payment_receive`; a refusal kept in a transaction of its own."""
    received = confirmation_read(message.body)
    try:
        with entry_point_transaction():
            recorded = payment_receive(
                received, bond=bond_named_locked(received.reference), actor=PROVIDER
            )
            return answer_applied(recorded.payment)
    except VisabondError as refused:
        with entry_point_transaction():
            attempt_keep(
                channel=Channel.PROVIDER,
                error=refused,
                actor=PROVIDER,
                webhook_id=message.webhook_id,
            )
        return Answer(refused.http_status, refused.as_dict())


def scenario(cases: list[Case], tag: str, secret: str) -> list[Signed]:
    """Messages of every kind, in an order where one depends on another."""
    b = [c.bond.number for c in cases]
    payloads = [
        confirmation(reference=b[0], payment_id=f"{tag}-1"),  # posts bond 0
        confirmation(reference=b[0], payment_id=f"{tag}-2"),  # bond 0 is posted: quarantined
        confirmation(reference=b[1], payment_id=f"{tag}-3", amount="9999.99"),  # quarantined
        confirmation(reference="B-ZZZZ-ZZZZ", payment_id=f"{tag}-4"),  # unapplied
        confirmation(reference=cases[2].reference, payment_id=f"{tag}-5"),  # posts bond 2
        confirmation(reference="B-ZZZZ-ZZZZ", payment_id=f"{tag}-4"),  # the same payment again
        confirmation(reference=b[0], payment_id=f"{tag}-1", amount="5.00"),  # id reused: 409
        confirmation(reference=b[3], payment_id=f"{tag}-6", currency="EUR"),  # quarantined
        confirmation(reference=b[1], payment_id=f"{tag}-7"),  # posts bond 1 after all
    ]
    return [signed(payload, secrets=[secret]) for payload in payloads]


class Marks:
    """Where each table stood before a run, to read what the run wrote."""

    def __init__(self) -> None:
        self.payment = Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.ledger = LedgerTransaction.objects.order_by("-pk").values_list("pk", flat=True)
        self.ledger = self.ledger.first() or 0  # type: ignore[assignment]
        self.audit = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)
        self.audit = self.audit.first() or 0  # type: ignore[assignment]
        self.bond_event = BondEventRecord.objects.order_by("-pk").values_list("pk", flat=True)
        self.bond_event = self.bond_event.first() or 0  # type: ignore[assignment]
        self.case_event = (
            CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        self.notice = SentNotice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.refused = RefusedAttempt.objects.order_by("-pk").values_list("pk", flat=True)
        self.refused = self.refused.first() or 0  # type: ignore[assignment]


def written(
    marks: Marks, cases: list[Case], messages: list[Signed], answers: list[Answer], tag: str
) -> dict[str, Any]:
    """What a run wrote, its own references replaced by their place in the scenario."""
    payments = list(Payment.objects.filter(pk__gt=marks.payment).order_by("pk"))
    names = {c.bond.number: f"<bond {i}>" for i, c in enumerate(cases)}
    names |= {m.webhook_id: f"<message {i}>" for i, m in enumerate(messages)}
    names |= {c.reference: f"<case {i}>" for i, c in enumerate(cases)}
    names |= {p.number: f"<payment {i}>" for i, p in enumerate(payments)}
    names |= {f"{tag}-": "<id>-"}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    def same(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda m: names[m.group(0)], value)
        if isinstance(value, dict):
            return {k: same(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [same(v) for v in value]
        return value

    ledger = LedgerTransaction.objects.filter(pk__gt=marks.ledger).prefetch_related("entries")
    run = same(
        {
            "answers": [(a.status, dict(a.body)) for a in answers],
            "payments": [
                [
                    *(p.number, p.channel, p.external_id, str(p.amount), p.currency, p.reference),
                    *(p.case_reference, p.bond and p.bond.number, p.disposition, p.reason),
                    *(p.ledger_key, p.payer_name, p.recorded_by_name, p.received_at),
                ]
                for p in payments
            ],
            "ledger": [
                [
                    *(t.key, t.kind, t.bond and t.bond.number, t.memo, t.actor_name),
                    *sorted(
                        (e.account, e.side, str(e.amount), e.currency) for e in t.entries.all()
                    ),
                ]
                for t in ledger
            ],
            "bonds": [
                Bond.objects.values_list("state", "state_changed_at").get(pk=c.bond.pk)
                for c in cases
            ],
            "cases": [Case.objects.values_list("state", flat=True).get(pk=c.pk) for c in cases],
            "bond_events": [
                [
                    *(e.bond.number, e.event, e.before, e.after, e.actor_name, e.reason),
                    e.transaction and e.transaction.key,
                ]
                for e in BondEventRecord.objects.filter(pk__gt=marks.bond_event)
            ],
            "case_events": [
                (e.case.reference, e.before, e.after, e.actor_name, e.reason)
                for e in CaseEvent.objects.filter(pk__gt=marks.case_event)
            ],
            "audit": [
                (e.action, e.subject_type, e.actor_name, e.details)
                for e in AuditEvent.objects.filter(sequence__gt=marks.audit)
                if e.subject_type != "payments.webhookdelivery"
            ],
            "notices": [
                (n.recipient_id, n.kind, n.language, n.subject, n.body, n.subject_ref)
                for n in SentNotice.objects.filter(pk__gt=marks.notice)
            ],
            "refused": [
                (r.code, r.field, r.message, r.actor_name)
                for r in RefusedAttempt.objects.filter(pk__gt=marks.refused)
            ],
        }
    )
    # Rows written at one moment have no order but their ids': compared as sets.
    for unordered in ("ledger", "bond_events", "case_events"):
        run[unordered] = sorted(run[unordered], key=repr)
    return dict(run)


def test_a_batch_leaves_exactly_what_applying_its_messages_one_by_one_leaves(
    secret: str, kept_only: None, django_capture_on_commit_callbacks: Capture
) -> None:
    people = world()
    alone = [directed_case(people) for _ in range(4)]
    batched = [directed_case(people) for _ in range(4)]

    before = Marks()
    messages = scenario(alone, "alone", secret)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [old_path(message) for message in messages]
    one_by_one = written(before, alone, messages, answers, "alone")

    before = Marks()
    messages = scenario(batched, "batch", secret)
    kept = [receive(message) for message in messages]
    assert {a.status for a in kept} == {202}
    assert {a.body["outcome"] for a in kept} == {"accepted"}
    with django_capture_on_commit_callbacks(execute=True):
        run = webhook_inbox_apply()
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.pk for d in deliveries] == sorted(run.answers)
    answers = [run.answers[d.pk] for d in deliveries]
    in_a_batch = written(before, batched, messages, answers, "batch")

    assert in_a_batch == one_by_one
    # The scenario is not trivial: every outcome happened.
    assert [a[1].get("disposition", a[1].get("code")) for a in one_by_one["answers"]] == [
        "applied",
        "quarantined",
        "quarantined",
        "unapplied",
        "applied",
        "unapplied",
        "payment_id_reused",
        "quarantined",
        "applied",
    ]
    assert len(one_by_one["notices"]) == 3
    assert [d.state for d in deliveries].count(DeliveryState.REFUSED) == 1
    assert ledger_holds()


def test_a_redelivery_of_a_message_accepted_earlier_gets_what_it_became(
    secret: str, kept_only: None
) -> None:
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    first = webhook_services.webhook_receive(headers=message.headers, body=message.body)
    assert (first.status, first.body["outcome"]) == (202, "accepted")
    run = webhook_inbox_apply()
    again = webhook_services.webhook_receive(headers=message.headers, body=message.body)
    assert (again.status, again.body) == (200, next(iter(run.answers.values())).body)
    assert again.body["disposition"] == "applied"
    assert Payment.objects.count() == 1


def batch_statements(people: World, secret: str, messages: int) -> int:
    for _ in range(messages):
        keep(confirmation(reference=directed_case(people).bond.number), secret)
    with CaptureQueriesContext(connection) as queries:
        run = webhook_inbox_apply()
    assert len(run.answers) == messages
    assert {a.body["disposition"] for a in run.answers.values()} == {"applied"}
    return len(queries.captured_queries)


def test_a_batch_costs_the_same_statements_for_three_messages_as_for_thirty(
    secret: str, kept_only: None
) -> None:
    people = world()
    assert batch_statements(people, secret, 3) == batch_statements(people, secret, 30)
    assert ledger_holds()


def test_a_message_that_fails_to_apply_stays_pending_with_its_error_until_applied(
    secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = world()
    good, bad = directed_case(people), directed_case(people)
    real = inbox_services.match_payment

    def broken(paid: Any, bond: Any, **named: Any) -> Any:
        if bond is not None and bond.number == bad.bond.number:
            raise RuntimeError("the matcher broke")
        return real(paid, bond, **named)

    monkeypatch.setattr(inbox_services, "match_payment", broken)
    failing = keep(confirmation(reference=bad.bond.number), secret)
    assert (failing.status, failing.body["outcome"]) == (202, "accepted")
    kept = WebhookDelivery.objects.get()
    assert kept.state == DeliveryState.PENDING
    assert "the matcher broke" in kept.apply_error
    # The next request is applied, and does not trip over the failed message again.
    applied = keep(confirmation(reference=good.bond.number), secret)
    assert (applied.status, applied.body["disposition"]) == (200, "applied")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("payments", "apply", stdout=out)
    assert exited.value.code == 1
    assert f"{kept.webhook_id}: not applied: RuntimeError: the matcher broke" in out.getvalue()

    monkeypatch.setattr(inbox_services, "match_payment", real)
    out = StringIO()
    call_command("payments", "apply", stdout=out)
    assert "payments apply: 1 applied, 0 failed" in out.getvalue()
    kept.refresh_from_db()
    assert (kept.state, kept.apply_error, kept.answer["disposition"]) == (
        DeliveryState.PROCESSED,
        "",
        "applied",
    )
    assert Payment.objects.count() == 2
    assert ledger_holds()


def test_the_follow_mode_applier_applies_what_requests_left_pending(
    secret: str, kept_only: None
) -> None:
    people = world()
    cases = [directed_case(people) for _ in range(5)]
    for case in cases:
        answer = keep(confirmation(reference=case.bond.number), secret)
        assert (answer.status, answer.body["outcome"]) == (202, "accepted")
    looks: list[int] = []

    def stop() -> bool:
        looks.append(1)
        return not WebhookDelivery.objects.filter(state=DeliveryState.PENDING).exists()

    assert inbox_follow(stop=stop, interval=0.01) == 5
    assert len(looks) >= 2  # it looked, applied, then found nothing left
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"processed"}
    assert Payment.objects.filter(disposition="applied").count() == 5
    assert Bond.objects.filter(pk__in=[c.bond.pk for c in cases], state="posted").count() == 5
    assert ledger_holds()


def test_a_crash_in_the_middle_of_a_batch_leaves_its_messages_pending_and_a_rerun_applies_each_once(
    secret: str, kept_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = world()
    cases = [directed_case(people) for _ in range(3)]
    for case in cases:
        keep(confirmation(reference=case.bond.number), secret)

    def crash(self: Any, movements: Any) -> None:
        # A process killed after the batch's payments and postings were written: not an
        # error the applier catches, so nothing of the batch survives its rollback.
        raise KeyboardInterrupt

    monkeypatch.setattr(inbox_services._Batch, "_bonds_and_cases", crash)
    with pytest.raises(KeyboardInterrupt):
        webhook_inbox_apply()
    assert set(WebhookDelivery.objects.values_list("state", "apply_error")) == {("pending", "")}
    assert not Payment.objects.exists()
    assert not LedgerTransaction.objects.exists()

    monkeypatch.undo()
    first = webhook_inbox_apply()
    assert len(first.answers) == 3
    assert webhook_inbox_apply().answers == {}  # a second rerun finds nothing to apply
    assert Payment.objects.count() == 3
    assert LedgerTransaction.objects.filter(kind="receipt_applied").count() == 3
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"processed"}
    assert ledger_holds()


def test_a_request_answers_accepted_at_once_while_another_applier_has_the_turn(
    secret: str, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the applier's turn is a PostgreSQL advisory lock; SQLite serialises writers")
    import psycopg

    settings.PAYMENTS_INBOX_FOLLOWED = True
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    url = connection.settings_dict
    # Another applier (the follow-mode one) in the middle of its batch: it holds the turn.
    with psycopg.connect(
        host=url["HOST"], port=url["PORT"], user=url["USER"], dbname=url["NAME"], autocommit=True
    ) as applier:
        applier.execute("SELECT pg_advisory_lock(%s)", [inbox_services.APPLIER_LOCK])
        accepted = receive(message)
        assert (accepted.status, accepted.body["outcome"]) == (202, "accepted")
        assert WebhookDelivery.objects.get().state == DeliveryState.PENDING
    # Its next batch applies it; the provider's redelivery then gets what it became.
    run = webhook_inbox_apply()
    again = receive(message)
    assert (again.status, again.body) == (200, next(iter(run.answers.values())).body)
    assert again.body["disposition"] == "applied"
    assert Payment.objects.count() == 1
