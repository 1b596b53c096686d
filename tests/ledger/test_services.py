"""A finance officer corrects the ledger by a reversal with a reason, never by an edit, and never
a movement that a bond's or a refund's state stands on."""

from __future__ import annotations

import pytest

from tests.casework_world import ledger_holds, person, posted_case, world
from tests.conftest import usd
from tests.refunds_world import finance_officer, return_payment, unapplied_receipt
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.ledger.services import ledger_reverse

pytestmark = pytest.mark.usefixtures("pilot")


def test_a_receipt_recorded_by_mistake_is_reversed_with_its_reason() -> None:
    unapplied_receipt("PAY-1", usd(400))
    reversal = ledger_reverse(key="payment:PAY-1", reason="typed twice", actor=finance_officer())
    original = LedgerTransaction.objects.get(key="payment:PAY-1")
    assert (reversal.key, reversal.kind, reversal.reverses) == (
        "reversal:payment:PAY-1",
        "reversal",
        original,
    )
    lines = sorted(reversal.entries.values_list("account", "side", "amount"))
    assert [(a, s) for a, s, _ in lines] == [("escrow_cash", "C"), ("unapplied_receipts", "D")]
    assert account_balances()[(Account.ESCROW_CASH, "USD")] == 0
    assert original.entries.count() == 2  # the original is untouched
    entry = AuditEvent.objects.get(action="ledger.reversed")
    assert entry.details["reason"] == "typed twice"
    assert ledger_holds()


def test_a_movement_is_reversed_once() -> None:
    unapplied_receipt("PAY-2", usd(400))
    ledger_reverse(key="payment:PAY-2", reason="mistake", actor="visabond ledger")
    with pytest.raises(Conflict) as refused:
        ledger_reverse(key="payment:PAY-2", reason="again", actor="visabond ledger")
    assert (refused.value.code, refused.value.field) == ("ledger_already_reversed", "key")


def test_a_bonds_movement_is_refused_naming_why() -> None:
    case = posted_case(world())
    posted = LedgerTransaction.objects.get(bond=case.bond)
    with pytest.raises(Conflict) as refused:
        ledger_reverse(key=posted.key, reason="wrong", actor="visabond ledger")
    assert (refused.value.code, refused.value.field) == ("ledger_reversal_bond", "key")
    assert not LedgerTransaction.objects.filter(kind="reversal").exists()


def test_a_refunds_movement_is_refused() -> None:
    unapplied_receipt("PAY-3", usd(100))
    return_payment("PAY-3", usd(100))
    with pytest.raises(Conflict) as refused:
        ledger_reverse(key="payment:PAY-3:returned", reason="no", actor="visabond ledger")
    assert refused.value.code == "ledger_reversal_refund"


def test_a_reversal_is_not_itself_reversed() -> None:
    unapplied_receipt("PAY-4", usd(100))
    ledger_reverse(key="payment:PAY-4", reason="mistake", actor="visabond ledger")
    with pytest.raises(Conflict) as refused:
        ledger_reverse(key="reversal:payment:PAY-4", reason="undo", actor="visabond ledger")
    assert refused.value.code == "ledger_reversal_reversal"


def test_a_receipt_whose_money_moved_on_is_refused_naming_the_account() -> None:
    unapplied_receipt("PAY-5", usd(100))
    return_payment("PAY-5", usd(100))
    with pytest.raises(Conflict) as refused:
        ledger_reverse(key="payment:PAY-5", reason="mistake", actor="visabond ledger")
    assert refused.value.code == "ledger_reversal_negative"
    assert "unapplied_receipts USD at -100.00" in refused.value.message


@pytest.mark.parametrize(
    ("key", "reason", "error", "code"),
    [
        ("payment:NOPE", "why", NotFound, "ledger_key_not_found"),
        ("payment:PAY-6", "  ", InvalidInput, "reason_missing"),
    ],
)
def test_an_unknown_key_or_a_missing_reason_changes_nothing(
    key: str, reason: str, error: type[Exception], code: str
) -> None:
    unapplied_receipt("PAY-6", usd(100))
    with pytest.raises(error) as refused:
        ledger_reverse(key=key, reason=reason, actor="visabond ledger")
    assert refused.value.code == code  # type: ignore[attr-defined]
    assert LedgerTransaction.objects.count() == 1


def test_only_a_finance_officer_reverses() -> None:
    unapplied_receipt("PAY-7", usd(100))
    with pytest.raises(PermissionDenied):
        ledger_reverse(key="payment:PAY-7", reason="x", actor=person("clerk", Role.CASHIER))


def test_the_lines_of_a_movement_are_built_once_for_every_writer_of_the_ledger() -> None:
    """`LedgerEntry.for_transaction` is what `ledger_post` and the provider's inbox batch
    both insert: one unsaved row per planned line, without a query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from visabond.ledger.models import LedgerEntry
    from visabond.ledger.postings import TransactionKind, transfer

    planned = transfer(TransactionKind.RECEIPT_UNAPPLIED, key="payment:PAY-9", amount=usd(250))
    row = LedgerTransaction(key=planned.key, kind=planned.kind.value, actor_name="test")
    with CaptureQueriesContext(connection) as queries:
        rows = LedgerEntry.for_transaction(row, planned)
    assert len(queries) == 0
    assert [(e.transaction, e.account, e.side, e.money) for e in rows] == [
        (row, line.account.value, line.side.value, line.amount) for line in planned.lines
    ]
