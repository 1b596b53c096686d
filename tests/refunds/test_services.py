"""Refunds going out and the bank's answers coming back: money leaves only when the bank says so."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.db.transaction import TransactionManagementError

from tests.casework_world import ledger_holds, person, world
from tests.conftest import usd
from tests.refunds_world import (
    account_for,
    cancelled_bond,
    end_to_end_ids,
    escrow_usd,
    finance_officer,
    payer_account,
    return_payment,
    status_report,
    unapplied_receipt,
)
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.core.errors import Conflict, InvalidInput, PermissionDenied
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.ledger.services import ledger_reverse
from visabond.notices.models import SentNotice
from visabond.refunds.account_services import refund_account_record
from visabond.refunds.confirmation_services import (
    ConfirmationOutcome,
    refund_confirmation_import,
    refund_confirmations_reprocess,
)
from visabond.refunds.models import ConfirmationFile, Refund, RefundTransfer
from visabond.refunds.services import refund_batch_create, refund_payment_return

pytestmark = pytest.mark.usefixtures("pilot")


def usd_balance(account: Account) -> object:
    return account_balances().get((account, "USD"), 0)


def sent_batch(django_capture_on_commit_callbacks: object) -> tuple[Bond, str]:
    """A refused-after-posting bond whose refund went out in a batch: the bond and the file."""
    people = world()
    bond = cancelled_bond(people)
    escrow_usd()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        outcome = refund_batch_create(actor=finance_officer())
    assert outcome.batch is not None
    return bond, outcome.batch.document


def confirm(content: bytes, name: str = "status.xml") -> ConfirmationOutcome:
    return refund_confirmation_import(content=content, name=name, actor="visabond refunds confirm")


def test_a_batch_sends_the_cancelled_bond_to_its_obligors_account_and_moves_no_money(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    refund = Refund.objects.get(bond=bond)
    (sent,) = refund.transfers.all()
    assert end_to_end_ids(document) == [sent.end_to_end_id] == [f"{refund.number}-1"]
    assert (refund.state, sent.state, sent.money) == ("sent", "sent", usd(10000))
    assert sent.creditor["account_number"] == "1002345678"
    kinds = sorted(LedgerTransaction.objects.values_list("kind", flat=True))
    assert kinds == ["bond_cancelled", "receipt_applied"]
    assert usd_balance(Account.REFUNDS_PAYABLE) == usd(10000).amount
    bond.refresh_from_db()
    assert bond.state == BondState.CANCELLED


def test_the_obligor_is_told_the_refund_was_sent_in_their_language(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = world()
    people.applicant.preferred_language = "fr"
    people.applicant.save()
    bond = cancelled_bond(people)
    escrow_usd()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        outcome = refund_batch_create(actor=finance_officer())
    notice = SentNotice.objects.get(kind="refund_sent")
    assert notice.language == "fr"
    assert "remboursement" in notice.subject
    assert outcome.transfers[0].end_to_end_id in notice.body
    assert bond.number in mail.outbox[-1].subject


def test_a_batch_that_fails_records_nothing_and_tells_nobody(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = world()
    cancelled_bond(people)
    escrow_usd()
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        refund_batch_create(actor=person("clerk", Role.CASHIER))
    assert RefundTransfer.objects.count() == 0
    assert not SentNotice.objects.filter(kind="refund_sent").exists()


def test_a_bond_waits_until_its_obligor_gives_an_account() -> None:
    people = world()
    bond = cancelled_bond(people, with_account=False)
    escrow_usd()
    outcome = refund_batch_create(actor=finance_officer())
    assert outcome.batch is None
    assert outcome.waiting == [
        (
            Refund.objects.get(bond=bond).number,
            f"bond {bond.number}: the obligor has not given a refund account",
        )
    ]
    account_for(people.applicant)
    assert refund_batch_create(actor="visabond refunds batch").batch is not None


def test_a_refund_waits_without_an_escrow_account_in_its_currency() -> None:
    cancelled_bond(world())
    outcome = refund_batch_create(actor="visabond refunds batch")
    assert outcome.batch is None
    assert "no escrow account is recorded in USD" in outcome.waiting[0][1]


def test_a_second_batch_does_not_send_a_refund_already_sent(
    django_capture_on_commit_callbacks: object,
) -> None:
    sent_batch(django_capture_on_commit_callbacks)
    again = refund_batch_create(actor="visabond refunds batch")
    assert again.batch is None
    assert RefundTransfer.objects.count() == 1


def test_the_banks_confirmation_pays_the_refund_and_refunds_the_bond(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    outcome = confirm(status_report(document, {sent: "ACSC"}))
    assert outcome.paid == [sent]
    bond.refresh_from_db()
    assert bond.state == BondState.REFUNDED
    assert Refund.objects.get(bond=bond).state == "paid"
    assert usd_balance(Account.REFUNDS_PAYABLE) == 0
    assert usd_balance(Account.ESCROW_CASH) == 0
    assert LedgerTransaction.objects.filter(kind="refund_paid", bond=bond).count() == 1
    assert ledger_holds()


def test_the_same_confirmation_imported_twice_changes_nothing(
    django_capture_on_commit_callbacks: object,
) -> None:
    _bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    report = status_report(document, {sent: "ACCP"})
    confirm(report)
    postings, audit = LedgerTransaction.objects.count(), AuditEvent.objects.count()
    again = confirm(report, name="status-again.xml")
    assert again.already
    assert (LedgerTransaction.objects.count(), AuditEvent.objects.count()) == (postings, audit)
    assert ConfirmationFile.objects.count() == 1


def test_another_report_repeating_a_payment_posts_nothing_more(
    django_capture_on_commit_callbacks: object,
) -> None:
    _bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    confirm(status_report(document, {sent: "ACSC"}))
    repeated = confirm(status_report(document, {sent: "ACSC"}))  # a new MsgId: another file
    assert repeated.paid == []
    assert LedgerTransaction.objects.filter(kind="refund_paid").count() == 1
    assert ConfirmationFile.objects.count() == 2


def test_a_rejected_transfer_is_retried_in_the_next_batch_with_its_failure_kept(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (first,) = end_to_end_ids(document)
    outcome = confirm(status_report(document, {first: ("RJCT", "AC04")}))
    assert outcome.rejected == [first]
    refund = Refund.objects.get(bond=bond)
    assert refund.state == "due"
    failed = RefundTransfer.objects.get(end_to_end_id=first)
    assert (failed.state, failed.reason) == ("rejected", "AC04 - closed account number")
    assert usd_balance(Account.REFUNDS_PAYABLE) == usd(10000).amount
    retry = refund_batch_create(actor="visabond refunds batch")
    assert retry.batch is not None
    assert [t.end_to_end_id for t in retry.transfers] == [f"{refund.number}-2"]
    confirm(status_report(retry.batch.document, {f"{refund.number}-2": "ACSC"}))
    bond.refresh_from_db()
    assert bond.state == BondState.REFUNDED
    assert ledger_holds()


def test_a_retry_goes_to_the_account_the_obligor_mended(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (first,) = end_to_end_ids(document)
    confirm(status_report(document, {first: ("RJCT", "AC01")}))
    assert bond.obligor is not None
    refund_account_record(
        obligor=bond.obligor,
        holder_name="Grace Banda",
        country="GB",
        iban="GB82 WEST 1234 5698 7654 32",
        actor=bond.obligor,
    )
    retry = refund_batch_create(actor="visabond refunds batch")
    assert retry.transfers[0].creditor["iban"] == "GB82WEST12345698765432"
    assert (
        RefundTransfer.objects.get(end_to_end_id=first).creditor["account_number"] == "1002345678"
    )


def test_an_unknown_end_to_end_id_is_named_and_the_file_is_kept_for_reprocessing(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    content = status_report(document, {sent: "ACSC", "R-NEVER-SENT-1": "ACSC"})
    with pytest.raises(InvalidInput) as refused:
        confirm(content)
    assert (refused.value.code, refused.value.field) == ("end_to_end_id_unknown", "OrgnlEndToEndId")
    assert "R-NEVER-SENT-1" in refused.value.message
    kept = ConfirmationFile.objects.get()
    assert kept.state == "held"
    assert bytes(kept.content) == content
    assert "R-NEVER-SENT-1" in kept.problem
    bond.refresh_from_db()
    assert bond.state == BondState.CANCELLED  # nothing of the file was applied
    assert not LedgerTransaction.objects.filter(kind="refund_paid").exists()
    (still,) = refund_confirmations_reprocess(actor="visabond refunds confirm")
    assert isinstance(still, InvalidInput)
    assert ConfirmationFile.objects.get().state == "held"


def test_a_file_that_is_not_a_status_report_is_kept_too() -> None:
    with pytest.raises(InvalidInput) as refused:
        confirm(b"<html>login expired</html>", name="oops.html")
    assert refused.value.code == "pain002_not_status_report"
    assert ConfirmationFile.objects.get().name == "oops.html"


def test_a_status_for_a_whole_message_reaches_every_transfer_in_it(
    django_capture_on_commit_callbacks: object,
) -> None:
    _bond, document = sent_batch(django_capture_on_commit_callbacks)
    outcome = confirm(status_report(document, {}, group="RJCT"))
    assert outcome.rejected == end_to_end_ids(document)


def test_a_message_status_for_a_message_never_sent_is_named(
    django_capture_on_commit_callbacks: object,
) -> None:
    _, document = sent_batch(django_capture_on_commit_callbacks)
    with pytest.raises(InvalidInput) as refused:
        confirm(status_report(document, {}, group="ACSC", original_message_id="RB-NOPE"))
    assert (refused.value.code, refused.value.field) == ("original_message_unknown", "OrgnlMsgId")


def test_a_pending_status_changes_nothing_and_the_payment_still_comes_through(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    pending = confirm(status_report(document, {sent: "PDNG"}))
    assert pending.interim == [sent]
    assert Refund.objects.get(bond=bond).state == "sent"
    confirm(status_report(document, {sent: "ACSC"}))
    late = confirm(status_report(document, {sent: "PDNG"}))  # an older report, arriving late
    assert late.interim == []
    assert Refund.objects.get(bond=bond).state == "paid"


def test_a_rejection_after_the_payment_was_confirmed_is_held_not_applied(
    django_capture_on_commit_callbacks: object,
) -> None:
    bond, document = sent_batch(django_capture_on_commit_callbacks)
    (sent,) = end_to_end_ids(document)
    confirm(status_report(document, {sent: "ACSC"}))
    with pytest.raises(Conflict) as refused:
        confirm(status_report(document, {sent: ("RJCT", "AM05")}))
    assert refused.value.code == "transfer_status_contradicts"
    assert ConfirmationFile.objects.filter(state="held").count() == 1
    assert Refund.objects.get(bond=bond).state == "paid"


def test_an_unapplied_payment_returned_to_its_payer_leaves_when_the_bank_confirms() -> None:
    unapplied_receipt("PAY-77", usd(2500))
    refund = return_payment("PAY-77", usd(2500), actor=finance_officer())
    assert (refund.kind, refund.bond, refund.state) == ("payment_return", None, "due")
    assert usd_balance(Account.UNAPPLIED_RECEIPTS) == 0
    assert usd_balance(Account.REFUNDS_PAYABLE) == usd(2500).amount
    escrow_usd()
    outcome = refund_batch_create(actor="visabond refunds batch")
    assert outcome.batch is not None
    assert "Return of payment PAY-77" in outcome.batch.document
    confirm(status_report(outcome.batch.document, {f"{refund.number}-1": "ACSC"}))
    assert usd_balance(Account.REFUNDS_PAYABLE) == 0
    assert usd_balance(Account.ESCROW_CASH) == 0
    assert LedgerTransaction.objects.filter(key=f"refund:{refund.number}:paid").count() == 1
    assert ledger_holds()


def test_returning_a_payment_twice_gives_the_same_refund_and_moves_money_once() -> None:
    unapplied_receipt("PAY-78", usd(2500))
    first = return_payment("PAY-78", usd(2500))
    assert return_payment("PAY-78", usd(2500)) == first
    assert LedgerTransaction.objects.filter(kind="unapplied_returned").count() == 1
    with pytest.raises(Conflict) as refused:
        return_payment("PAY-78", usd(2000))
    assert (refused.value.code, refused.value.field) == ("payment_return_differs", "amount")


def test_only_a_finance_officer_returns_a_payment() -> None:
    unapplied_receipt("PAY-79", usd(100))
    with pytest.raises(PermissionDenied):
        return_payment("PAY-79", usd(100), actor=person("clerk", Role.CASHIER))
    assert not Refund.objects.exists()


def test_only_the_obligor_records_their_refund_account() -> None:
    people = world()
    with pytest.raises(PermissionDenied) as refused:
        refund_account_record(
            obligor=people.applicant,
            holder_name="Someone Else",
            country="GB",
            iban="GB82 WEST 1234 5698 7654 32",
            actor=people.officer,
        )
    assert refused.value.code == "not_your_account"


def test_a_mistyped_iban_changes_nothing_and_names_the_field() -> None:
    people = world()
    account_for(people.applicant)
    with pytest.raises(InvalidInput) as refused:
        refund_account_record(
            obligor=people.applicant,
            holder_name="Grace Banda",
            country="GB",
            iban="GB82 WEST 1234 5698 7654 23",
            actor=people.applicant,
        )
    assert (refused.value.code, refused.value.field) == ("iban_check_digits", "iban")
    assert people.applicant.refund_account.account_number == "1002345678"


def test_every_change_of_account_is_audited_with_before_and_after() -> None:
    people = world()
    account_for(people.applicant)
    entry = AuditEvent.objects.filter(action="refund.account_recorded").get()
    assert entry.details["before"] is None
    assert entry.details["after"]["bic"] == "NBMAMWMW"


ENTRY_POINTS = {
    "refund_batch_create": lambda: refund_batch_create(actor="visabond refunds batch"),
    "refund_confirmation_import": lambda: confirm(b"<x/>"),
    "refund_confirmations_reprocess": lambda: refund_confirmations_reprocess(actor="finance"),
    "escrow_account_record": lambda: escrow_usd(),
    "ledger_reverse": lambda: ledger_reverse(key="k", reason="r", actor="finance"),
}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_an_entry_point_refuses_to_run_inside_another_transaction(name: str) -> None:
    """docs/writes.md: nesting a decision by mistake fails loudly, recording nothing."""
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        ENTRY_POINTS[name]()
    assert not ConfirmationFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_payment_return_step_refuses_to_run_outside_its_callers_transaction() -> None:
    with pytest.raises(TransactionManagementError, match="caller's transaction"):
        refund_payment_return(
            payment_reference="PAY-1",
            amount=usd(1),
            payee=payer_account(),
            reason="r",
            actor="finance",
        )
    assert not Refund.objects.exists()
