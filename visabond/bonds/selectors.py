"""Reads of bonds: a bond's balances from the ledger, totals by state, the per-bond check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum

from visabond.bonds import balances
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.ledger.invariants import Break
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import MOVEMENTS, Account, Side
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
        totals[account] = normal_balance(account, in_minor_units(debit - credit, bond.currency))
    return dict(totals)


def bond_ledger_breaks() -> tuple[int, list[Break]]:
    """Every bond whose own ledger balances do not fit its state (`balances.bond_mismatch`),
    or one of whose movements is not its whole amount in its currency, with the number of
    bonds checked.

    Every movement of a bond moves its whole amount (`bonds.services.bond_event_apply`), and
    `ledger_verify` checks that each movement's lines are the ones its kind names. So a
    bond's balances are its amount times the movements' kinds, counted: two passes in the
    database, neither summing an amount per bond. One compares each bond movement's lines
    with the bond's amount and currency; the other counts each bond's movements by kind and
    compares the count with what its state implies (`balances.expected_bond_balances`, the
    one statement of that rule). Only the bonds that differ come back, and are described
    from their actual balances.
    """
    checked = Bond.objects.count()
    breaks = []
    for pk, number, state, currency, line_amount, line_currency in _mismatched_bonds():
        bond = Bond.objects.get(pk=pk)
        own = in_minor_units(bond.amount, currency)
        found = balances.bond_mismatch(number, BondState(state), own, bond_balances(bond))
        if found is not None:
            breaks.append(found)
        subject = f"bond {number} ({state})"
        if line_currency and line_currency != currency:
            breaks.append(
                Break("bond balances", subject, f"lines in {line_currency}, not {currency}")
            )
        elif line_amount is not None:
            moved = in_minor_units(line_amount, currency)
            breaks.append(Break("bond balances", subject, f"a movement of {moved}, not its {own}"))
    return checked, breaks


# The bond accounts `balances.expected_bond_balances` speaks of.
BOND_ACCOUNTS = (Account.OBLIGOR_LIABILITY, Account.REFUNDS_PAYABLE, Account.FORFEITED)


def _mismatched_bonds() -> list[tuple[Any, ...]]:
    """(id, number, state, currency, a line's amount, its currency) of each bond with
    a movement not of its whole amount and currency, or whose movements' kinds do not add up
    to its state (line amount and currency None then)."""
    bond, tx, entry = (
        Bond._meta.db_table,
        LedgerTransaction._meta.db_table,
        LedgerEntry._meta.db_table,
    )
    counts = ", ".join(
        f"SUM(CASE WHEN t.kind = 'reversal' THEN -({_coefficients(a, 'o.kind')}) "
        f"ELSE {_coefficients(a, 't.kind')} END) AS {a.value}"
        for a in BOND_ACCOUNTS
    )
    differs = " OR ".join(
        f"COALESCE(x.{a.value}, 0) <> CASE b.state {_factors(a)} ELSE 0 END" for a in BOND_ACCOUNTS
    )
    other_amount = sql_nonzero("e.amount - b.amount")
    sql = f"""
        SELECT b.id, b.number, b.state, b.currency, MIN(e.amount), MIN(e.currency)
        FROM {entry} e JOIN {tx} t ON t.id = e.transaction_id JOIN {bond} b ON b.id = t.bond_id
        WHERE {other_amount} OR e.currency <> b.currency
        GROUP BY b.id, b.number, b.state, b.currency
        UNION ALL
        SELECT b.id, b.number, b.state, b.currency, NULL, NULL
        FROM {bond} b LEFT JOIN (
            SELECT t.bond_id, {counts}
            FROM {tx} t LEFT JOIN {tx} o ON o.id = t.reverses_id AND t.kind = 'reversal'
            WHERE t.bond_id IS NOT NULL GROUP BY t.bond_id
        ) x ON x.bond_id = b.id
        WHERE {differs}
    """  # noqa: S608 - every value interpolated is one of the chart's own names or numbers
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = [tuple(row) for row in cursor.fetchall()]
    seen: set[int] = set()
    unique = []
    for row in sorted(rows, key=lambda r: (r[1], r[4] is None)):
        if row[0] not in seen:
            seen.add(row[0])
            unique.append(row)
    return unique


def _coefficients(account: Account, kind: str) -> str:
    """SQL: how a movement of `kind` changes `account` on its normal side, in bond amounts
    (+1, -1 or 0), from the chart (`postings.MOVEMENTS`)."""
    whens = []
    for movement, (debit, credit) in MOVEMENTS.items():
        change = (account == debit) * -1 + (account == credit) * 1
        if account.normal_side is Side.DEBIT:
            change = -change
        if change:
            whens.append(f"WHEN '{movement.value}' THEN {change}")
    return f"CASE {kind} {' '.join(whens)} ELSE 0 END"


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
