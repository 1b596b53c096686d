"""Reads of bonds: a bond's balances from the ledger, totals by state, the per-bond check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from visabond.bonds import balances
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.ledger.invariants import Break
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import (
    CREDITS,
    DEBITS,
    in_minor_units,
    normal_balance,
    sql_nonzero,
)


def bond_balances(bond: Bond) -> dict[Account, Decimal]:
    """One bond's balances per account, from its own transactions."""
    totals: dict[Account, Decimal] = defaultdict(Decimal)
    rows = (
        LedgerEntry.objects.filter(transaction__bond=bond)
        .values("account")
        .annotate(debit=DEBITS, credit=CREDITS)
        .values_list("account", "debit", "credit")
    )
    for name, debit, credit in rows:
        account = Account(name)
        totals[account] = normal_balance(account, debit - credit)
    return dict(totals)


def bond_ledger_breaks() -> tuple[int, list[Break]]:
    """Every bond whose own ledger balances do not fit its state (`balances.bond_mismatch`),
    or that moved money in another currency than its own, with the number of bonds checked.

    One pass in the database: each bond's balances are summed from its transactions' lines
    and compared there with what its state implies (`balances.expected_bond_balances`, the
    one statement of that rule); only the bonds that differ come back, to be described.
    """
    checked = Bond.objects.count()
    breaks = []
    for pk, number, state, currency, foreign in _mismatched_bonds():
        bond = Bond.objects.get(pk=pk)
        found = balances.bond_mismatch(number, BondState(state), bond.amount, bond_balances(bond))
        if found is not None:
            breaks.append(found)
        if foreign:
            breaks.append(
                Break(
                    "bond balances",
                    f"bond {number} ({state})",
                    f"lines in {foreign}, not {currency}",
                )
            )
    return checked, breaks


# The bond accounts `balances.expected_bond_balances` speaks of.
BOND_ACCOUNTS = (Account.OBLIGOR_LIABILITY, Account.REFUNDS_PAYABLE, Account.FORFEITED)


def _mismatched_bonds() -> list[tuple[int, str, str, str, str]]:
    bond, tx, entry = (
        Bond._meta.db_table,
        LedgerTransaction._meta.db_table,
        LedgerEntry._meta.db_table,
    )
    sums = ", ".join(
        f"SUM(CASE WHEN e.account = '{a.value}' THEN CASE WHEN e.side = '{a.normal_side.value}' "
        f"THEN e.amount ELSE -e.amount END ELSE 0 END) AS {a.value}"
        for a in BOND_ACCOUNTS
    )
    differs = " OR ".join(
        sql_nonzero(f"COALESCE(x.{a.value}, 0) - b.amount * CASE b.state {_factors(a)} ELSE 0 END")
        for a in BOND_ACCOUNTS
    )
    sql = f"""
        SELECT b.id, b.number, b.state, b.currency,
               CASE WHEN x.c_lo <> b.currency THEN x.c_lo
                    WHEN x.c_hi <> b.currency THEN x.c_hi ELSE '' END
        FROM {bond} b LEFT JOIN (
            SELECT t.bond_id, MIN(e.currency) AS c_lo, MAX(e.currency) AS c_hi, {sums}
            FROM {entry} e JOIN {tx} t ON t.id = e.transaction_id
            WHERE t.bond_id IS NOT NULL GROUP BY t.bond_id
        ) x ON x.bond_id = b.id
        WHERE {differs} OR x.c_lo <> b.currency OR x.c_hi <> b.currency
        ORDER BY b.number
    """  # noqa: S608 - every value interpolated is one of the chart's own names or numbers
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def _factors(account: Account) -> str:
    """`WHEN 'state' THEN 1` for each state in which a bond's amount sits on `account`."""
    return " ".join(
        f"WHEN '{state.value}' THEN 1"
        for state in BondState
        if balances.expected_bond_balances(state, Decimal(1))[account] == 1
    )


@dataclass(frozen=True)
class StateTotal:
    state: str
    currency: str
    bonds: int
    amount: Decimal


def bond_totals_by_state() -> list[StateTotal]:
    """How many bonds are in each state, and their amounts, per currency."""
    rows = (
        Bond.objects.values("state", "currency")
        .annotate(bonds=Count("pk"), total=Sum("amount"))
        .order_by("currency", "state")
        .values_list("state", "currency", "bonds", "total")
    )
    return [
        StateTotal(state, currency, bonds, in_minor_units(total, currency))
        for state, currency, bonds, total in rows
    ]
