"""Reads of bonds: a bond's balances from the ledger, totals by state, the per-bond check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from visabond.bonds import balances
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.ledger.invariants import Break
from visabond.ledger.models import LedgerEntry
from visabond.ledger.postings import Account
from visabond.ledger.selectors import CREDITS, DEBITS, normal_balance


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
    with the number of bonds checked: one aggregate over the entries, one scan of bonds."""
    actual: dict[int, dict[Account, Decimal]] = defaultdict(dict)
    rows = (
        LedgerEntry.objects.filter(transaction__bond__isnull=False)
        .values("transaction__bond_id", "account")
        .annotate(debit=DEBITS, credit=CREDITS)
        .values_list("transaction__bond_id", "account", "debit", "credit")
    )
    for bond_id, name, debit, credit in rows.iterator(chunk_size=10_000):
        account = Account(name)
        actual[bond_id][account] = normal_balance(account, debit - credit)
    breaks = []
    checked = 0
    bonds = Bond.objects.values_list("pk", "number", "state", "amount")
    for pk, number, state, amount in bonds.iterator(chunk_size=10_000):
        checked += 1
        found = balances.bond_mismatch(number, BondState(state), amount, actual.get(pk, {}))
        if found is not None:
            breaks.append(found)
    return checked, breaks


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
    return [StateTotal(*row) for row in rows]
