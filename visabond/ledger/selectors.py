"""Reads of the ledger: balances derived from entries, the invariants, the reconciliation.

Everything is computed by the database as aggregates over the entries (one scan each), so
`ledger verify` stays fast at millions of transactions; the plain rules in `invariants.py`
say what the totals must be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.ledger import invariants
from visabond.ledger.invariants import Break
from visabond.ledger.models import (
    LedgerDayClose,
    LedgerEntry,
    LedgerTransaction,
    LedgerVerification,
)
from visabond.ledger.postings import MOVEMENTS, Account, Side, TransactionKind

ZERO = Value(Decimal(0), output_field=DecimalField())


DEBITS = Coalesce(Sum("amount", filter=Q(side=Side.DEBIT.value)), ZERO)
CREDITS = Coalesce(Sum("amount", filter=Q(side=Side.CREDIT.value)), ZERO)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Read everything inside the block from one state of the database, so that a check made
    of several queries is not fooled by money posted between them: a read-only REPEATABLE READ
    transaction on PostgreSQL (SQLite's transactions read one state already)."""
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` (UTC)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def account_balances(*, as_of: dt.date | None = None) -> dict[tuple[Account, str], Decimal]:
    """Each account's balance per currency on its normal side, at the end of `as_of` (UTC),
    summed from every entry: the authority `account_balances_on` agrees with."""
    entries = LedgerEntry.objects.all()
    # The calendar's last day has no next one: every entry is posted by its end.
    if as_of is not None and as_of < dt.date.max:
        entries = entries.filter(transaction__posted_at__lt=_end_of(as_of))
    return _balances(_totals(entries))


def _totals(entries: QuerySet[LedgerEntry]) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(debits, credits) of `entries` by account and currency: one aggregate query."""
    rows = (
        entries.values("account", "currency")
        .annotate(debit=DEBITS, credit=CREDITS)
        .values_list("account", "currency", "debit", "credit")
    )
    return {(name, currency): (_decimal(d), _decimal(c)) for name, currency, d, c in rows}


def _balances(
    totals: dict[tuple[str, str], tuple[Decimal, Decimal]],
) -> dict[tuple[Account, str], Decimal]:
    balances: dict[tuple[Account, str], Decimal] = {}
    for (name, currency), (debit, credit) in totals.items():
        account = Account(name)
        balances[(account, currency)] = normal_balance(
            account, in_minor_units(debit - credit, currency)
        )
    return balances


# A day is closed once every posting dated on it has committed: a ledger write holds its
# transaction open for seconds, an hour leaves a wide margin.
CLOSING_MARGIN = dt.timedelta(hours=1)


def closable_through(now: dt.datetime) -> dt.date:
    """The last day (UTC) that ended at least `CLOSING_MARGIN` before `now`."""
    return (now.astimezone(dt.UTC) - CLOSING_MARGIN).date() - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayClose:
    """All debits and all credits of an account in a currency posted by the end of `day`."""

    day: dt.date
    account: str
    currency: str
    debit: Decimal
    credit: Decimal


def day_closes(*, through: dt.date) -> list[DayClose]:
    """The running totals at the end of each day up to `through` on which an account moved
    in a currency, by day then account then currency: one pass over the entries posted by
    the end of `through`, grouped by day. For a verification to keep (`LedgerDayClose`)."""
    rows = (
        LedgerEntry.objects.filter(transaction__posted_at__lt=_end_of(through))
        .annotate(day=TruncDate("transaction__posted_at", tzinfo=dt.UTC))
        .values("day", "account", "currency")
        .annotate(debit=DEBITS, credit=CREDITS)
        .values_list("day", "account", "currency", "debit", "credit")
        .order_by("day", "account", "currency")
    )
    running: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    closes = []
    for day, account, currency, debit, credit in rows:
        before_debit, before_credit = running.get((account, currency), (Decimal(0), Decimal(0)))
        total = (before_debit + _decimal(debit), before_credit + _decimal(credit))
        running[(account, currency)] = total
        closes.append(DayClose(day, account, currency, *total))
    return closes


def account_balances_on(*, as_of: dt.date | None) -> dict[tuple[Account, str], Decimal]:
    """What `account_balances(as_of=as_of)` says, read from a bounded amount: the closing
    totals the latest verification kept (`LedgerDayClose`, one row per account, currency
    and day it moved) for the last closed day up to `as_of`, plus the entries posted after
    that day up to the end of `as_of` (None: everything posted). Before any verification
    kept closing totals, every entry is summed."""
    latest = (
        (LedgerVerification.objects.exclude(closed_through=None).only("pk", "closed_through"))
        .order_by("-pk")
        .first()
    )
    if latest is None or latest.closed_through is None:
        return account_balances(as_of=as_of)
    closed = latest.closed_through if as_of is None else min(as_of, latest.closed_through)
    totals: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    kept = LedgerDayClose.objects.filter(verification=latest, day__lte=closed).order_by("day")
    for account, currency, debit, credit in kept.values_list(
        "account", "currency", "debit", "credit"
    ):
        totals[(account, currency)] = (debit, credit)  # the day's latest totals win
    if as_of is None or as_of > closed:
        since = LedgerEntry.objects.filter(transaction__posted_at__gte=_end_of(closed))
        if as_of is not None and as_of < dt.date.max:
            since = since.filter(transaction__posted_at__lt=_end_of(as_of))
        for key, (debit, credit) in _totals(since).items():
            before_debit, before_credit = totals.get(key, (Decimal(0), Decimal(0)))
            totals[key] = (before_debit + debit, before_credit + credit)
    return _balances(totals)


def in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """An amount summed by the database, written with its currency's minor units (ISO 4217):
    PostgreSQL gives the columns' four places, SQLite none; both read 10000.00 for USD."""
    try:
        return Money(Decimal(amount), currency).amount
    except InvalidInput:
        return Decimal(amount)


def normal_balance(account: Account, net: Decimal) -> Decimal:
    """A debit-minus-credit total as a balance on the account's normal side."""
    return net if account.normal_side is Side.DEBIT else -net


@dataclass
class Verification:
    """What `ledger verify` found: the breaks, what it looked at, and the balances it summed."""

    breaks: list[Break] = field(default_factory=list)
    transactions: int = 0
    entries: int = 0
    balances: dict[tuple[Account, str], Decimal] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return not self.breaks


def ledger_verify() -> Verification:
    """Check every invariant of `invariants.py` over the whole ledger (bonds aside).

    Two passes over the entries, whatever their number: one sums each transaction's lines
    (count, net, currency, shape) beside its row and keeps only the transactions that break
    something (`per_transaction_sql`), the other sums each account. Also catches what only the tables show: a transaction left
    with fewer than two lines (an entry deleted behind the database's back), a line on an
    account or side outside the chart.
    """
    result = Verification()
    result.transactions = LedgerTransaction.objects.count()
    sql = per_transaction_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql.summary}) s WHERE {sql.broken} ORDER BY id")  # noqa: S608 - the chart's own names
        offenders = [_offender_of(row) for row in cursor.fetchall()]
    for offender in offenders:
        result.breaks += _describe(offender)
    result.breaks += _reversal_breaks()
    result.balances, result.entries, unknown = _balances_and_unknown()
    result.breaks += unknown
    result.breaks += invariants.negative_accounts(result.balances)
    result.breaks += invariants.unreconciled_currencies(result.balances)
    return result


@dataclass(frozen=True)
class _Offender:
    """A transaction that breaks an invariant, as `per_transaction_sql` summed it."""

    id: int
    key: str
    kind: str
    bond_id: int | None
    lines: int
    net: Decimal
    currencies: tuple[str, str]
    shape: int


def _offender_of(row: Sequence[Any]) -> _Offender:
    """An `_Offender` from a `per_transaction_sql` summary row."""
    return _Offender(
        id=row[0],
        key=row[1],
        kind=row[2],
        bond_id=row[3],
        lines=int(row[4] or 0),
        net=in_minor_units(_decimal(row[5] or 0), row[6] or "XXX"),
        currencies=(row[6] or "", row[7] or ""),
        shape=int(row[8] or 0),
    )


@dataclass(frozen=True)
class PerTransactionSql:
    """One row per transaction with its lines summed (`summary`: id, key, kind, bond_id, n,
    net, c_lo, c_hi (its currencies, lowest and highest), shape), and the condition (`broken`)
    that picks the rows breaking an invariant."""

    summary: str
    broken: str


def per_transaction_sql() -> PerTransactionSql:
    """The SQL of each transaction's summary: one pass over the entries, grouped by their
    transaction (in index order) and joined to it, so the chart is checked as the lines are
    summed: two lines, balanced, in one currency, the shape its kind names."""
    tx, entry = LedgerTransaction._meta.db_table, LedgerEntry._meta.db_table
    codes = " ".join(
        f"WHEN account = '{a.value}' AND side = '{side.value}' THEN {invariants.line_code(a, side)}"
        for a in invariants.CODED_ACCOUNTS
        for side in Side
    )
    shapes = " ".join(
        f"WHEN '{kind.value}' THEN {invariants.shape_code(kind)}" for kind in MOVEMENTS
    )
    bond_kinds = ", ".join(f"'{kind.value}'" for kind in sorted(invariants.BOND_KINDS))
    summary = f"""
        SELECT t.id, t.key, t.kind, t.bond_id, e.n, e.net, e.c_lo, e.c_hi, e.shape
        FROM {tx} t LEFT JOIN (
            SELECT transaction_id, COUNT(*) AS n, MIN(currency) AS c_lo, MAX(currency) AS c_hi,
                   SUM(CASE WHEN side = 'D' THEN amount ELSE -amount END) AS net,
                   CAST(SUM(CASE {codes} ELSE {invariants.UNKNOWN_LINE} END) AS BIGINT) AS shape
            FROM {entry} GROUP BY transaction_id
        ) e ON e.transaction_id = t.id
    """  # noqa: S608 - every value interpolated is one of the chart's own names or numbers
    broken = f"""(n IS NULL OR n <> 2 OR {sql_nonzero("net")} OR c_lo <> c_hi
        OR (kind <> 'reversal' AND shape <> CASE kind {shapes} ELSE -1 END)
        OR (kind IN ({bond_kinds}) AND bond_id IS NULL))"""
    return PerTransactionSql(summary=summary, broken=broken)


def _describe(offender: _Offender) -> list[Break]:
    subject = f"transaction {offender.key}"
    if offender.lines < 2:
        return [Break("two lines", subject, f"{offender.lines} line(s)")]
    breaks = []
    if offender.currencies[0] != offender.currencies[1]:
        per_currency = (
            LedgerEntry.objects.filter(transaction_id=offender.id)
            .values("currency")
            .annotate(debit=DEBITS, credit=CREDITS)
            .values_list("currency", "debit", "credit")
        )
        breaks += invariants.unbalanced_transactions(
            (offender.key, currency, debit, credit) for currency, debit, credit in per_currency
        )
        breaks.append(Break("chart", subject, f"mixes {' and '.join(offender.currencies)}"))
    elif offender.net:
        breaks.append(
            Break(
                "balanced",
                subject,
                f"{offender.currencies[0]} debits exceed credits by {offender.net}",
            )
        )
    lines = ", ".join(
        f"{side} {account}"
        for account, side in LedgerEntry.objects.filter(transaction_id=offender.id)
        .order_by("side", "account")
        .values_list("account", "side")
    )
    kinds = {k.value: k for k in TransactionKind}
    kind = kinds.get(offender.kind)
    if kind is None:
        breaks.append(Break("chart", subject, f"{offender.kind!r} is no kind of movement"))
    elif kind is not TransactionKind.REVERSAL and (
        offender.lines != 2 or offender.shape != invariants.shape_code(kind)
    ):
        debit, credit = MOVEMENTS[kind]
        breaks.append(
            Break("chart", subject, f"{kind} moves D {debit}, C {credit}; this one: {lines}")
        )
    if kind in invariants.BOND_KINDS and offender.bond_id is None:
        breaks.append(Break("chart", subject, f"{kind} moves an obligor's liability: no bond"))
    return breaks or [Break("chart", subject, f"{offender.lines} lines: {lines}")]


def _reversal_breaks() -> list[Break]:
    """A reversal names what it reverses and mirrors its lines (few rows: corrections)."""
    breaks = []
    reversals = LedgerTransaction.objects.filter(kind=TransactionKind.REVERSAL.value)
    for reversal in reversals.select_related("reverses").prefetch_related(
        "entries", "reverses__entries"
    ):
        subject = f"transaction {reversal.key}"
        original = reversal.reverses
        if original is None:
            breaks.append(Break("reversal", subject, "reverses no transaction"))
            continue
        mirrored = sorted(
            (
                e.account,
                Side.CREDIT.value if e.side == Side.DEBIT.value else Side.DEBIT.value,
                e.money,
            )
            for e in original.entries.all()
        )
        if sorted((e.account, e.side, e.money) for e in reversal.entries.all()) != mirrored:
            breaks.append(
                Break("reversal", subject, f"does not mirror the lines of {original.key}")
            )
        if reversal.bond_id != original.bond_id:
            breaks.append(Break("reversal", subject, f"names another bond than {original.key}"))
    return breaks


def _balances_and_unknown() -> tuple[dict[tuple[Account, str], Decimal], int, list[Break]]:
    """One pass: each account's balance per currency, the number of entries, and the lines
    on an account or side outside the chart (named by transaction, looked up only then)."""
    rows = (
        LedgerEntry.objects.values("account", "side", "currency")
        .annotate(total=Sum("amount"), lines=Count("pk"))
        .values_list("account", "side", "currency", "total", "lines")
    )
    accounts = {a.value: a for a in Account}
    sides = {s.value for s in Side}
    balances: dict[tuple[Account, str], Decimal] = {}
    count = 0
    unknown = False
    for name, side, currency, total, lines in rows:
        count += lines
        account = accounts.get(name)
        if account is None or side not in sides:
            unknown = True
            continue
        signed = total if side == Side.DEBIT.value else -total
        key = (account, currency)
        balances[key] = balances.get(key, Decimal(0)) + normal_balance(
            account, in_minor_units(signed, currency)
        )
    breaks = []
    if unknown:
        breaks = invariants.unknown_lines(
            LedgerEntry.objects.exclude(account__in=list(accounts), side__in=list(sides))
            .values_list("transaction__key", "account", "side")
            .order_by("pk")
        )
    return balances, count, breaks


def sql_nonzero(expression: str) -> str:
    """SQL saying a sum of amounts is not zero. SQLite sums decimals as floating point, so
    there it compares within a ten-thousandth (the columns' precision) instead of exactly."""
    if connection.vendor == "sqlite":
        return f"ABS({expression}) > 0.00001"
    return f"{expression} <> 0"


def _decimal(value: object) -> Decimal:
    return Decimal(str(round(value, 4))) if isinstance(value, float) else Decimal(str(value))
