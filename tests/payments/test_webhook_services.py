"""The provider's confirmations, as the webhook entry point receives them: each sum recorded
and posted once, whatever is redelivered, tampered with or unreadable; nothing dropped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings

from tests.casework_world import directed_case, ledger_holds, world
from tests.payments.provider import confirmation, signed
from visabond.audit.models import AuditEvent
from visabond.bonds.lifecycle import BondState
from visabond.casework.rules import CaseState
from visabond.core import clock
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.payments.models import (
    DeliveryState,
    Payment,
    RefusedAttempt,
    WebhookDelivery,
    WebhookSecret,
)
from visabond.payments.secret_services import webhook_secret_add, webhook_secret_revoke
from visabond.payments.selectors import active_signing_keys
from visabond.payments.webhook_services import webhook_receive, webhook_reprocess

pytestmark = pytest.mark.usefixtures("pilot")


def send(payload: dict[str, object] | bytes, secret: str, **options: object):  # type: ignore[no-untyped-def]
    message = signed(payload, secrets=[secret], **options)  # type: ignore[arg-type]
    return webhook_receive(headers=message.headers, body=message.body, remote_addr="127.0.0.1")


def with_data(**changes: object) -> bytes:
    """A confirmation's body with some of its `data` fields replaced."""
    body = confirmation(reference="B-1")
    body["data"] = {**body["data"], **changes}
    return json.dumps(body).encode()


def balance(account: Account) -> object:
    return account_balances().get((account, "USD"), 0)


def test_the_directed_amount_posts_the_bond_and_the_case(secret: str) -> None:
    case = directed_case(world())
    answer = send(confirmation(reference=case.bond.number), secret)
    assert answer.status == 200, answer.body
    assert answer.body["disposition"] == "applied"
    case.refresh_from_db()
    case.bond.refresh_from_db()
    assert (case.state, case.bond.state) == (CaseState.BOND_POSTED, BondState.POSTED)
    payment = Payment.objects.get(number=answer.body["payment"])
    assert payment.ledger_key == f"bond:{case.bond.number}:post"
    assert LedgerTransaction.objects.get(key=payment.ledger_key).kind == "receipt_applied"
    assert balance(Account.OBLIGOR_LIABILITY) == 10000
    assert AuditEvent.objects.filter(action="payment.received").count() == 1
    assert ledger_holds()


def test_a_payment_naming_the_case_reference_posts_its_bond(secret: str) -> None:
    case = directed_case(world())
    answer = send(confirmation(reference=case.reference.lower()), secret)
    assert answer.body["disposition"] == "applied"
    assert answer.body["bond"] == case.bond.number


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"amount": "9999.99"}, "directed for 10,000.00 USD"),
        ({"currency": "EUR"}, "paid in EUR"),
        ({"case_reference": "C-0000-0000"}, "names case C-0000-0000"),
    ],
)
def test_a_confirmation_not_matching_its_direction_is_quarantined_not_dropped(
    secret: str, change: dict[str, str], words: str
) -> None:
    case = directed_case(world())
    answer = send(confirmation(reference=case.bond.number, **change), secret)  # type: ignore[arg-type]
    assert answer.status == 200
    assert answer.body["disposition"] == "quarantined"
    assert words in answer.body["reason"]
    case.bond.refresh_from_db()
    assert case.bond.state == BondState.DIRECTED
    payment = Payment.objects.get(number=answer.body["payment"])
    assert LedgerTransaction.objects.get(key=payment.ledger_key).kind == "receipt_unapplied"
    currency = change.get("currency", "USD")
    assert account_balances()[(Account.UNAPPLIED_RECEIPTS, currency)] > 0
    assert ledger_holds()


def test_money_naming_no_direction_is_unapplied(secret: str) -> None:
    answer = send(confirmation(reference="B-ZZZZ-ZZZZ"), secret)
    assert answer.body["disposition"] == "unapplied"
    assert balance(Account.UNAPPLIED_RECEIPTS) == 10000
    assert balance(Account.ESCROW_CASH) == 10000


def test_a_second_payment_for_a_bond_already_posted_is_quarantined(secret: str) -> None:
    case = directed_case(world())
    assert send(confirmation(reference=case.bond.number), secret).body["disposition"] == "applied"
    again = send(confirmation(reference=case.bond.number), secret)
    assert again.body["disposition"] == "quarantined"
    assert "is posted" in again.body["reason"]
    assert balance(Account.ESCROW_CASH) == 20000
    assert ledger_holds()


def test_a_redelivery_gets_the_first_answer_and_changes_nothing(secret: str) -> None:
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    first = webhook_receive(headers=message.headers, body=message.body)
    rows = (Payment.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())
    # the provider retries a minute later: same id and body, a fresh timestamp and signature
    with_later = signed(
        message.body,
        secrets=[secret],
        webhook_id=message.webhook_id,
        at=clock.now() + dt.timedelta(minutes=1),
    )
    again = webhook_receive(headers=with_later.headers, body=with_later.body)
    assert (again.status, again.body) == (first.status, first.body)
    after = (Payment.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())
    assert after == rows


def test_the_same_id_with_another_body_is_refused_and_recorded(secret: str) -> None:
    case = directed_case(world())
    first = signed(confirmation(reference=case.bond.number), secrets=[secret])
    webhook_receive(headers=first.headers, body=first.body)
    payments = Payment.objects.count()
    other = signed(
        confirmation(reference=case.bond.number, amount="1.00"),
        secrets=[secret],
        webhook_id=first.webhook_id,
    )
    answer = webhook_receive(headers=other.headers, body=other.body)
    assert answer.status == 409
    assert (answer.body["code"], answer.body["field"]) == ("webhook_id_reused", "webhook-id")
    assert Payment.objects.count() == payments
    kept = RefusedAttempt.objects.get(code="webhook_id_reused")
    assert kept.webhook_id == first.webhook_id
    assert AuditEvent.objects.filter(action="payment.refused").count() == 1


def test_the_same_payment_id_with_other_facts_is_refused_and_its_message_remembered(
    secret: str,
) -> None:
    case = directed_case(world())
    send(confirmation(reference=case.bond.number, payment_id="pay_1"), secret)
    other = signed(
        confirmation(reference=case.bond.number, payment_id="pay_1", amount="5.00"),
        secrets=[secret],
    )
    answer = webhook_receive(headers=other.headers, body=other.body)
    assert (answer.status, answer.body["code"]) == (409, "payment_id_reused")
    assert Payment.objects.count() == 1
    remembered = WebhookDelivery.objects.get(webhook_id=other.webhook_id)
    assert (remembered.state, remembered.answer_status) == (DeliveryState.REFUSED, 409)
    assert webhook_receive(headers=other.headers, body=other.body).body == answer.body


def test_the_same_payment_in_a_second_message_is_recorded_once(secret: str) -> None:
    case = directed_case(world())
    payload = confirmation(reference=case.bond.number, payment_id="pay_1")
    first = send(payload, secret)
    second = send(payload, secret)
    assert second.body == first.body
    assert Payment.objects.count() == 1
    assert WebhookDelivery.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (b"{not json", "body_unreadable", None),
        (json.dumps({"type": "payment.succeeded"}).encode(), "invalid", "timestamp"),
        (
            json.dumps(confirmation(reference="B-1") | {"type": "payment.refunded"}).encode(),
            "invalid",
            "type",
        ),
        (
            json.dumps(confirmation(reference="B-1", amount="10000.001")).encode(),
            "amount_precision",
            "data.amount",
        ),
        (
            json.dumps(confirmation(reference="B-1", currency="USX")).encode(),
            "currency_unknown",
            "data.currency",
        ),
        (
            json.dumps(confirmation(reference="B-1", amount="0")).encode(),
            "amount_not_positive",
            "data.amount",
        ),
        # At the ends of the calendar a moment cannot even be converted to UTC.
        (with_data(paid_at="0001-01-01T00:30:00+01:00"), "invalid", "data.paid_at"),
        (with_data(paid_at="9999-12-31T23:30:00-01:00"), "invalid", "data.paid_at"),
        (with_data(paid_at="1990-01-01T00:00:00Z"), "invalid", "data.paid_at"),
        (with_data(payment_id="   "), "invalid", "data.payment_id"),
        # PostgreSQL's text cannot hold a NUL: such a message could never be applied.
        (with_data(reference="B-1\x00"), "invalid", "data.reference"),
        (with_data(payer={"name": "Grace\x00", "email": ""}), "invalid", "data.payer.name"),
    ],
)
def test_a_signed_body_that_cannot_be_read_is_kept_for_reprocessing(
    secret: str, body: bytes, code: str, field: str | None
) -> None:
    answer = send(body, secret)
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"], answer.body["kept"]) == (code, field, True)
    kept = WebhookDelivery.objects.get()
    assert kept.state == DeliveryState.QUARANTINED
    assert bytes(kept.body) == body
    assert Payment.objects.count() == 0
    assert not LedgerTransaction.objects.exists()


def test_a_kept_message_that_reads_now_is_posted_once_by_reprocessing(secret: str) -> None:
    case = directed_case(world())
    answer = send(b"{not json", secret)
    kept = WebhookDelivery.objects.get()
    # As if the reader had refused a good message and been fixed since: the body is the
    # provider's as kept; only what we make of it changes.
    good = json.dumps(confirmation(reference=case.bond.number)).encode()
    WebhookDelivery.objects.filter(pk=kept.pk).update(body=good)
    result = webhook_reprocess(webhook_id=kept.webhook_id, actor="operator")
    assert result.status == 200
    assert result.body["disposition"] == "applied"
    kept.refresh_from_db()
    assert kept.state == DeliveryState.PROCESSED
    assert kept.answer_status == answer.status  # the provider's first answer is kept
    with pytest.raises(Exception, match="processed"):
        webhook_reprocess(webhook_id=kept.webhook_id, actor="operator")
    assert Payment.objects.count() == 1


def test_reprocessing_a_message_still_unreadable_keeps_it(secret: str) -> None:
    send(b"{not json", secret)
    kept = WebhookDelivery.objects.get()
    result = webhook_reprocess(webhook_id=kept.webhook_id, actor="operator")
    assert (result.status, result.body["code"]) == (422, "body_unreadable")
    kept.refresh_from_db()
    assert kept.state == DeliveryState.QUARANTINED
    assert kept.reprocessed_at is not None


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ("body", "webhook_signature_invalid"),
        ("old", "webhook_timestamp_stale"),
        ("unsigned", "webhook_header_missing"),
        ("unknown secret", "webhook_signature_invalid"),
    ],
)
def test_an_unproven_message_is_refused_401_recorded_by_digest_and_changes_nothing(
    secret: str, tamper: str, code: str
) -> None:
    case = directed_case(world())
    audit = AuditEvent.objects.count()
    payload = confirmation(reference=case.bond.number)
    if tamper == "old":
        message = signed(payload, secrets=[secret], at=clock.now() - dt.timedelta(minutes=6))
    elif tamper == "unknown secret":
        row, stranger = webhook_secret_add(label="other", actor="t")
        message = signed(payload, secrets=[stranger])
        webhook_secret_revoke(secret_id=row.pk, actor="t")
        audit = AuditEvent.objects.count()
    else:
        message = signed(payload, secrets=[secret])
    body = message.body.replace(b"10000.00", b"1.00") if tamper == "body" else message.body
    headers = message.headers
    if tamper == "unsigned":
        headers = {k: v for k, v in headers.items() if k != "webhook-signature"}
    answer = webhook_receive(headers=headers, body=body, remote_addr="192.0.2.7")
    assert answer.status == 401
    assert answer.body["code"] == code
    assert set(answer.body) == {"code", "field", "message"}
    attempt = RefusedAttempt.objects.get()
    assert (attempt.code, attempt.remote_addr, attempt.body_size) == (code, "192.0.2.7", len(body))
    assert attempt.claimed == {}
    assert not WebhookDelivery.objects.exists()
    assert not Payment.objects.exists()
    assert AuditEvent.objects.count() == audit
    case.bond.refresh_from_db()
    assert case.bond.state == BondState.DIRECTED


def test_a_revoked_secret_signs_nothing_while_the_next_one_does(secret: str) -> None:
    _, successor = webhook_secret_add(label="rotation", actor="t")
    case = directed_case(world())
    both = signed(confirmation(reference=case.bond.number), secrets=[secret, successor])
    first = WebhookSecret.objects.get(label="provider")
    webhook_secret_revoke(secret_id=first.pk, actor="t")
    assert webhook_receive(headers=both.headers, body=both.body).status == 200
    old_only = signed(confirmation(reference="B-X"), secrets=[secret])
    answer = webhook_receive(headers=old_only.headers, body=old_only.body)
    assert (answer.status, answer.body["code"]) == (401, "webhook_signature_invalid")


def test_a_secret_revoked_after_this_process_kept_it_signs_nothing_from_the_revocation_on(
    secret: str,
) -> None:
    people = world()
    case = directed_case(people)
    assert send(confirmation(reference=case.bond.number), secret).status == 200
    first = WebhookSecret.objects.get(label="provider")
    webhook_secret_revoke(secret_id=first.pk, actor="t")
    # This process still keeps it, as another worker's would.
    assert first.pk in dict(active_signing_keys())
    other = directed_case(people)
    answer = send(confirmation(reference=other.bond.number), secret)
    assert (answer.status, answer.body["code"]) == (401, "webhook_signature_invalid")
    assert RefusedAttempt.objects.get().code == "webhook_signature_invalid"
    assert Payment.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    other.bond.refresh_from_db()
    assert other.bond.state == BondState.DIRECTED
    assert first.pk not in dict(active_signing_keys())


def test_a_message_signed_by_a_kept_secret_since_revoked_and_its_successor_is_accepted(
    secret: str,
) -> None:
    row, successor = webhook_secret_add(label="rotation", actor="t")
    first = WebhookSecret.objects.get(label="provider")
    # This process keeps both, the one revoked next first (it is tried first).
    assert [pk for pk, _ in active_signing_keys(fresh=True)] == [first.pk, row.pk]
    webhook_secret_revoke(secret_id=first.pk, actor="t")
    case = directed_case(world())
    both = signed(confirmation(reference=case.bond.number), secrets=[secret, successor])
    answer = webhook_receive(headers=both.headers, body=both.body)
    assert (answer.status, answer.body["disposition"]) == (200, "applied")
    assert WebhookDelivery.objects.get().secret_id == row.pk


def test_a_secret_added_after_this_process_kept_the_others_signs_at_once(secret: str) -> None:
    people = world()
    case = directed_case(people)
    assert send(confirmation(reference=case.bond.number), secret).status == 200
    row, successor = webhook_secret_add(label="rotation", actor="t")
    assert row.pk not in dict(active_signing_keys())
    other = directed_case(people)
    answer = send(confirmation(reference=other.bond.number), successor)
    assert (answer.status, answer.body["disposition"]) == (200, "applied")
    assert WebhookDelivery.objects.get(payment__number=answer.body["payment"]).secret_id == row.pk


def test_a_secret_the_configured_key_cannot_open_verifies_nothing_and_breaks_nothing(
    secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    case = directed_case(world())
    message = signed(confirmation(reference=case.bond.number), secrets=[secret])
    with override_settings(SECRET_KEY="the key was changed"):
        answer = webhook_receive(headers=message.headers, body=message.body)
    assert (answer.status, answer.body["code"]) == (401, "webhook_signature_invalid")
    assert "cannot be opened" in caplog.text
    assert secret not in caplog.text
    assert not Payment.objects.exists()


def test_a_demonstrations_shifted_clock_checks_the_signing_time_against_the_real_time(
    secret: str,
) -> None:
    """A provider signs with the real time, whatever day a demonstration lives on."""
    case = directed_case(world())
    days = (clock.today() - dt.datetime.now(dt.UTC).date()).days
    previous = clock.shift_days(days)  # the demonstration's day, the real time of day
    try:
        late = send(confirmation(reference=case.bond.number), secret, at=clock.now())
        applied = send(confirmation(reference=case.bond.number), secret, at=dt.datetime.now(dt.UTC))
    finally:
        clock.set_clock(previous)
    assert (late.status, late.body["code"]) == (401, "webhook_timestamp_stale")
    assert applied.status == 200, applied.body
    assert applied.body["disposition"] == "applied"
