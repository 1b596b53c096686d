"""The database itself keeps the ledger written once and balanced, whatever path writes it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tests.casework_world import posted_case, world
from visabond.ledger.models import LedgerEntry, LedgerTransaction

pytestmark = pytest.mark.usefixtures("pilot")

NEW_TRANSACTION = (
    "INSERT INTO ledger_ledgertransaction (key, kind, memo, actor_name, posted_at)"
    " VALUES (%s, 'receipt_applied', '', 'raw sql', CURRENT_TIMESTAMP)"
)
NEW_ENTRY = (
    "INSERT INTO ledger_ledgerentry (transaction_id, account, side, amount, currency)"
    " SELECT id, 'escrow_cash', %s, %s, 'USD' FROM ledger_ledgertransaction WHERE key = %s"
)


def raw(*statements: tuple[str, Sequence[object]]) -> None:
    """Run SQL behind the application's back, in one transaction of its own."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL constraint trigger; the PostgreSQL pass runs this")


def test_an_entry_cannot_be_edited_by_raw_sql() -> None:
    posted_case(world())
    entry = LedgerEntry.objects.first()
    assert entry is not None
    with pytest.raises(DatabaseError, match="written once"):
        raw(("UPDATE ledger_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk]))
    entry.refresh_from_db()
    assert entry.amount == 10000


def test_a_transaction_cannot_be_edited_by_raw_sql() -> None:
    posted_case(world())
    posted = LedgerTransaction.objects.first()
    assert posted is not None
    with pytest.raises(DatabaseError, match="written once"):
        raw(("UPDATE ledger_ledgertransaction SET key = 'forged' WHERE id = %s", [posted.pk]))
    assert LedgerTransaction.objects.filter(key="forged").count() == 0


def test_an_entry_cannot_be_deleted_by_raw_sql_on_postgresql() -> None:
    on_postgresql()
    posted_case(world())
    with pytest.raises(DatabaseError, match="written once"):
        raw(("DELETE FROM ledger_ledgerentry", []))
    assert LedgerEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_transaction_is_refused_at_commit_on_postgresql() -> None:
    on_postgresql()
    with pytest.raises(IntegrityError, match="does not balance in USD"):
        raw(
            (NEW_TRANSACTION, ["raw"]),
            (NEW_ENTRY, ["D", 100, "raw"]),
            (NEW_ENTRY, ["C", 90, "raw"]),
        )
    assert not LedgerTransaction.objects.filter(key="raw").exists()


@pytest.mark.django_db(transaction=True)
def test_a_one_sided_transaction_is_refused_at_commit_on_postgresql() -> None:
    on_postgresql()
    with pytest.raises(IntegrityError, match="has 1 line"):
        raw((NEW_TRANSACTION, ["raw1"]), (NEW_ENTRY, ["D", 100, "raw1"]))
    assert not LedgerTransaction.objects.filter(key="raw1").exists()
