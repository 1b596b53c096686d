"""The step every sum received goes through: recorded, matched, posted to the ledger, audited.

Used by the provider's webhook and by the cashier's receipt (`webhook_services`,
`services`). Nothing received is dropped: a sum that does not post its bond is still a
payment row and a `receipt_unapplied` posting, waiting for finance (`matching.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Subquery

from visabond.audit.actors import Actor, actor_name, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState, movement_key
from visabond.bonds.models import Bond
from visabond.casework.models import Case, ConsularPost
from visabond.casework.services import case_bond_paid
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.money import Money
from visabond.core.references import new_reference, normalise_reference
from visabond.core.writes import within_caller_transaction
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post
from visabond.payments.matching import BondAwaiting, Disposition, Matched, match_payment
from visabond.payments.models import Channel, Payment

# What a repeated payment id or receipt number must agree on to be the same payment.
SAME_FACTS = ("amount", "currency", "reference", "case_reference")


@dataclass(frozen=True)
class Received:
    """A sum as received: through which channel, under which id, from whom, naming what.

    `external_id` is the provider's payment id or the cashier's receipt number; `reference`
    is the bond number or case reference the payer named ("" for none); `received_at` the
    moment the money was received (aware UTC).
    """

    channel: Channel
    external_id: str
    paid: Money
    payer_name: str
    payer_email: str
    reference: str
    case_reference: str
    received_at: dt.datetime
    post: ConsularPost | None = None


@dataclass(frozen=True)
class Recorded:
    """The payment row, and whether this call created it (False: the same sum seen again)."""

    payment: Payment
    created: bool


def bond_named_locked(reference: str) -> Bond | None:
    """The bond a payer's reference names (its number, or its case's reference), row locked.

    A step: runs inside the caller's transaction, which keeps the lock until it ends, so
    two payments naming one bond are matched one after the other. None when the reference
    names no bond: money without a direction.
    """
    with within_caller_transaction("bond_named_locked"):
        named = normalise_reference(reference)
        if not named:
            return None
        # The case by its own index first: `number = X OR case.reference = X` across the join
        # made PostgreSQL scan every bond and case for each payment.
        named_case = Case.objects.filter(reference=named).values("pk")[:1]
        return (
            Bond.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(Q(number=named) | Q(case_id=Subquery(named_case)))
            .first()
        )


def payment_receive(
    received: Received,
    *,
    bond: Bond | None,
    actor: Actor,
    number: str = "",
    refuse_mismatch: bool = False,
    reference_field: str = "reference",
) -> Recorded:
    """Record one sum received, decide what it becomes (`matching.match_payment`), post it.

    A step: runs inside the caller's transaction, which has locked `bond`
    (`bond_named_locked`, or the cashier's case's bond). Applied: the bond is posted through
    `casework.services.case_bond_paid` (ledger `receipt_applied`); otherwise the sum is a
    `receipt_unapplied` posting, unapplied or quarantined for finance. `number` is the
    payment's number if the caller drew it (else one is drawn).

    Idempotent on the channel's id (per post for a cashier): the same id with the same
    amount, currency and references returns the first payment and writes nothing; with
    other facts it raises `Conflict` (`payment_id_reused` or `receipt_number_reused`, field
    `external_id`). With `refuse_mismatch` (a cashier takes only the directed sum) a sum that
    would not post its bond is refused instead: `InvalidInput` naming `amount` or `currency`,
    `Conflict` naming `reference_field`. Every refusal comes before the first write. Raises
    `IntegrityError` when another transaction recorded the same id meanwhile: the entry
    point runs again and finds it.
    """
    with within_caller_transaction("payment_receive"):
        existing = _existing(received)
        if existing is not None:
            refuse_other_facts(existing, received)
            return Recorded(existing, created=False)
        awaiting = None if bond is None else bond_awaiting(bond)
        matched = match_payment(
            received.paid, awaiting, named_case=normalise_reference(received.case_reference)
        )
        if refuse_mismatch and matched.disposition is not Disposition.APPLIED:
            raise _refusal(matched, reference_field)
        payment = payment_drawn(received, bond=bond, matched=matched, actor=actor, number=number)
        if matched.disposition is Disposition.APPLIED and bond is not None:
            payment.save(force_insert=True)
            case_bond_paid(bond=bond, actor=actor, from_unapplied=False, payment=payment.number)
        else:
            payment.save(force_insert=True)
            ledger_post(
                transfer(
                    TransactionKind.RECEIPT_UNAPPLIED, key=payment.ledger_key, amount=received.paid
                ),
                actor=actor,
                subject=payment.number,
                memo=f"payment {payment.number} {matched.disposition}: {matched.reason}",
            )
        audit_record(
            AuditAction.PAYMENT_RECEIVED,
            subject=payment,
            actor=actor,
            details=payment_details(payment),
        )
    return Recorded(payment, created=True)


def payment_drawn(
    received: Received, *, bond: Bond | None, matched: Matched, actor: Actor, number: str = ""
) -> Payment:
    """The payment row (not saved) recording `received` as `matched` decided, with its
    number (`number`, or a fresh one) and the key of the receipt's ledger posting: the bond's
    `post` movement when applied, the payment's own receipt otherwise."""
    payment = Payment(
        number=number or new_reference("P"),
        channel=received.channel,
        external_id=received.external_id,
        post=received.post,
        amount=received.paid.amount,
        currency=received.paid.currency,
        payer_name=received.payer_name,
        payer_email=received.payer_email,
        reference=normalise_reference(received.reference),
        case_reference=normalise_reference(received.case_reference),
        received_at=received.received_at,
        recorded_by_id=actor_user_id(actor),
        recorded_by_name=actor_name(actor),
        bond=bond,
        disposition=matched.disposition.value,
        reason=matched.reason,
    )
    if matched.disposition is Disposition.APPLIED and bond is not None:
        payment.ledger_key = movement_key(bond.number, BondEvent.POST)
    else:
        payment.ledger_key = f"payment:{payment.number}:receipt"
    return payment


def payment_details(payment: Payment) -> dict[str, object]:
    """What the audit trail keeps of a payment (no more of the payer than their name)."""
    return {
        "payment": payment.number,
        "channel": payment.channel,
        "external_id": payment.external_id,
        **payment.money.to_json(),
        "reference": payment.reference,
        "case_reference": payment.case_reference,
        "bond": None if payment.bond is None else payment.bond.number,
        "disposition": payment.disposition,
        "reason": payment.reason,
        "ledger_key": payment.ledger_key,
    }


def _existing(received: Received) -> Payment | None:
    payments = Payment.objects.select_related("bond").filter(
        channel=received.channel, external_id=received.external_id
    )
    if received.channel == Channel.CASHIER:
        payments = payments.filter(post=received.post)
    return payments.first()


def refuse_other_facts(existing: Payment, received: Received) -> None:
    """Nothing when `received` has the facts of the payment recorded under its id;
    `Conflict` (`payment_id_reused` or `receipt_number_reused`) naming those that differ."""
    asked = {
        "amount": received.paid.amount,
        "currency": received.paid.currency,
        "reference": normalise_reference(received.reference),
        "case_reference": normalise_reference(received.case_reference),
    }
    differing = [name for name in SAME_FACTS if getattr(existing, name) != asked[name]]
    if not differing:
        return
    cashier = received.channel == Channel.CASHIER
    what = "receipt number" if cashier else "payment id"
    raise Conflict(
        f"{what} {received.external_id} was recorded as payment {existing.number} with "
        f"another {' and '.join(differing)}: one id is one payment",
        code="receipt_number_reused" if cashier else "payment_id_reused",
        field="receipt_number" if cashier else "payment_id",
    )


def bond_awaiting(bond: Bond) -> BondAwaiting:
    """What `matching.match_payment` needs of a bond (its case already loaded)."""
    return BondAwaiting(
        number=bond.number,
        state=BondState(bond.state),
        amount=bond.money,
        case_reference=bond.case.reference,
    )


def _refusal(matched: Matched, reference_field: str) -> InvalidInput | Conflict:
    if matched.field in {"amount", "currency"}:
        return InvalidInput(matched.reason, code=matched.code, field=matched.field)
    field = reference_field if matched.field == "reference" else matched.field
    return Conflict(matched.reason, code=matched.code, field=field)
