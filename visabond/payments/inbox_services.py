"""The provider's inbox: confirmations kept when they arrive, then applied in batches, set-based.

The webhook endpoint (`webhook_services.webhook_receive`) answers fast and applies after
(the Standard Webhooks recommendation): it keeps a signed, readable message as a `pending`
`WebhookDelivery` and commits, then applies every pending message it can claim, its own
included (`webhook_inbox_apply`), so a single delivery is applied before its answer and,
under load, one request applies many. `visabond payments apply` catches up on what is left.

A batch is one transaction whose statements do not grow with its size:

- the pending messages are claimed, oldest first (`SELECT ... FOR UPDATE SKIP LOCKED` on
  PostgreSQL: two appliers never claim one message, and neither waits for the other);
- the payment ids already recorded are read in one query, and the bonds the messages name
  locked with their cases in one (`FOR UPDATE OF` both, in the order of the bonds' ids, as
  every applier locks them, so appliers do not deadlock on one another);
- each message is then matched in memory, in the order it arrived, exactly as one message
  alone is (`matching.match_payment`: a second payment for a bond the batch has just posted
  finds it posted and is quarantined), with the same keys and accounts as `ledger_post`;
- payments, ledger transactions and entries, bond and case states and events, the messages'
  answers are written by one bulk statement each; the audit entries are chained at commit
  in one multi-row insert (`entry_point_transaction`), and the payment notices are rendered,
  sent and recorded together once the batch commits.

A batch that fails is rolled back whole and its messages applied one at a time; a message
that fails alone stays pending with its error (`apply_error`) for `visabond payments apply`
and a finance officer, never dropped. SQLite has no row locks, nor SKIP LOCKED: there every
transaction starts with `BEGIN IMMEDIATE` (settings), which takes the database's single
write lock at once, so appliers and receivers run one after the other and a message is
claimed by one applier only, the next finding it applied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Q, Subquery

from visabond.audit.actors import Actor, actor_name, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState, transition
from visabond.bonds.models import Bond, BondEventRecord
from visabond.casework.models import Case, CaseEvent
from visabond.casework.rules import CaseState, case_transition
from visabond.core import clock
from visabond.core.bulk_insert import rows_insert
from visabond.core.countries import country
from visabond.core.errors import InvalidInput, VisabondError
from visabond.core.references import normalise_reference
from visabond.core.writes import entry_point_transaction
from visabond.ledger.models import LedgerEntry, LedgerTransaction
from visabond.ledger.postings import TransactionKind, posting_details, transfer
from visabond.notices.services import Notice, notices_send_many
from visabond.payments.answers import Answer, answer_applied
from visabond.payments.matching import Disposition, match_payment
from visabond.payments.models import Channel, DeliveryState, Payment, WebhookDelivery
from visabond.payments.receipts import (
    Received,
    bond_awaiting,
    payment_details,
    payment_drawn,
    refuse_other_facts,
)
from visabond.payments.refusals import attempt_keep
from visabond.payments.schemas import confirmation_read

PROVIDER: Actor = "payment provider"
BATCH = 200  # messages a batch claims at most: one transaction, its locks held until commit
# The applier's turn (a PostgreSQL advisory lock, held by a batch's transaction): the
# follow-mode applier and the catch-up wait for it; a request only tries it, never waits.
APPLIER_LOCK = 1_600_016
Turn = Literal["wait", "try", "none"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboxRun:
    """What one run of the applier did: the answer of each message it applied, by the
    message's row id, and the webhook ids of those whose application failed (kept pending)."""

    answers: dict[int, Answer] = field(default_factory=dict)
    failed: tuple[str, ...] = ()
    busy: bool = False  # another applier had the turn: nothing was claimed


def webhook_inbox_apply(
    *,
    limit: int = BATCH,
    retry_failed: bool = False,
    actor: Actor = PROVIDER,
    turn: Turn = "wait",
) -> InboxRun:
    """Claim up to `limit` pending messages, oldest first, and apply them in one batch.

    An entry point. Messages another applier holds are passed over (it applies them);
    messages whose application failed before are claimed only with `retry_failed` (the
    catch-up command), so one bad message does not slow every request. When the batch
    fails, its messages are applied one at a time, and one that fails alone keeps its error,
    pending. Each message applied becomes what it would have become alone: a payment
    (applied, unapplied or quarantined: `matching.py`), the same payment again (its payment
    id seen with the same facts), or a refusal (its payment id seen with other facts:
    `payment_id_reused`, kept as a `RefusedAttempt` and audited).

    On PostgreSQL a batch first takes the applier's turn (`APPLIER_LOCK`, released at its
    commit): `turn` "wait" waits for it (the follow-mode applier, the catch-up); "try" (a
    request while a follow-mode applier runs) only tries it, returning at once with `busy`
    when another applier has it; "none" (a request with no follow-mode applier) claims
    beside any other applier, each passing over what another holds. SQLite serialises
    writers anyway.
    """
    claimed: list[WebhookDelivery] = []
    try:
        with entry_point_transaction():
            if not _turn_taken(turn):
                return InboxRun(busy=True)
            claimed = _claimed(limit=limit, retry_failed=retry_failed)
            return InboxRun(answers=_applied(claimed, actor=actor))
    except Exception:
        if not claimed:
            raise
        logger.exception("a batch of %d webhook messages failed: applying one by one", len(claimed))
    answers: dict[int, Answer] = {}
    failed: list[str] = []
    for delivery in claimed:
        try:
            with entry_point_transaction():
                if not _turn_taken(turn):
                    continue  # another applier has the turn now: it stays pending for it
                answers.update(_applied(_claimed(limit=1, pk=delivery.pk), actor=actor))
        except Exception as error:
            # Kept with its error, pending: for the catch-up command and a finance officer.
            logger.exception("webhook message %s failed to apply", delivery.webhook_id)
            _failure_keep(delivery.pk, error)
            failed.append(delivery.webhook_id)
    return InboxRun(answers=answers, failed=tuple(failed))


def _turn_taken(turn: Turn) -> bool:
    """Take the applier's turn for the caller's transaction (PostgreSQL); whether it got it."""
    if turn == "none" or connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if turn == "wait":
            cursor.execute("SELECT pg_advisory_xact_lock(%s), true", [APPLIER_LOCK])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [APPLIER_LOCK])
        row = cursor.fetchone()
    return bool(row[-1])


def _claimed(
    *, limit: int, retry_failed: bool = True, pk: int | None = None
) -> list[WebhookDelivery]:
    pending = WebhookDelivery.objects.select_for_update(of=("self",), skip_locked=True).filter(
        state=DeliveryState.PENDING
    )
    if pk is not None:
        pending = pending.filter(pk=pk)
    elif not retry_failed:
        pending = pending.filter(apply_error="")
    return list(pending.order_by("pk")[:limit])


def _failure_keep(pk: int, error: BaseException) -> None:
    with transaction.atomic(durable=True):
        WebhookDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING).update(
            apply_error=f"{type(error).__name__}: {error}"[:2000],
            apply_failed_at=clock.now(),
        )


def _applied(claimed: Sequence[WebhookDelivery], *, actor: Actor) -> dict[int, Answer]:
    """Apply the claimed messages inside the caller's transaction; their answers by row id."""
    if not claimed:
        return {}
    batch = _Batch(actor=actor)
    readable: list[tuple[WebhookDelivery, Received]] = []
    for delivery in claimed:
        try:
            readable.append((delivery, confirmation_read(bytes(delivery.body))))
        except InvalidInput as unreadable:
            batch.unreadable(delivery, unreadable)
    batch.load([received for _, received in readable])
    for delivery, received in readable:
        batch.add(delivery, received)
    return batch.write()


COPY_FROM = 20  # rows: fewer go in one INSERT (one round trip), more by COPY (two, less CPU)


def _inserted(rows: Sequence[Any]) -> None:
    """New rows of one model: by `rows_insert` (COPY) for a large batch, where the CPU it
    saves pays for its extra round trip, by one INSERT for a small one (a lone delivery)."""
    if len(rows) >= COPY_FROM:
        rows_insert(rows)
    elif rows:
        type(rows[0])._default_manager.bulk_create(rows)


ANSWERED = ["state", "answer_status", "answer", "payment", "applied_at", "apply_error"]
ANSWERS_WRITE = """
UPDATE payments_webhookdelivery AS delivery
SET state = answered.state, answer_status = answered.answer_status,
    answer = answered.answer::jsonb, payment_id = answered.payment_id,
    applied_at = %s, apply_error = '', apply_failed_at = NULL
FROM unnest(%s::bigint[], %s::text[], %s::integer[], %s::text[], %s::bigint[])
    AS answered (id, state, answer_status, answer, payment_id)
WHERE delivery.id = answered.id
"""


def _answers_write(done: Sequence[WebhookDelivery], *, applied_at: Any) -> None:
    """The messages' states and answers, in one statement. On PostgreSQL as arrays joined
    by id: `bulk_update` builds a `CASE` per field and row, which cost more than the rest of
    the batch together (docs/performance.md, "Run D")."""
    if connection.vendor != "postgresql":
        WebhookDelivery.objects.bulk_update(done, [*ANSWERED, "apply_failed_at"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            ANSWERS_WRITE,
            [
                applied_at,
                [d.pk for d in done],
                [d.state for d in done],
                [d.answer_status for d in done],
                [json.dumps(d.answer) for d in done],
                [d.payment_id for d in done],
            ],
        )


@dataclass
class _Posted:
    """A payment that posts its bond: the bond, its case, and the states they leave."""

    payment: Payment
    bond: Bond
    case: Case
    bond_before: str
    case_before: str


@dataclass
class _Batch:
    actor: Actor
    now: Any = field(default_factory=clock.now)
    recorded: dict[str, Payment] = field(default_factory=dict)  # by the provider's payment id
    by_number: dict[str, Bond] = field(default_factory=dict)
    by_case: dict[str, Bond] = field(default_factory=dict)
    new: list[Payment] = field(default_factory=list)
    posted: dict[int, _Posted] = field(default_factory=dict)  # by payment number's position
    # Each message's outcome, in order, with the index in `new` of the payment it created.
    outcomes: list[tuple[WebhookDelivery, Payment | VisabondError, int | None]] = field(
        default_factory=list
    )
    quarantined: list[tuple[WebhookDelivery, InvalidInput]] = field(default_factory=list)

    def load(self, received: Sequence[Received]) -> None:
        """The payment ids recorded already, and the named bonds with their cases, locked."""
        ids = {r.external_id for r in received}
        self.recorded = {
            p.external_id: p
            for p in Payment.objects.select_related("bond").filter(
                channel=Channel.PROVIDER, external_id__in=ids
            )
        }
        named = {normalise_reference(r.reference) for r in received} - {""}
        if not named:
            return
        # Each through its own index (`number = X OR case.reference = X` across the join
        # scans every bond and case on PostgreSQL): the cases named, by a subquery.
        cases = Case.objects.filter(reference__in=named).values("pk")
        bonds = (
            Bond.objects.select_for_update(of=("self", "case"))
            .select_related("case__post", "case__program", "case__applicant")
            .filter(Q(number__in=named) | Q(case_id__in=Subquery(cases)))
            .order_by("pk")
        )
        for bond in bonds:
            self.by_number[bond.number] = bond
            self.by_case[bond.case.reference] = bond

    def unreadable(self, delivery: WebhookDelivery, error: InvalidInput) -> None:
        """Kept whole, quarantined, as when it arrived (a reader changed since it was kept)."""
        self.quarantined.append((delivery, error))

    def add(self, delivery: WebhookDelivery, received: Received) -> None:
        """Decide what one message becomes, in the order the messages arrived."""
        earlier = self.recorded.get(received.external_id)
        if earlier is not None:
            try:
                refuse_other_facts(earlier, received)
            except VisabondError as refused:
                self.outcomes.append((delivery, refused, None))
                return
            self.outcomes.append((delivery, earlier, None))
            return
        named = normalise_reference(received.reference)
        bond = (self.by_number.get(named) or self.by_case.get(named)) if named else None
        matched = match_payment(
            received.paid,
            None if bond is None else bond_awaiting(bond),
            named_case=normalise_reference(received.case_reference),
        )
        posts = matched.disposition is Disposition.APPLIED and bond is not None
        if posts:
            assert bond is not None
            try:
                # The same checks as `bond_event_apply` and the case's move, before any write.
                transition(BondState(bond.state), BondEvent.POST)
                case_transition(CaseState(bond.case.state), CaseState.BOND_POSTED)
            except VisabondError as refused:
                self.outcomes.append((delivery, refused, None))
                return
        payment = payment_drawn(received, bond=bond, matched=matched, actor=self.actor)
        self.recorded[received.external_id] = payment
        self.new.append(payment)
        if posts:
            assert bond is not None
            self.posted[len(self.new) - 1] = _Posted(
                payment, bond, bond.case, bond_before=bond.state, case_before=bond.case.state
            )
            # What the next message naming this bond is matched against.
            bond.state = BondState.POSTED
            bond.case.state = CaseState.BOND_POSTED
        self.outcomes.append((delivery, payment, len(self.new) - 1))

    def write(self) -> dict[int, Answer]:
        """Every row the batch decided, by one statement per table; its answers by row id."""
        _inserted(self.new)
        movements = self._ledger()
        self._bonds_and_cases(movements)
        answers = self._deliveries()
        self._audit(movements)
        self._notices()
        return answers

    def _ledger(self) -> list[tuple[LedgerTransaction, Any, str]]:
        """The receipts' postings, as `ledger_post` writes them (keys from `payment_drawn`).

        No look-up of the keys first: a bond's `post` key is free while the bond is
        directed (a bond is posted once: `lifecycle`), and a payment's receipt key holds its
        fresh number; the unique key refuses any other case and fails the batch.
        """
        name = actor_name(self.actor)
        movements = []
        for index, payment in enumerate(self.new):
            posted = self.posted.get(index)
            if posted is not None:
                kind, subject = TransactionKind.RECEIPT_APPLIED, posted.bond.number
                memo = f"{BondEvent.POST} of bond {subject}: payment {payment.number}"[:300]
            else:
                kind, subject = TransactionKind.RECEIPT_UNAPPLIED, payment.number
                memo = f"payment {payment.number} {payment.disposition}: {payment.reason}"
            planned = transfer(kind, key=payment.ledger_key, amount=payment.money)
            row = LedgerTransaction(
                key=planned.key,
                kind=kind.value,
                bond_id=None if posted is None else posted.bond.pk,
                memo=memo[:300],
                actor_name=name,
            )
            movements.append((row, planned, memo))
        _inserted([row for row, _, _ in movements])
        _inserted(
            [
                entry
                for row, planned, _ in movements
                for entry in LedgerEntry.for_transaction(row, planned)
            ]
        )
        return movements

    def _bonds_and_cases(self, movements: list[tuple[LedgerTransaction, Any, str]]) -> None:
        """Bonds `posted` and cases `bond_posted`, with their events (`case_bond_paid`)."""
        if not self.posted:
            return
        user_id, name = actor_user_id(self.actor), actor_name(self.actor)
        Bond.objects.filter(pk__in=[p.bond.pk for p in self.posted.values()]).update(
            state=BondState.POSTED.value, state_changed_at=self.now
        )
        for posted in self.posted.values():
            posted.bond.state_changed_at = self.now
        _inserted(
            [
                BondEventRecord(
                    bond=posted.bond,
                    event=BondEvent.POST.value,
                    before=posted.bond_before,
                    after=BondState.POSTED.value,
                    actor_id=user_id,
                    actor_name=name,
                    reason=f"payment {posted.payment.number}",
                    transaction=movements[index][0],
                )
                for index, posted in self.posted.items()
            ]
        )
        Case.objects.filter(pk__in=[p.case.pk for p in self.posted.values()]).update(
            state=CaseState.BOND_POSTED.value
        )
        _inserted(
            [
                CaseEvent(
                    case=posted.case,
                    before=posted.case_before,
                    after=CaseState.BOND_POSTED.value,
                    actor_id=user_id,
                    actor_name=name,
                    reason=f"bond paid ({posted.payment.number})",
                )
                for posted in self.posted.values()
            ]
        )

    def _deliveries(self) -> dict[int, Answer]:
        """Each message's state and answer, in one statement; refusals kept and audited."""
        answers: dict[int, Answer] = {}
        for delivery, outcome, _ in self.outcomes:
            if isinstance(outcome, Payment):
                answer = answer_applied(outcome)
                delivery.state, delivery.payment = DeliveryState.PROCESSED, outcome
            else:
                answer = Answer(outcome.http_status, outcome.as_dict())
                delivery.state = DeliveryState.REFUSED
            answers[delivery.pk] = answer
        for delivery, unreadable in self.quarantined:
            answer = Answer(unreadable.http_status, {**unreadable.as_dict(), "kept": True})
            delivery.state = DeliveryState.QUARANTINED
            answers[delivery.pk] = answer
        done = [d for d, _, _ in self.outcomes] + [d for d, _ in self.quarantined]
        for delivery in done:
            answer = answers[delivery.pk]
            delivery.answer_status, delivery.answer = answer.status, answer.body
            delivery.applied_at, delivery.apply_error, delivery.apply_failed_at = self.now, "", None
        _answers_write(done, applied_at=self.now)
        for delivery, unreadable in self.quarantined:
            audit_record(
                AuditAction.WEBHOOK_QUARANTINED,
                subject=delivery,
                actor=PROVIDER,
                details={
                    "webhook_id": delivery.webhook_id,
                    "sha256": delivery.body_sha256,
                    **unreadable.as_dict(),
                },
            )
        return answers

    def _audit(self, movements: list[tuple[LedgerTransaction, Any, str]]) -> None:
        """The entries each message alone makes, in the order of the messages: for a payment
        the posting, the bond's event, the payment; for a refusal the attempt kept. Chained
        at commit, in one insert."""
        for delivery, outcome, index in self.outcomes:
            if isinstance(outcome, VisabondError):
                attempt_keep(
                    channel=Channel.PROVIDER,
                    error=outcome,
                    actor=PROVIDER,
                    webhook_id=delivery.webhook_id,
                    body_sha256=delivery.body_sha256,
                    body_size=len(delivery.body),
                    remote_addr=delivery.remote_addr,
                )
            elif index is not None:
                self._audit_payment(outcome, *movements[index], self.posted.get(index))

    def _audit_payment(
        self,
        payment: Payment,
        row: LedgerTransaction,
        planned: Any,
        memo: str,
        posted: _Posted | None,
    ) -> None:
        subject = payment.number if posted is None else posted.bond.number
        audit_record(
            AuditAction.LEDGER_POSTED,
            subject=row,
            actor=self.actor,
            details=posting_details(planned, subject=subject, memo=memo),
        )
        if posted is not None:
            audit_record(
                AuditAction.BOND_EVENT,
                subject=posted.bond,
                actor=self.actor,
                details={
                    "bond": posted.bond.number,
                    "event": BondEvent.POST.value,
                    "before": posted.bond_before,
                    "after": BondState.POSTED.value,
                    "reason": f"payment {payment.number}",
                    "reference": "",
                    "ledger_key": row.key,
                },
            )
        audit_record(
            AuditAction.PAYMENT_RECEIVED,
            subject=payment,
            actor=self.actor,
            details=payment_details(payment),
        )

    def _notices(self) -> None:
        """The payment notices to the applicants whose bonds were posted, once committed."""
        notices = [
            (
                Notice.PAYMENT_RECEIVED,
                posted.case.applicant,
                {
                    "case_reference": posted.case.reference,
                    "post": posted.case.post.name,
                    "issuer": country(posted.case.program.issuer).name,
                    "bond_number": posted.bond.number,
                    "amount": str(posted.bond.money),
                },
            )
            for posted in self.posted.values()
            if posted.case.applicant is not None
        ]
        notices_send_many(notices)
