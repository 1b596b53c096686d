"""A manifest's passengers stored together: its departures matched and written as sets, its
expected arrivals in one insert, instead of passenger by passenger.

A step (docs/writes.md): runs inside the caller's transaction, the manifest's. It gives the
results `intake.report_store` and `placement` give one departure at a time (a test ingests
the same manifests both ways and compares them), in a fixed number of statements per
manifest instead of 14-16 per passenger (docs/performance.md, "Manifest ingestion"):

1. a record sent again under its (sender, record id) is compared field by field, as
   `intake.report_store` does, and a difference refuses the whole manifest (`Conflict`);
2. the new departures are copied into a temporary table (`COPY` on PostgreSQL, one batched
   insert on SQLite);
3. one query matches them all to admissions by joins on the document (number, issuing state,
   birth date), the renewals' new documents and the visa number; of the candidates sharing a
   document or a visa only the latest is kept, and the matching rule of
   `matching.match_departure` (one candidate; or, of several, the one matched on both the
   document and the visa) is read from window functions over each departure's candidates;
4. the departures are written with their match (`COPY` again), the unmatched and ambiguous
   ones that may concern a bond opened in the review queue in one insert;
5. the admissions they matched have their deciding departure refreshed by one
   `UPDATE ... FROM` ranking their departures as `evidence.deciding` does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

from visabond.bonds.models import Bond
from visabond.border.intake import Stored, record_identity, record_unchanged
from visabond.border.matching import MatchOutcome
from visabond.border.models import (
    Admission,
    Departure,
    DocumentRenewal,
    ExpectedArrival,
    MatchState,
    PaxlstManifest,
    ReviewItem,
)
from visabond.border.passengers import ExpectedArrival as ArrivalReport
from visabond.border.records import DepartureReport, RecordKind, port_state
from visabond.casework.models import Case, Visa
from visabond.core import clock
from visabond.core.writes import within_caller_transaction

STAGE = "border_departure_stage"
STAGE_COLUMNS = (
    "seq",
    "sender_record_id",
    "document_number",
    "document_issuing_state",
    "birth_date",
    "visa_number",
    "port",
    "state",
    "departed_at",
)
DEPARTURE_COLUMNS = (
    "sender",
    "sender_record_id",
    "received_at",
    "received_by",
    "document_number",
    "document_issuing_state",
    "birth_date",
    "nationality",
    "visa_number",
    "match",
    "port",
    "state",
    "departed_at",
    "departed_on",
    "evidence",
    "rank",
    "accepted",
    "admission_id",
    "matched_on",
    "port_designated",
    "manifest_id",
)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where the matching query placed one staged departure."""

    outcome: MatchOutcome
    admission_id: int | None = None
    on: str = ""
    candidates: tuple[int, ...] = ()
    ports: tuple[str, ...] = ()
    bond_number: str | None = None
    bond_at_stake: bool = False


def departures_store(
    *,
    manifest: PaxlstManifest,
    departures: Sequence[tuple[str, DepartureReport]],
    sender: str,
    actor: str,
) -> list[dict[str, object]]:
    """Store the manifest's departures, each `(record id, report)`, from `sender`.

    A step: runs inside the caller's transaction. Returns, in the order given, what
    `Stored.to_json()` says of each departure matched to an admission (the manifest's audit
    entry lists them). Raises `InvalidInput` for an empty or over-long sender or record id
    and `Conflict` (`record_differs`) for a record id received before with other facts,
    naming the field, before anything is written.
    """
    with within_caller_transaction("departures_store"):
        if not departures:
            return []
        sender = record_identity(sender, departures[0][0])[0]
        given = [(record_identity(sender, rid)[1], report) for rid, report in departures]
        received = {
            row.sender_record_id: row
            for row in Departure.objects.filter(
                sender=sender, sender_record_id__in=sorted({rid for rid, _ in given})
            )
        }
        fresh: dict[str, DepartureReport] = {}
        for rid, report in given:
            if rid in received:
                record_unchanged(received[rid], report, sender=sender, record_id=rid)
            elif rid in fresh:
                # The same id twice in one manifest: the second is judged against the first.
                record_unchanged(
                    _unsaved(fresh[rid], sender=sender, record_id=rid),
                    report,
                    sender=sender,
                    record_id=rid,
                )
            else:
                fresh[rid] = report
        staged = list(fresh.items())
        placed = _placed(staged)
        now = clock.now()
        _write(
            Departure,
            DEPARTURE_COLUMNS,
            (
                _departure_row(
                    report,
                    placed[seq],
                    sender=sender,
                    record_id=rid,
                    actor=actor,
                    manifest=manifest,
                    now=now,
                )
                for seq, (rid, report) in enumerate(staged)
            ),
        )
        ids = dict(
            Departure.objects.filter(manifest=manifest, sender=sender).values_list(
                "sender_record_id", "pk"
            )
        )
        ReviewItem.objects.bulk_create(
            ReviewItem(
                kind=RecordKind.DEPARTURE.value,
                departure_id=ids[rid],
                reason=placed[seq].outcome.value,
                candidates=list(placed[seq].candidates),
                opened_at=now,
            )
            for seq, (rid, _) in enumerate(staged)
            if placed[seq].outcome is not MatchOutcome.MATCHED and placed[seq].bond_at_stake
        )
        _deciding_refresh({p.admission_id for p in placed.values() if p.admission_id is not None})
        seqs = {rid: seq for seq, (rid, _) in enumerate(staged)}
        matched: list[dict[str, object]] = []
        for rid, _ in given:
            seq = seqs.pop(rid, None)
            if seq is None:
                # Received before (or earlier in this manifest): as `report_store` says of it.
                row = Departure.objects.select_related("admission__bond").get(
                    sender=sender, sender_record_id=rid
                )
                if row.admission_id is not None:
                    matched.append(Stored(RecordKind.DEPARTURE, row, created=False).to_json())
                continue
            place = placed[seq]
            if place.outcome is MatchOutcome.MATCHED:
                matched.append(
                    {
                        "kind": RecordKind.DEPARTURE.value,
                        "id": ids[rid],
                        "sender": sender,
                        "sender_record_id": rid,
                        "created": True,
                        "match": MatchState.MATCHED.value,
                        "admission": place.admission_id,
                        "bond": place.bond_number,
                        "review": None,
                    }
                )
        return matched


def arrivals_store(
    *,
    manifest: PaxlstManifest,
    arrivals: Sequence[tuple[str, ArrivalReport]],
    sender: str,
    actor: str,
) -> None:
    """Store the manifest's expected arrivals, each `(record id, arrival)`, in one insert,
    each with the bond of the visa the traveller travels on (`placement.visa_of`: the visa
    numbered as the manifest says, else the one visa issued on the passport valid that day).

    A step: runs inside the caller's transaction.
    """
    with within_caller_transaction("arrivals_store"):
        if not arrivals:
            return
        now = clock.now()
        numbers = sorted({a.traveller.visa_number for _, a in arrivals if a.traveller.visa_number})
        by_number: dict[str, int | None] = dict(
            Visa.objects.filter(number__in=numbers).values_list("number", "case__bond")
        )
        passports = sorted(
            {a.traveller.document.number for _, a in arrivals if a.traveller.document is not None}
        )
        issued = list(
            Visa.objects.filter(case__passport_number__in=passports).values_list(
                "case__passport_number",
                "case__passport_issuing_state",
                "case__birth_date",
                "valid_from",
                "valid_until",
                "case__bond",
            )
        )
        rows = []
        for rid, arrival in arrivals:
            traveller = arrival.traveller
            on = (arrival.expected_at or now).date()
            if traveller.visa_number in by_number:
                bond_id = by_number[traveller.visa_number]
            else:
                document = traveller.document
                valid = [
                    bond
                    for number, state, born, start, end, bond in issued
                    if document is not None
                    and (number, state, born)
                    == (document.number, document.issuing_state, document.birth_date)
                    and start <= on <= end
                ]
                bond_id = valid[0] if len(valid) == 1 else None
            rows.append(
                expected_arrival(
                    arrival,
                    sender=sender,
                    record_id=rid,
                    actor=actor,
                    manifest=manifest,
                    bond_id=bond_id,
                    received_at=now,
                )
            )
        ExpectedArrival.objects.bulk_create(rows)


def expected_arrival(
    arrival: ArrivalReport,
    *,
    sender: str,
    record_id: str,
    actor: str,
    manifest: PaxlstManifest,
    bond_id: int | None,
    received_at: dt.datetime,
) -> ExpectedArrival:
    """The row (unsaved) an inbound manifest's passenger is kept in."""
    return ExpectedArrival(
        sender=sender,
        sender_record_id=record_id,
        received_at=received_at,
        received_by=actor,
        manifest=manifest,
        **arrival.traveller.fields(),
        port=arrival.port,
        state=arrival.state,
        expected_at=arrival.expected_at,
        flight=arrival.flight,
        bond_id=bond_id,
    )


def _placed(staged: list[tuple[str, DepartureReport]]) -> dict[int, Placed]:
    """Each staged departure's place, by its position in `staged`."""
    with connection.cursor() as cursor:
        _stage(cursor, staged)
        if connection.vendor == "postgresql":
            # The bond subqueries, costed for every admission though run for few rows, push
            # the plan past `jit_above_cost`: compiling it took 14 s for a 50 ms query.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_MATCHING_SQL)
        rows = cursor.fetchall()
    found: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    placed = {}
    for seq, candidates in found.items():
        _, outcome, admission_id, on, ports, bond_number, at_stake = candidates[0]
        if outcome == MatchOutcome.MATCHED.value:
            placed[seq] = Placed(
                MatchOutcome.MATCHED,
                admission_id=admission_id,
                on=on,
                ports=tuple(_json_list(ports)),
                bond_number=bond_number,
            )
        else:
            placed[seq] = Placed(
                MatchOutcome(outcome),
                candidates=tuple(sorted(r[2] for r in candidates if r[2] is not None)),
                bond_at_stake=bool(at_stake),
            )
    return placed


def _stage(cursor: Any, staged: list[tuple[str, DepartureReport]]) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (seq integer PRIMARY KEY, "
            "sender_record_id varchar(100), document_number varchar(20), "
            "document_issuing_state varchar(3), birth_date date, visa_number varchar(20), "
            "port varchar(3), state varchar(3), departed_at timestamptz) ON COMMIT DELETE ROWS"
        )
    else:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (seq integer PRIMARY KEY, "
            "sender_record_id text, document_number text, document_issuing_state text, "
            "birth_date date, visa_number text, port text, state text, departed_at datetime)"
        )
    # Left over from an earlier manifest in the same transaction (tests, a batch).
    cursor.execute(f"DELETE FROM {STAGE}")  # noqa: S608 - our own table
    rows = []
    for seq, (rid, report) in enumerate(staged):
        fields = report.traveller.fields()
        rows.append(
            (
                seq,
                rid,
                fields["document_number"],
                fields["document_issuing_state"],
                fields["birth_date"],
                fields["visa_number"],
                report.port,
                port_state(report.port),
                report.departed_at,
            )
        )
    _copy(cursor, STAGE, STAGE_COLUMNS, rows)
    if connection.vendor == "postgresql":
        # A temporary table has no statistics; without them the join may scan admissions.
        cursor.execute(f"ANALYZE {STAGE}")


def _departure_row(
    report: DepartureReport,
    place: Placed,
    *,
    sender: str,
    record_id: str,
    actor: str,
    manifest: PaxlstManifest,
    now: dt.datetime,
) -> tuple[object, ...]:
    fields = report.traveller.fields()
    matched = place.outcome is MatchOutcome.MATCHED
    return (
        sender,
        record_id,
        now,
        actor,
        fields["document_number"],
        fields["document_issuing_state"],
        fields["birth_date"],
        fields["nationality"],
        fields["visa_number"],
        place.outcome.value,
        report.port,
        port_state(report.port),
        report.departed_at,
        report.departed_on,
        report.evidence.value,
        report.evidence.rank,
        True,  # a manifest is the carrier's evidence, never a traveller's upload
        place.admission_id if matched else None,
        place.on if matched else "",
        # The port is judged against the matched admission's visa (`placement.port_designated`).
        not matched or not place.ports or report.port in place.ports,
        manifest.pk,
    )


def _deciding_refresh(admission_ids: set[int]) -> None:
    """Set each admission's deciding departure: the highest ranked that counts, the first
    recorded of equals (`evidence.deciding`, as `intake.admission_refresh` applies it)."""
    if not admission_ids:
        return
    admission, departure = Admission._meta.db_table, Departure._meta.db_table
    ids = sorted(admission_ids)
    with connection.cursor() as cursor:
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {admission} SET deciding_departure_id = best.id FROM ("  # noqa: S608 - our tables
                "SELECT admission_id, id, ROW_NUMBER() OVER ("
                "PARTITION BY admission_id ORDER BY rank DESC, id) AS place "
                f"FROM {departure} WHERE accepted AND admission_id IN ({marks})"
                f") AS best WHERE best.place = 1 AND {admission}.id = best.admission_id",
                chunk,
            )


def _copy(cursor: Any, table: str, names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    columns = ", ".join(names)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(names))
    cursor.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - our tables and columns
        [tuple(_sqlite(value) for value in row) for row in rows],
    )


def _write(model: type[Model], names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        _copy(cursor, model._meta.db_table, names, rows)


def _sqlite(value: Any) -> Any:
    """A value as Django's SQLite backend stores it (naive UTC moments, ISO days)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def _unsaved(report: DepartureReport, *, sender: str, record_id: str) -> Departure:
    """A departure as `report` would be stored, to judge a repetition against."""
    return Departure(
        sender=sender,
        sender_record_id=record_id,
        received_at=clock.now(),
        **report.fields(),
    )


_CHUNK = 5000


def _tables() -> dict[str, str]:
    return {
        "stage": STAGE,
        "admission": Admission._meta.db_table,
        "renewal": DocumentRenewal._meta.db_table,
        "visa": Visa._meta.db_table,
        "case": Case._meta.db_table,
        "bond": Bond._meta.db_table,
    }


# One row per staged departure and candidate it keeps: the outcome, the admission (matched)
# or each candidate (ambiguous; none when unmatched), the matched admission's visa ports and
# bond number, and for a departure not matched whether a bond may be at stake
# (`placement.bond_at_stake`).
_MATCHING_SQL = """
WITH reached AS (
    SELECT s.seq, a.id AS admission_id
    FROM {stage} s JOIN {admission} a
      ON a.document_number = s.document_number
     AND a.document_issuing_state = s.document_issuing_state
     AND a.birth_date = s.birth_date
    WHERE a.state = s.state AND a.admitted_at <= s.departed_at
    UNION
    SELECT s.seq, a.id
    FROM {stage} s
    JOIN {renewal} r
      ON r.new_document_number = s.document_number
     AND r.new_document_issuing_state = s.document_issuing_state
    JOIN {admission} a ON a.id = r.admission_id AND a.birth_date = s.birth_date
    WHERE a.state = s.state AND a.admitted_at <= s.departed_at
    UNION
    SELECT s.seq, a.id
    FROM {stage} s JOIN {admission} a ON a.visa_number = s.visa_number
    WHERE s.visa_number <> '' AND a.state = s.state AND a.admitted_at <= s.departed_at
),
candidate AS (
    SELECT r.seq, a.id AS admission_id, a.admitted_at, a.visa_number
    FROM reached r JOIN {admission} a ON a.id = r.admission_id
),
-- The documents an admission may be closed by: its own and its renewals' (`documents_of`).
document AS (
    SELECT a.id AS admission_id, a.document_number AS number,
           a.document_issuing_state AS issuing_state, a.birth_date
    FROM {admission} a
    WHERE a.id IN (SELECT admission_id FROM reached)
      AND a.document_number <> '' AND a.birth_date IS NOT NULL
    UNION
    SELECT a.id, r.new_document_number, r.new_document_issuing_state, a.birth_date
    FROM {renewal} r JOIN {admission} a ON a.id = r.admission_id
    WHERE a.id IN (SELECT admission_id FROM reached)
      AND a.document_number <> '' AND a.birth_date IS NOT NULL
),
-- Of the candidates sharing a document or a visa, only the latest: an earlier stay was
-- closed by the later entry (`placement._supersedes`). The rule is pairwise over any
-- document the two share, not only the departure's, hence a join rather than a window.
kept AS (
    SELECT c.* FROM candidate c
    WHERE NOT EXISTS (
        SELECT 1 FROM candidate l
        WHERE l.seq = c.seq AND l.admission_id <> c.admission_id
          AND l.admitted_at > c.admitted_at
          AND ((l.visa_number <> '' AND l.visa_number = c.visa_number)
               OR EXISTS (
                   SELECT 1 FROM document dl JOIN document dc
                     ON dc.number = dl.number AND dc.issuing_state = dl.issuing_state
                    AND dc.birth_date = dl.birth_date
                   WHERE dl.admission_id = l.admission_id
                     AND dc.admission_id = c.admission_id))
    )
),
found AS (
    SELECT k.seq, k.admission_id,
           EXISTS (
               SELECT 1 FROM document d
               WHERE d.admission_id = k.admission_id AND d.number = s.document_number
                 AND d.issuing_state = s.document_issuing_state
                 AND d.birth_date = s.birth_date
           ) AS by_document,
           (s.visa_number <> '' AND k.visa_number = s.visa_number) AS by_visa
    FROM kept k JOIN {stage} s ON s.seq = k.seq
),
-- `matching.match_departure`: one candidate matches; of several, the one matched on both
-- the document and the visa, when it is the only such; otherwise ambiguous.
judged AS (
    SELECT seq, admission_id, by_document, by_visa,
           COUNT(*) OVER (PARTITION BY seq) AS candidates,
           SUM(CASE WHEN by_document AND by_visa THEN 1 ELSE 0 END)
               OVER (PARTITION BY seq) AS on_both
    FROM found
    WHERE by_document OR by_visa
),
placed AS (
    SELECT s.seq,
           CASE WHEN j.candidates IS NULL THEN 'unmatched'
                WHEN j.candidates = 1 OR j.on_both = 1 THEN 'matched'
                ELSE 'ambiguous' END AS outcome,
           j.admission_id,
           CASE WHEN j.by_document AND j.by_visa THEN 'document and visa'
                WHEN j.by_document THEN 'document'
                WHEN j.by_visa THEN 'visa' ELSE '' END AS matched_on
    FROM {stage} s LEFT JOIN judged j ON j.seq = s.seq
    WHERE j.candidates IS NULL OR j.candidates = 1 OR j.on_both <> 1
       OR (j.by_document AND j.by_visa)
)
SELECT p.seq, p.outcome, p.admission_id, p.matched_on, v.ports, b.number,
       CASE WHEN p.outcome = 'matched' THEN FALSE ELSE (
           (s.visa_number <> '' AND EXISTS (
               SELECT 1 FROM {visa} v2 JOIN {bond} b2 ON b2.case_id = v2.case_id
               WHERE v2.number = s.visa_number))
           OR (s.document_number <> '' AND EXISTS (
               SELECT 1 FROM {case} c JOIN {bond} b3 ON b3.case_id = c.id
               WHERE c.passport_number = s.document_number
                 AND c.passport_issuing_state = s.document_issuing_state
                 AND c.birth_date = s.birth_date))
           OR (s.document_number <> '' AND EXISTS (
               SELECT 1 FROM {renewal} r
               WHERE r.new_document_number = s.document_number
                 AND r.new_document_issuing_state = s.document_issuing_state
                 AND r.birth_date = s.birth_date
                 AND (EXISTS (SELECT 1 FROM {admission} a2
                              WHERE a2.id = r.admission_id AND a2.bond_id IS NOT NULL)
                      OR (r.birth_date IS NOT NULL AND EXISTS (
                          SELECT 1 FROM {case} c2 JOIN {bond} b4 ON b4.case_id = c2.id
                          WHERE c2.passport_number = r.document_number
                            AND c2.passport_issuing_state = r.document_issuing_state
                            AND c2.birth_date = r.birth_date)))))
       ) END AS bond_at_stake
FROM placed p
JOIN {stage} s ON s.seq = p.seq
LEFT JOIN {admission} a ON a.id = p.admission_id AND p.outcome = 'matched'
LEFT JOIN {visa} v ON v.id = a.visa_id
LEFT JOIN {bond} b ON b.id = a.bond_id
ORDER BY p.seq, p.admission_id
""".format(**_tables())  # noqa: S608 - our own tables
