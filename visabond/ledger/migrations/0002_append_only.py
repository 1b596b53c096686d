"""The database itself keeps the ledger append-only and balanced.

PostgreSQL: an UPDATE or DELETE of a transaction or an entry is refused, and at commit every
transaction must balance in each currency and have at least two lines (deferred constraint
triggers, so the lines of one transaction may be inserted one by one). TRUNCATE stays
possible: it is an administrator's act on the whole table (and how test databases are
emptied), not an edit of a movement.

SQLite: an UPDATE of either table is refused; the balance is checked by `ledger_post`, which
SQLite's single writer serialises. DELETE stays possible there because Django empties test
tables with it.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are written once: % of % refused (post a reversal instead)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE
  ON ledger_ledgertransaction FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE
  ON ledger_ledgerentry FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_transaction(transaction_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
  lines integer;
BEGIN
  SELECT count(*) INTO lines FROM ledger_ledgerentry e WHERE e.transaction_id = $1;
  IF lines < 2 THEN
    RAISE EXCEPTION 'ledger transaction % has % line(s): a movement has two sides', $1, lines
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  SELECT string_agg(currency, ', ') INTO unbalanced FROM (
    SELECT e.currency FROM ledger_ledgerentry e WHERE e.transaction_id = $1
    GROUP BY e.currency
    HAVING sum(CASE WHEN e.side = 'D' THEN e.amount ELSE -e.amount END) <> 0
  ) AS currencies;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %', $1, unbalanced
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;

CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_check_transaction(NEW.transaction_id);
  RETURN NULL;
END $$;

CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_check_transaction(NEW.id);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_ledgerentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_ledgertransaction
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();
"""

POSTGRES_REVERSE = """
DROP TRIGGER ledger_transaction_balanced ON ledger_ledgertransaction;
DROP TRIGGER ledger_entry_balanced ON ledger_ledgerentry;
DROP TRIGGER ledger_entry_append_only ON ledger_ledgerentry;
DROP TRIGGER ledger_transaction_append_only ON ledger_ledgertransaction;
DROP FUNCTION ledger_transaction_balanced();
DROP FUNCTION ledger_entry_balanced();
DROP FUNCTION ledger_check_transaction(bigint);
DROP FUNCTION ledger_refuse_change();
"""

SQLITE = [
    """CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE ON ledger_ledgertransaction
       BEGIN SELECT RAISE(ABORT, 'ledger rows are written once: post a reversal instead'); END""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger rows are written once: post a reversal instead'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER ledger_transaction_append_only",
    "DROP TRIGGER ledger_entry_append_only",
]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
