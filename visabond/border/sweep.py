"""The sweep's decision for every active bond at once, in SQL: `outcomes.sweep_outcome`
written as one set-based query over the bonds, their visas, admissions and departures.

The rule is `outcomes.py` (plain Python); this is the same rule as a `CASE` the database
evaluates for a range of bonds in one statement, with no loop per bond. The facts it reads
are kept on the rows by the border's intake (`intake.admission_refresh`): the bond's latest
admission, its deciding departure, its admit-until date as extended, the first status
change reported, and whether each port is one the visa names. `tests/border/test_sweep_sql`
runs both on generated facts and requires the same answer.

Dialects: the one difference is adding the program's grace days to a date (PostgreSQL adds
an integer to a date; SQLite's `date()` takes a modifier).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.backends.utils import CursorWrapper

from visabond.border.outcomes import Decision
from visabond.core.writes import within_caller_transaction

# Why a bond is cancelled, suspected or flagged; '' is waiting. The CASE below is
# `sweep_outcome`'s if-chain, in the same order.
_REASON = """
CASE
  WHEN EXISTS (SELECT 1 FROM border_refusedadmission r WHERE r.bond_id = b.id)
    THEN 'admission_refused'
  WHEN a.id IS NULL
    THEN CASE WHEN %s > v.valid_until THEN 'visa_unused' ELSE '' END
  WHEN NOT a.entry_port_designated OR (d.id IS NOT NULL AND NOT d.port_designated)
    THEN 'port_not_designated'
  WHEN a.status_change <> ''
    THEN CASE a.status_change WHEN 'change_of_status' THEN 'status_change'
         ELSE a.status_change END
  WHEN d.id IS NOT NULL AND d.departed_on <= a.authorized_until THEN 'departed_on_time'
  WHEN d.id IS NOT NULL THEN 'late_departure'
  WHEN %s > {overstay_from} THEN 'overstay'
  ELSE ''
END
"""

_DECISION = f"""
CASE
  WHEN reason IN ('admission_refused', 'visa_unused', 'departed_on_time')
    THEN '{Decision.CANCEL.value}'
  WHEN reason = 'port_not_designated' THEN '{Decision.FLAG.value}'
  WHEN reason = '' THEN '{Decision.WAIT.value}'
  ELSE '{Decision.SUSPECT.value}'
END
"""

# The facts of each active bond whose id lies in (lo, hi]: its visa, the program's grace
# days, its latest admission and that admission's deciding departure.
_FACTS = """
SELECT b.id AS bond_id, a.id AS admission_id, {reason} AS reason
FROM bonds_bond b
JOIN casework_case c ON c.id = b.case_id
JOIN casework_visa v ON v.case_id = b.case_id
LEFT JOIN bonds_bondterms t ON t.program_id = c.program_id
LEFT JOIN border_admission a ON a.id = (
  SELECT a2.id FROM border_admission a2
  WHERE a2.bond_id = b.id
  ORDER BY a2.admitted_at DESC, a2.id DESC
  LIMIT 1
)
LEFT JOIN border_departure d ON d.id = a.deciding_departure_id
WHERE b.state = 'active' AND b.id > %s AND b.id <= %s
"""


def _overstay_from() -> str:
    """The last day of the stay plus the program's grace days, in the connection's dialect."""
    if connection.vendor == "postgresql":
        return "(a.authorized_until + COALESCE(t.grace_days, 0))"
    return "date(a.authorized_until, '+' || COALESCE(t.grace_days, 0) || ' days')"


def outcomes_select() -> str:
    """The query giving (bond_id, admission_id, decision, reason) for the active bonds in a
    range of ids; its parameters are `outcomes_parameters`."""
    facts = _FACTS.format(reason=_REASON.format(overstay_from=_overstay_from()))
    # MATERIALIZED: the reason is computed once per bond; inlined, the planner would copy
    # its CASE (and the refusal lookup) into each branch of the decision's CASE.
    return (
        f"WITH f AS MATERIALIZED ({facts}) "  # noqa: S608 - our own constant SQL; values are parameters
        f"SELECT bond_id, admission_id, {_DECISION} AS decision, reason FROM f"
    )


def outcomes_parameters(*, as_of: dt.date, after: int, upto: int) -> list[dt.date | int]:
    """The parameters of `outcomes_select`, in their order."""
    return [as_of, as_of, after, upto]


def outcomes_in(*, as_of: dt.date, after: int, upto: int) -> list[tuple[int, int | None, str, str]]:
    """The sweep's decision for every active bond with an id in (`after`, `upto`], waiting
    included, as (bond id, admission id, decision, reason): a read, for tests and reports."""
    with connection.cursor() as cursor:
        cursor.execute(
            outcomes_select() + " ORDER BY bond_id",
            outcomes_parameters(as_of=as_of, after=after, upto=upto),
        )
        return [(int(r[0]), r[1], str(r[2]), str(r[3])) for r in cursor.fetchall()]


def decisions_insert(*, run_id: int, chunk: int, as_of: dt.date, after: int, upto: int) -> int:
    """Insert the sweep's decisions (all but waiting) for the active bonds with an id in
    (`after`, `upto`] as `SweepDecision` rows of run `run_id`, in one statement; returns how
    many. A step: runs inside the caller's transaction (the chunk's)."""
    with within_caller_transaction("decisions_insert"), connection.cursor() as cursor:
        _without_jit(cursor)
        cursor.execute(
            f"""
            INSERT INTO border_sweepdecision
              (run_id, chunk, bond_id, admission_id, decision, reason, outcome)
            SELECT %s, %s, o.bond_id, o.admission_id, o.decision, o.reason, 'pending'
            FROM ({outcomes_select()}) o WHERE o.decision <> '{Decision.WAIT.value}'
            """,  # noqa: S608 - our own constant SQL; values are parameters
            [run_id, chunk, *outcomes_parameters(as_of=as_of, after=after, upto=upto)],
        )
        return int(cursor.rowcount)


def _without_jit(cursor: CursorWrapper) -> None:
    """No JIT compilation for this transaction on PostgreSQL: for a chunk's query it costs
    seconds (the CASE compiles to much code) and saves milliseconds (EXPLAIN ANALYZE:
    docs/performance.md)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")


def active_in(*, after: int, upto: int) -> int:
    """How many active bonds have an id in (`after`, `upto`]."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM bonds_bond WHERE state = 'active' AND id > %s AND id <= %s",
            [after, upto],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


# The acting phase of a chunk, one statement per outcome. The guard `b.state = 'active'` is
# the per-bond step's check under its row lock: a bond another decision moved since the
# chunk's decision query is left alone (PostgreSQL re-reads a row an UPDATE waited for and
# applies the guard to its newest version), and the sweep counts its decision `stale`.
_MOVE = """
UPDATE bonds_bond SET state = %s, state_changed_at = %s{cancel_reason}
FROM border_sweepdecision d
WHERE d.run_id = %s AND d.chunk = %s AND d.decision = %s
  AND d.bond_id = bonds_bond.id AND bonds_bond.state = 'active'
RETURNING bonds_bond.id
"""

_FLAGGED_ACTIVE = """
SELECT b.id FROM bonds_bond b JOIN border_sweepdecision d ON d.bond_id = b.id
WHERE d.run_id = %s AND d.chunk = %s AND d.decision = %s AND b.state = 'active'
"""

_FLAGS_INSERT = """
INSERT INTO border_bondflag (bond_id, reason, run_id, opened_at, resolved_by, note)
SELECT d.bond_id, d.reason, d.run_id, %s, '', ''
FROM border_sweepdecision d JOIN bonds_bond b ON b.id = d.bond_id
WHERE d.run_id = %s AND d.chunk = %s AND d.decision = %s AND b.state = 'active'
ON CONFLICT (bond_id) DO NOTHING
RETURNING bond_id
"""


def decided_bonds_move(
    *, run_id: int, chunk: int, decision: Decision, state: str, at: dt.datetime
) -> set[int]:
    """Move the bonds that chunk `chunk` of run `run_id` decided `decision` (cancel or
    suspect) and that are still active to `state`, in one statement; the ids of the bonds
    moved. A cancel also records its reason (`cancel_reason`, as `bond_event_apply` does).

    A step: runs inside the caller's transaction (the chunk's), which keeps the row locks.
    """
    cancel_reason = ", cancel_reason = d.reason" if decision is Decision.CANCEL else ""
    with within_caller_transaction("decided_bonds_move"), connection.cursor() as cursor:
        cursor.execute(
            _MOVE.format(cancel_reason=cancel_reason),
            [str(state), _moment(at), run_id, chunk, decision.value],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def decided_flags_insert(*, run_id: int, chunk: int, at: dt.datetime) -> tuple[set[int], set[int]]:
    """Flag the still active bonds that chunk `chunk` of run `run_id` decided to flag, a bond
    flagged already keeping its flag (ON CONFLICT DO NOTHING); (the ids of the flagged
    bonds still active, the ids of those flagged now).

    A step: runs inside the caller's transaction. On PostgreSQL the bonds' rows are locked
    first (`FOR UPDATE`), as the per-bond step locks a bond before reading its state.
    """
    lock = " FOR UPDATE OF b" if connection.vendor == "postgresql" else ""
    flag = Decision.FLAG.value
    with within_caller_transaction("decided_flags_insert"), connection.cursor() as cursor:
        cursor.execute(_FLAGGED_ACTIVE + lock, [run_id, chunk, flag])
        active = {int(row[0]) for row in cursor.fetchall()}
        if not active:
            return active, set()
        cursor.execute(_FLAGS_INSERT, [_moment(at), run_id, chunk, flag])
        return active, {int(row[0]) for row in cursor.fetchall()}


def _moment(at: dt.datetime) -> str | dt.datetime | None:
    """A moment as the connection stores it (SQLite keeps UTC text)."""
    stored: str | dt.datetime | None = connection.ops.adapt_datetimefield_value(at)
    return stored
