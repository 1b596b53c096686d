"""Writes of money in at the post and in finance: a cashier's receipt, finance's decisions.

Entry points open their own durable transaction (docs/writes.md). The provider's signed
messages are `webhook_services`; the signing secrets `secret_services`.

- A cashier at a post records the money a payer hands over for one of the post's cases
  (`receipt_record`): only the directed amount in the bond's currency is taken, and the
  receipt number makes a second recording of the same receipt change nothing.
- A finance officer decides quarantined money (`payment_apply`, `payment_return`) and may
  return unapplied money as an exception to the program's rule, with a reason; a return is
  paid by a refund of the refunds part, which moves the money.

Every refusal of a signed-in person's request is kept as a `RefusedAttempt` and an audit
entry, written after the refused transaction rolled back (`attempt_refused_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from visabond.accounts.roles import Role, has_role
from visabond.audit.actors import Actor, actor_user, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.models import Bond
from visabond.casework.models import Case, ConsularPost
from visabond.casework.selectors import post_of
from visabond.casework.services import case_bond_paid
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VisabondError
from visabond.core.money import Money
from visabond.core.references import normalise_reference
from visabond.core.writes import entry_point_transaction
from visabond.payments.matching import (
    Disposition,
    FinanceDecision,
    finance_decision,
    match_payment,
)
from visabond.payments.models import Channel, Payment, RefusedAttempt
from visabond.payments.receipts import (
    Received,
    Recorded,
    bond_awaiting,
    payment_details,
    payment_receive,
)
from visabond.payments.refusals import attempt_keep
from visabond.refunds.bank_accounts import BankAccount
from visabond.refunds.models import Refund
from visabond.refunds.services import refund_payment_return

LONGEST_TEXT = 2000


@dataclass(frozen=True)
class Receipt:
    """What a cashier types: the receipt's number, the sum taken, the case it pays, the payer."""

    receipt_number: str
    paid: Money
    case_reference: str
    payer_name: str


def receipt_record(*, receipt: Receipt, actor: Actor) -> Recorded:
    """Record the money a cashier took at their post for one of its cases.

    An entry point. `receipt.case_reference` names the case by its reference or by its
    bond's number (the bond notice the payer holds); the payment records the case's
    reference either way. The cashier (`Role.CASHIER`, assigned to a post) acts on their
    post's cases only: any other case is `NotFound` (`case_not_found`), as if it did not
    exist. The sum must be exactly the directed bond's amount in its currency
    (`amount_mismatch`, `currency_mismatch`); a case with no bond awaiting payment is a
    `Conflict`. Idempotent on the receipt number at the post: the same receipt again
    returns the first payment (`created` False); the same number with another amount or
    case is a `Conflict` (`receipt_number_reused`). Every refusal changes nothing and is
    recorded.
    """
    try:
        post = _cashier_post(actor)
        number = _required(receipt.receipt_number, field="receipt_number", limit=100)
        payer = _required(receipt.payer_name, field="payer_name", limit=200)
        for attempt in range(2):
            try:
                with entry_point_transaction():
                    case = _case_at(post, receipt.case_reference)
                    bond = _bond_of_case_locked(case)
                    return payment_receive(
                        Received(
                            channel=Channel.CASHIER,
                            external_id=number,
                            paid=receipt.paid,
                            payer_name=payer,
                            payer_email="",
                            reference=case.reference,
                            case_reference=case.reference,
                            received_at=clock.now(),
                            post=post,
                        ),
                        bond=bond,
                        actor=actor,
                        refuse_mismatch=True,
                        reference_field="case_reference",
                    )
            except IntegrityError:
                # The same receipt recorded at once by another request: read it this time.
                if attempt:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover
    except VisabondError as refused:
        attempt_refused_record(
            channel=Channel.CASHIER,
            error=refused,
            external_id=receipt.receipt_number[:100],
            claimed={
                **receipt.paid.to_json(),
                "case_reference": receipt.case_reference[:40],
                "payer_name": receipt.payer_name[:200],
            },
            actor=actor,
        )
        raise


def payment_apply(
    *, payment_number: str, case_reference: str, reason: str, actor: Actor
) -> Payment:
    """Apply quarantined money to a case's directed bond (ledger `unapplied_applied`).

    An entry point for a finance officer. The payment must be quarantined
    (`finance_decision`); the case must have a bond awaiting payment of exactly the
    payment's amount and currency (`InvalidInput` naming `amount` or `currency`, `Conflict`
    naming the bond's state otherwise). The bond is posted through
    `casework.services.case_bond_paid` from unapplied receipts. Audited with the reason.
    """
    why = _required(reason, field="reason")
    _require_finance(actor)
    with entry_point_transaction():
        payment = _payment_locked(payment_number)
        finance_decision(Disposition(payment.disposition), FinanceDecision.APPLY)
        bond = _bond_of_case_locked(_case_any(case_reference))
        awaiting = None if bond is None else bond_awaiting(bond)
        matched = match_payment(payment.money, awaiting)
        if matched.disposition is not Disposition.APPLIED:
            error = InvalidInput if matched.field in {"amount", "currency"} else Conflict
            raise error(
                matched.reason,
                code=matched.code,
                field=matched.field if error is InvalidInput else "case_reference",
            )
        assert bond is not None
        case_bond_paid(bond=bond, actor=actor, from_unapplied=True, payment=payment.number)
        payment.bond = bond
        _decided(payment, Disposition.APPLIED, why, actor)
        audit_record(
            AuditAction.PAYMENT_APPLIED,
            subject=payment,
            actor=actor,
            details={**payment_details(payment), "decision_reason": why},
        )
    return payment


@dataclass(frozen=True)
class Returned:
    """A payment finance returned, the refund that pays it back, and whether the return was
    an exception to the program's rule (money paid without a direction)."""

    payment: Payment
    refund: Refund
    exception: bool


def payment_return(
    *,
    payment_number: str,
    payee: BankAccount,
    reason: str,
    actor: Actor,
    exception: bool = False,
) -> Returned:
    """Return quarantined money to its payer, or unapplied money as a recorded exception.

    An entry point for a finance officer. `payee` is the payer's account, checked by
    `refunds.bank_accounts.bank_account` (whose `InvalidInput` names the field typed
    wrong). The money moves once, in the refunds part's step
    `refunds.services.refund_payment_return`: from unapplied receipts to refunds payable
    (ledger `unapplied_returned`), opening the refund the next batch pays to `payee`; it
    leaves the ledger when the bank confirms the transfer. Money paid without a direction is
    not returned (the program's rule) unless `exception` is set, with the reason
    (`Conflict` `unapplied_not_returned` otherwise); a payment already decided is a
    `Conflict` (`payment_disposition`). Audited with the reason and the payee's account.
    """
    why = _required(reason, field="reason")
    _require_finance(actor)
    with transaction.atomic(durable=True):
        payment = _payment_locked(payment_number)
        was = Disposition(payment.disposition)
        finance_decision(was, FinanceDecision.RETURN, exception=exception)
        refund = refund_payment_return(
            payment_reference=payment.number,
            amount=payment.money,
            payee=payee,
            reason=why,
            actor=actor,
        )
        payment.refund = refund
        _decided(payment, Disposition.RETURNED, why, actor)
        returned = Returned(payment=payment, refund=refund, exception=was is Disposition.UNAPPLIED)
        audit_record(
            AuditAction.PAYMENT_RETURNED,
            subject=payment,
            actor=actor,
            details={
                **payment_details(payment),
                "decision_reason": why,
                "exception": returned.exception,
                "was": was.value,
                "refund": refund.number,
                "payee": payee.to_json(),
            },
        )
    return returned


def attempt_refused_record(
    *,
    channel: Channel,
    error: VisabondError,
    actor: Actor | None = None,
    external_id: str = "",
    claimed: dict[str, Any] | None = None,
) -> RefusedAttempt:
    """Keep a refused request (`refusals.attempt_keep`) once its transaction rolled back.

    An entry point: its own durable transaction, so the refusal changes nothing else.
    """
    with entry_point_transaction():
        return attempt_keep(
            channel=channel, error=error, actor=actor, external_id=external_id, claimed=claimed
        )


# -- helpers --------------------------------------------------------------------------------


def _cashier_post(actor: Actor) -> ConsularPost:
    user = actor_user(actor)
    if user is None or not has_role(user, Role.CASHIER):
        raise PermissionDenied("this needs the role of cashier", code="role_required")
    post = post_of(user)
    if post is None:
        raise PermissionDenied(
            "a cashier records receipts at the post they are assigned to: none is assigned",
            code="post_not_assigned",
            field="post",
        )
    return post


def _require_finance(actor: Actor) -> None:
    user = actor_user(actor)
    if user is not None and not has_role(user, Role.FINANCE_OFFICER):
        raise PermissionDenied("this needs the role of finance officer", code="role_required")


def _case_at(post: ConsularPost, reference: str) -> Case:
    # A payer at the counter holds the bond notice, which names the bond number first.
    named = normalise_reference(reference)
    case = Case.objects.filter(Q(reference=named) | Q(bond__number=named), post=post).first()
    if case is None:
        raise NotFound(
            f"there is no case or bond {reference} at {post.name}",
            code="case_not_found",
            field="case_reference",
        )
    return case


def _case_any(reference: str) -> Case:
    case = Case.objects.filter(reference=normalise_reference(reference)).first()
    if case is None:
        raise NotFound(
            f"there is no case {reference}", code="case_not_found", field="case_reference"
        )
    return case


def _bond_of_case_locked(case: Case) -> Bond | None:
    bond = Bond.objects.select_for_update(of=("self",)).filter(case=case).first()
    if bond is not None:
        bond.case = case
    return bond


def _payment_locked(number: str) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("bond")
        .filter(number=normalise_reference(number))
        .first()
    )
    if payment is None:
        raise NotFound(f"there is no payment {number}", code="payment_not_found", field="number")
    return payment


def _decided(payment: Payment, disposition: Disposition, why: str, actor: Actor) -> None:
    payment.disposition = disposition.value
    payment.decided_at = clock.now()
    payment.decided_by_id = actor_user_id(actor)
    payment.decision_reason = why
    payment.save(
        update_fields=[
            "bond",
            "refund",
            "disposition",
            "decided_at",
            "decided_by",
            "decision_reason",
        ]
    )


def _required(value: str, *, field: str, limit: int = LONGEST_TEXT) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"{field} is required", code="required", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{field} has at most {limit} characters", code="too_long", field=field)
    return text
