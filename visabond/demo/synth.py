"""`visabond synth`: realistic traffic written straight into the tables, at volume.

The stories come from `traffic.py` (plain Python, from a seed). Each is written as the rows
the entry points would have left had it been walked through them (`case_submit`,
`case_interview`, `case_decide`, a payment confirmed through `case_bond_paid`,
`case_issue_visa`, then the border's records: `admission_record`, `departure_record`,
`status_decision_record`, `document_renewal_record`, `manifest_ingest`), but in bulk: on
PostgreSQL by `COPY` (psycopg's copy), on SQLite by batched inserts, batch by batch, each
batch one transaction. The decisions those services take are taken by the same rules
(`case_rule_in_force`, `rules.interview_decision`, `rules.visa_terms`, `mrva_zone`,
`ledger.postings.transfer`, `bonds.lifecycle`, `evidence.EvidenceKind.rank`, the PAXLST
writer), so a synthesised bond is indistinguishable from one walked through them but in
three respects, all deliberate: its traveller has no account (no notices are sent), the
actor is the process `visabond synth`, and instead of an audit entry per decision there is
one entry summarising the generation (seed, sizes, rows written).

Identifiers are drawn from the seed, so the same seed on the same database writes the same
rows. Row ids are reserved in blocks from each table's sequence. Development only, like the
demo data (`demo_allowed`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models, transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState, movement_key
from visabond.bonds.models import Bond, BondEventRecord, BondTerms
from visabond.border.evidence import EvidenceKind
from visabond.border.models import (
    Admission,
    Departure,
    DocumentRenewal,
    PaxlstManifest,
    RefusedAdmission,
    StatusDecision,
)
from visabond.casework import rules
from visabond.casework.models import Case, CaseEvent, ConsularPost, Visa
from visabond.casework.rules import (
    AmountReason,
    BondChoice,
    CapturedRule,
    CaseState,
    Outcome,
)
from visabond.casework.selectors import case_rule_in_force
from visabond.core import clock
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.core.references import ALPHABET
from visabond.demo.bulk import Ids, Rows, insert, row
from visabond.demo.loader import demo_allowed
from visabond.demo.specimens import specimen_passport
from visabond.demo.synth_border import (
    ACTOR,
    admission_rows,
    departure_row,
    manifest_person,
    moment_at,
    refusal_row,
    story_fate,
    zone_of,
)
from visabond.demo.traffic import Post, Story, stories
from visabond.documents.mrz import VisaZoneData, mrva_zone
from visabond.documents.paxlst import (
    Call,
    Flight,
    Interchange,
    Manifest,
    write_paxlst,
)
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import TransactionKind, transfer
from visabond.policy.models import Program, RuleVersion

PROGRAM = "us-visa-bond-pilot"
BATCH = 20_000
# Carriers whose outbound manifests record departures: (IATA code, UNB sender, hub).
CARRIERS = (("ET", "ETHIOPIAN", "ADD"), ("AT", "RAM", "CMN"), ("KQ", "KQAPI", "NBO"))
FLIGHT_SEATS = 250


@dataclass
class Generated:
    """What a run wrote: rows by table, bonds by what the border reported of them."""

    seed: int
    travellers: int
    start: dt.date
    days: int
    rows: Counter[str] = field(default_factory=Counter)
    stories: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "travellers": self.travellers,
            "start": self.start.isoformat(),
            "days": self.days,
            "horizon": (self.start + dt.timedelta(days=self.days)).isoformat(),
            "rows": dict(sorted(self.rows.items())),
            "stories": dict(sorted(self.stories.items())),
        }


Progress = Callable[[int, int], None]


def synth_generate(
    *,
    travellers: int,
    start: dt.date,
    days: int,
    seed: int = 17,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> Generated:
    """Write `travellers` bonded travellers' stories applied for over `days` days from
    `start` (see the module), `batch` stories per transaction, and one audit entry.

    An entry point. `progress(done, total)` is called after each batch. Raises
    `InvalidInput`: outside a development installation (`demo_not_allowed`, field
    `settings`), for a count below 1 (`travellers`) or a span below 1 (`days`), when the
    registry or the posts are not seeded (`program`), or when no post's nationals need a
    bond on any day of the span (`start`).
    """
    demo_allowed()
    if travellers < 1:
        raise InvalidInput(
            "synthesise at least one traveller", code="too_small", field="travellers"
        )
    if days < 1:
        raise InvalidInput("the traffic spans at least one day", code="too_small", field="days")
    program = Program.objects.filter(code=PROGRAM).first()
    terms = BondTerms.objects.filter(program__code=PROGRAM).first()
    if program is None or terms is None:
        raise InvalidInput(
            f"the program {PROGRAM} and its posts are not loaded: run `visabond seed` first",
            code="program_not_found",
            field="program",
        )
    rules_at = _Rules(program)
    # Applications, and interviews up to a week after them.
    rules_at.prepare(start, start + dt.timedelta(days=days + 7))
    drawn = stories(
        travellers=travellers,
        start=start,
        days=days,
        seed=seed,
        posts_on=rules_at.posts_on,
        stay_days=rules_at.stay_days,
    )
    if not drawn:
        raise InvalidInput(
            f"no post's nationals need a bond between {start} and "
            f"{start + dt.timedelta(days=days)}: choose days the pilot is in force",
            code="no_bond_required",
            field="start",
        )
    generated = Generated(seed=seed, travellers=len(drawn), start=start, days=days)
    writer = _Writer(seed=seed, program=program, terms=terms, rules_at=rules_at)
    for first in range(0, len(drawn), batch):
        with transaction.atomic(durable=True):
            rows = writer.rows_of(drawn[first : first + batch], generated)
            generated.rows.update(insert(rows, order=ORDER))
        if progress is not None:
            progress(min(first + batch, len(drawn)), len(drawn))
    with transaction.atomic(durable=True):
        audit_record(
            AuditAction.SYNTH_GENERATED, subject=program, actor=ACTOR, details=generated.to_json()
        )
    return generated


def _same(one: CapturedRule, other: CapturedRule) -> bool:
    return replace(one, decided_on=other.decided_on) == other


class _Rules:
    """The rule in force at each post on each day, as a decision then would capture it."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.posts = {
            p.code: p for p in ConsularPost.objects.filter(programs=program).order_by("code")
        }
        self._spans: dict[str, list[tuple[dt.date, dt.date, CapturedRule]]] = {}
        self._days: dict[tuple[str, dt.date], CapturedRule] = {}
        self._json: dict[int, str] = {}
        self._versions: dict[tuple[int | None, int | None], int | None] = {}
        self.stay_days = 30

    def captured(self, post: str, on: dt.date) -> CapturedRule:
        """The rule a decision at `post` on `on` captures (`case_rule_in_force`).

        The registry is asked at the ends of each post's span and, where the answers
        differ, halfway, until each change is pinned to its day: a few dozen lookups per
        post rather than one per day. (A change undone within a span whose ends agree
        would go unseen; the real timeline has none.)
        """
        key = (post, on)
        if key in self._days:
            return self._days[key]
        spans = self._spans.setdefault(post, [])
        found = next((rule for first, last, rule in spans if first <= on <= last), None)
        if found is None:
            found = self._lookup(post, on)
            spans.append((on, on, found))
        self._days[key] = replace(found, decided_on=on)
        self._json[id(self._days[key])] = json.dumps(self._days[key].to_json())
        return self._days[key]

    def captured_json(self, rule: CapturedRule) -> str:
        """`rule.to_json()` as stored on the case, written once per post and day."""
        return self._json[id(rule)]

    def prepare(self, first: dt.date, last: dt.date) -> None:
        """Find every post's rule for each day from `first` to `last` (see `captured`)."""
        for post in self.posts:
            low, high = self._lookup(post, first), self._lookup(post, last)
            self._spans[post] = self._split(post, first, low, last, high)

    def _split(
        self, post: str, first: dt.date, low: CapturedRule, last: dt.date, high: CapturedRule
    ) -> list[tuple[dt.date, dt.date, CapturedRule]]:
        if _same(low, high):
            return [(first, last, low)]
        if (last - first).days <= 1:
            return [(first, first, low), (last, last, high)]
        middle = first + (last - first) / 2
        rule = self._lookup(post, middle)
        return [
            *self._split(post, first, low, middle, rule),
            *self._split(post, middle, rule, last, high),
        ]

    def _lookup(self, post: str, on: dt.date) -> CapturedRule:
        case = Case(post=self.posts[post], program=self.program, visa_class="B1/B2")
        case.nationality = self.posts[post].country
        zone = zoneinfo.ZoneInfo(self.posts[post].time_zone)
        moment = dt.datetime.combine(on, dt.time(10), tzinfo=zone)
        with clock.frozen(moment.astimezone(dt.UTC)):
            return case_rule_in_force(case)

    def version_pk(self, captured: CapturedRule) -> int | None:
        key = (captured.rule_id, captured.version)
        if captured.rule_id is None or captured.version is None:
            return None
        if key not in self._versions:
            self._versions[key] = (
                RuleVersion.objects.filter(rule_id=captured.rule_id, version=captured.version)
                .values_list("pk", flat=True)
                .first()
            )
        return self._versions[key]

    def posts_on(self, day: dt.date) -> Sequence[Post]:
        """The posts whose nationals need a bond on `day` and a week later (the interview)."""
        return [
            Post(code=p.code, country=p.country, time_zone=p.time_zone)
            for p in self.posts.values()
            if self._bonded(p.code, day) and self._bonded(p.code, day + dt.timedelta(days=7))
        ]

    def _bonded(self, post: str, on: dt.date) -> bool:
        rule = self.captured(post, on)
        return rule.bond_required and not rule.issuance_suspended


class _Writer:
    """Turns stories into rows, with ids reserved from each table and references drawn from
    the seed (unique among themselves and the rows already there)."""

    def __init__(self, *, seed: int, program: Program, terms: BondTerms, rules_at: _Rules) -> None:
        self.rng = random.Random(f"{seed}:references")  # noqa: S311 - reproducible, not a secret
        self.seed = seed
        self.program = program
        self.terms = terms
        self.rules_at = rules_at
        self.taken: dict[str, set[str]] = {
            "C": set(Case.objects.values_list("reference", flat=True)),
            "B": set(Bond.objects.values_list("number", flat=True)),
            "V": set(Visa.objects.values_list("number", flat=True)),
        }
        self.decisions: dict[tuple[int, str], rules.Decision] = {}
        # A sender numbers its interchanges once each (UNB 0020): a manifest's key with
        # `manifest_once_per_interchange`. Nine random digits alone repeat within a
        # sender's tens of thousands of manifests (the birthday bound) at a million travellers.
        self.interchanges: set[tuple[str, str]] = set(
            PaxlstManifest.objects.values_list("sender", "control_reference")
        )

    def reference(self, prefix: str, *, groups: int = 2, size: int = 4) -> str:
        """A reference like `new_reference`'s, drawn from the seed, never one taken."""
        while True:
            parts = ["".join(self.rng.choice(ALPHABET) for _ in range(size)) for _ in range(groups)]
            text = "-".join([prefix, *parts]) if groups > 1 else prefix + parts[0]
            if text not in self.taken[prefix]:
                self.taken[prefix].add(text)
                return text

    def rows_of(self, batch: Sequence[Story], generated: Generated) -> Rows:
        ids = Ids(
            {
                Case: len(batch),
                Bond: len(batch),
                Visa: len(batch),
                LedgerTransaction: len(batch),
                CaseEvent: 5 * len(batch),
                BondEventRecord: 3 * len(batch),
                LedgerEntry: 2 * len(batch),
                Admission: len(batch),
                Departure: len(batch),
            }
        )
        rows: Rows = defaultdict(list)
        manifested: list[tuple[Story, str, int, int]] = []
        for story in batch:
            bond_id, visa_id, visa_number, key = self._casework(story, ids, rows)
            generated.stories[story_fate(story)] += 1
            if story.arrives_on is None:
                continue
            if story.refused_at_port:
                refusal_row(story, key, bond_id=bond_id, visa_id=visa_id, rows=rows, ids=ids)
                continue
            admission_id = ids.next(Admission)
            departure_id = ids.next(Departure) if story.exit is not None else None
            admission_rows(
                story, key, admission_id, departure_id, bond_id, visa_id, visa_number, rows, ids
            )
            if story.exit is not None and departure_id is not None:
                if story.exit.evidence is EvidenceKind.OUTBOUND_MANIFEST:
                    manifested.append((story, key, departure_id, admission_id))
                else:
                    departure_row(
                        story, key, departure_id, admission_id, rows, sender="", record=""
                    )
        self._manifests(manifested, rows, ids)
        return rows

    def _casework(self, story: Story, ids: Ids, rows: Rows) -> tuple[int, int, str, str]:
        post = self.rules_at.posts[story.post.code]
        zone = zone_of(post.time_zone)
        captured = self.rules_at.captured(post.code, story.interviewed_on)
        amount = Money.of(story.amount, "USD")
        decision = self._decision(captured, amount, story.amount_reason)
        case_id, bond_id, visa_id = ids.next(Case), ids.next(Bond), ids.next(Visa)
        reference = self.reference("C")
        bond_number = self.reference("B")
        visa_number = self.reference("V", groups=1, size=8)
        payment = f"SYN-{bond_number}"
        submitted = moment_at(story.applied_on, dt.time(9), zone)
        decided = moment_at(story.interviewed_on, dt.time(10, 30), zone)
        paid = moment_at(story.paid_on, dt.time(14), zone)
        issued = moment_at(story.issued_on, dt.time(11), zone)
        deadline = rules.payment_deadline(
            story.interviewed_on, payment_days=self.terms.payment_days
        )
        visa_terms = rules.visa_terms(
            captured, issued_on=story.issued_on, bond=amount, bond_form=self.terms.bond_form
        )
        passport_lines = specimen_passport(
            surname=story.surname,
            given_names=story.given_names,
            number=story.passport,
            nationality=story.post.country,
            birth=story.birth_date,
            sex=story.sex,
            expiry=story.issued_on + dt.timedelta(days=5 * 365),
        ).splitlines()
        rows[Case].append(
            row(
                Case,
                id=case_id,
                reference=reference,
                applicant_id=None,
                post_id=post.pk,
                program_id=self.program.pk,
                visa_class="B1/B2",
                state=CaseState.ISSUED.value,
                surname=story.surname,
                given_names=story.given_names,
                nationality=story.post.country,
                birth_date=story.birth_date,
                sex=story.sex,
                passport_number=story.passport,
                passport_issuing_state=story.post.country,
                passport_expiry=story.issued_on + dt.timedelta(days=5 * 365),
                passport_mrz=json.dumps(passport_lines),
                purpose="Business and tourism (synthetic traffic)",
                intended_arrival=story.issued_on + dt.timedelta(days=14),
                intended_departure=story.issued_on + dt.timedelta(days=28),
                submitted_at=submitted,
                rule_version_id=self.rules_at.version_pk(captured),
                captured_rule=self.rules_at.captured_json(captured),
                outcome=decision.outcome.value,
                amount_reason=decision.reason.value if decision.reason else "",
                waiver_ground="",
                decision_explanation=decision.explanation,
                decided_at=decided,
                decided_by_id=None,
            )
        )
        steps = (
            ("", CaseState.SUBMITTED, submitted, "application"),
            (CaseState.SUBMITTED, CaseState.INTERVIEWED, decided, "interviewed"),
            (CaseState.INTERVIEWED, CaseState.BOND_DIRECTED, decided, decision.explanation),
            (CaseState.BOND_DIRECTED, CaseState.BOND_POSTED, paid, f"bond paid ({payment})"),
            (CaseState.BOND_POSTED, CaseState.ISSUED, issued, f"visa {visa_number} issued"),
        )
        for before, after, moment, reason in steps:
            rows[CaseEvent].append(
                row(
                    CaseEvent,
                    id=ids.next(CaseEvent),
                    case_id=case_id,
                    before=str(before),
                    after=after.value,
                    occurred_at=moment,
                    actor_id=None,
                    actor_name=ACTOR,
                    reason=reason,
                )
            )
        rows[Bond].append(
            row(
                Bond,
                id=bond_id,
                number=bond_number,
                case_id=case_id,
                obligor_id=None,
                obligor_name=f"{story.given_names} {story.surname}",
                amount=amount.amount,
                currency=amount.currency,
                state=BondState.ACTIVE.value,
                directed_at=decided,
                payment_deadline=deadline,
                state_changed_at=issued,
                cancel_reason="",
                adjudication_reference="",
            )
        )
        posting = transfer(
            TransactionKind.RECEIPT_APPLIED,
            key=movement_key(bond_number, BondEvent.POST),
            amount=amount,
        )
        transaction_id = ids.next(LedgerTransaction)
        rows[LedgerTransaction].append(
            row(
                LedgerTransaction,
                id=transaction_id,
                key=posting.key,
                kind=posting.kind.value,
                bond_id=bond_id,
                reverses_id=None,
                memo=f"{BondEvent.POST} of bond {bond_number}: payment {payment}"[:300],
                actor_name=ACTOR,
                posted_at=paid,
            )
        )
        for line in posting.lines:
            rows[LedgerEntry].append(
                row(
                    LedgerEntry,
                    id=ids.next(LedgerEntry),
                    transaction_id=transaction_id,
                    account=line.account.value,
                    side=line.side.value,
                    amount=line.amount.amount,
                    currency=line.amount.currency,
                )
            )
        events = (
            ("direct", "", BondState.DIRECTED, decided, f"directed for {amount}; pay by {deadline.isoformat()}", None),
            (BondEvent.POST, BondState.DIRECTED, BondState.POSTED, paid, f"payment {payment}", transaction_id),
            (BondEvent.ACTIVATE, BondState.POSTED, BondState.ACTIVE, issued, "visa issued", None),
        )  # fmt: skip
        for event, before, after, moment, reason, posted in events:  # type: ignore[assignment]
            rows[BondEventRecord].append(
                row(
                    BondEventRecord,
                    id=ids.next(BondEventRecord),
                    bond_id=bond_id,
                    event=str(event),
                    before=str(before),
                    after=after.value,
                    occurred_at=moment,
                    actor_id=None,
                    actor_name=ACTOR,
                    reason=reason,
                    reference="",
                    transaction_id=posted,
                )
            )
        line1, line2 = mrva_zone(
            VisaZoneData(
                issuing_state=self.program.issuer,
                document_number=visa_number,
                surname=story.surname,
                given_names=story.given_names,
                nationality=story.post.country,
                birth_date=story.birth_date,
                sex=story.sex,
                expiry_date=visa_terms.valid_until,
                optional_data=bond_number.replace("-", ""),
            )
        )
        rows[Visa].append(
            row(
                Visa,
                id=visa_id,
                number=visa_number,
                case_id=case_id,
                visa_class="B1/B2",
                valid_from=visa_terms.valid_from,
                valid_until=visa_terms.valid_until,
                entries=visa_terms.entries,
                max_stay_days=visa_terms.max_stay_days,
                ports=json.dumps(list(visa_terms.ports)),
                annotation=visa_terms.annotation(),
                mrz_line1=line1,
                mrz_line2=line2,
                issued_at=issued,
                issued_by_id=None,
            )
        )
        return bond_id, visa_id, visa_number, bond_number

    def _decision(self, captured: CapturedRule, amount: Money, reason: str) -> rules.Decision:
        key = (id(captured), f"{amount}:{reason}")
        if key not in self.decisions:
            choice = BondChoice(
                amount=amount,
                reason=AmountReason(reason),
                explanation=f"{reason.replace('_', ' ')} bond (synthetic traffic)",
            )
            self.decisions[key] = rules.interview_decision(captured, Outcome.DIRECT_BOND, choice)
        return self.decisions[key]

    def _manifests(
        self, manifested: list[tuple[Story, str, int, int]], rows: Rows, ids: Ids
    ) -> None:
        """The outbound manifests carrying the batch's manifest departures: one per flight
        (day, port, time), at most `FLIGHT_SEATS` passengers, as `manifest_ingest` keeps them."""
        flights: dict[tuple[dt.date, str, dt.time], list[tuple[Story, str, int, int]]] = {}
        for item in manifested:
            leaving = item[0].exit
            assert leaving is not None
            flights.setdefault((leaving.on, leaving.port, leaving.time), []).append(item)
        for (day, port, time), passengers in sorted(flights.items()):
            for first in range(0, len(passengers), FLIGHT_SEATS):
                self._manifest(day, port, time, passengers[first : first + FLIGHT_SEATS], rows, ids)

    def _manifest(
        self,
        day: dt.date,
        port: str,
        time: dt.time,
        passengers: list[tuple[Story, str, int, int]],
        rows: Rows,
        ids: Ids,
    ) -> None:
        carrier, sender, hub = CARRIERS[self.rng.randrange(len(CARRIERS))]
        departs = dt.datetime.combine(day, time)
        reference = f"{self.rng.randrange(10**9):09d}"
        while (sender, reference) in self.interchanges:
            reference = f"{self.rng.randrange(10**9):09d}"
        self.interchanges.add((sender, reference))
        manifest = Manifest(
            message_reference="1",
            version="D05B",
            document_code="745",
            flights=(
                Flight(
                    number=str(self.rng.randint(100, 999)),
                    carrier=carrier,
                    calls=(
                        Call("125", port, "189", departs),
                        Call("87", hub, "232", departs + dt.timedelta(hours=14)),
                    ),
                ),
            ),
            persons=tuple(manifest_person(story) for story, *_ in passengers),
            interchange=Interchange(
                syntax_identifier="UNOC",
                sender=sender,
                recipient="USCBPAPIS",
                prepared=departs - dt.timedelta(hours=2),
                control_reference=reference,
            ),
        )
        raw = write_paxlst(manifest)
        digest = hashlib.sha256(raw).hexdigest()
        manifest_id = ids.next(PaxlstManifest)
        moment = moment_at(day, time, zone_of(port))
        flight = manifest.flights[0]
        rows[PaxlstManifest].append(
            row(
                PaxlstManifest,
                id=manifest_id,
                sender=sender,
                control_reference=reference,
                digest=digest,
                raw=raw,
                source=f"synth {self.seed}",
                received_at=moment,
                received_by=ACTOR,
                state=PaxlstManifest.State.PROCESSED.value,
                error_code="",
                error_field="",
                error_message="",
                flights=f"{flight.carrier} {flight.number}",
                passengers=len(passengers),
                recorded=len(passengers),
                others=0,
                unidentified=0,
                departures=len(passengers),
                arrivals=0,
                processed_at=moment,
                attempts=1,
                accepted_defects="[]",
                accepted_reason="",
                client_id=None,
                series_id=None,
                part_numbers="[]",
                final_part=None,
                assembled=False,
            )
        )
        for index, (story, key, departure_id, admission_id) in enumerate(passengers):
            departure_row(
                story,
                key,
                departure_id,
                admission_id,
                rows,
                sender=f"paxlst:{sender}",
                record=f"{digest[:16]}/{manifest.message_reference}/{index}/{port}",
                manifest_id=manifest_id,
            )


# Tables in an order that satisfies their foreign keys.
ORDER: tuple[type[models.Model], ...] = (
    Case,
    CaseEvent,
    Bond,
    LedgerTransaction,
    LedgerEntry,
    BondEventRecord,
    Visa,
    PaxlstManifest,
    RefusedAdmission,
    Admission,
    Departure,
    StatusDecision,
    DocumentRenewal,
)
