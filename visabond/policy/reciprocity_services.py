"""Writes of reciprocity: adopting directives, and deciding the reviews of mirrored rules.

The entry points (`directive_adopt`, `reciprocity_review_*`) each run in one durable
transaction and call the reciprocity reaction (`mirroring`) after their write, by name.
`directive_record` is the step that records a directive, for callers that compose it (the
seed loader).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.core.airports import airport_country
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.money import Money
from visabond.core.writes import within_caller_transaction
from visabond.policy import mirroring, reciprocity
from visabond.policy.decisions import Author, Source
from visabond.policy.models import (
    Program,
    ReciprocityDirective,
    ReciprocityReview,
    ReviewStatus,
)
from visabond.policy.rule_versions import require_reason, require_reason_and_sources
from visabond.policy.visa_classes import normalise_visa_class


def directive_adopt(
    *,
    program: Program,
    counterpart: str,
    visa_class_mapping: dict[str, str],
    port_mapping: dict[str, str],
    cap: Money | None,
    mode: reciprocity.Mode,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
) -> ReciprocityDirective:
    """Adopt a reciprocity directive; the counterpart's rules in force come up for mirroring.

    An entry point (one durable transaction). Refuses what `directive_record` refuses.
    """
    with transaction.atomic(durable=True):
        row = directive_record(
            program=program,
            counterpart=counterpart,
            visa_class_mapping=visa_class_mapping,
            port_mapping=port_mapping,
            cap=cap,
            mode=mode,
            effective_from=effective_from,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
        )
        mirroring.directive_sources_mirror(row, author=author)
    return row


def directive_record(
    *,
    program: Program,
    counterpart: str,
    visa_class_mapping: dict[str, str],
    port_mapping: dict[str, str],
    cap: Money | None,
    mode: reciprocity.Mode,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
) -> ReciprocityDirective:
    """Record that `program`'s state mirrors `counterpart`'s rules for its nationals, and audit it.

    A step: runs inside the caller's transaction; the caller then calls
    `mirroring.directive_sources_mirror`. Refuses an unknown country or visa class, a port
    outside the adopting state, a cap that is not positive (422), and a second directive
    towards the same state (409, `directive_exists`).
    """
    issuer = program.issuer
    country(counterpart)
    mapping = {
        normalise_visa_class(counterpart, k, field="visa_class_mapping"): normalise_visa_class(
            issuer, v, field="visa_class_mapping"
        )
        for k, v in visa_class_mapping.items()
    }
    ports = {k.strip().upper(): v.strip().upper() for k, v in port_mapping.items()}
    for target in ports.values():
        if airport_country(target) != issuer:
            raise InvalidInput(
                f"{target} is not an airport of {issuer}", code="port_abroad", field="port_mapping"
            )
    reciprocity.Directive(issuer, counterpart, mapping, ports, cap, mode)
    require_reason_and_sources(reason, sources)
    with within_caller_transaction("directive_record"):
        if ReciprocityDirective.objects.filter(issuer=issuer, counterpart=counterpart).exists():
            raise Conflict(
                f"{issuer} already has a reciprocity directive towards {counterpart}",
                code="directive_exists",
                field="counterpart",
            )
        row = ReciprocityDirective(
            program=program,
            issuer=issuer,
            counterpart=counterpart,
            visa_class_mapping=mapping,
            port_mapping=ports,
            mode=mode.value,
            effective_from=effective_from,
            announced_on=announced_on,
            legal_basis=program.legal_basis,
            sources=[s.as_dict() for s in sources],
            reason=reason,
            author_name=author.name,
        )
        row.cap = cap
        row.save()
        audit_record(AuditAction.DIRECTIVE_ADOPTED, subject=row, actor=author.actor)
    return row


def reciprocity_review_approve(
    *,
    review_id: int,
    reason: str,
    author: Author,
    effective_from: dt.date | None = None,
    announced_on: dt.date | None = None,
    confirm_past: bool = False,
) -> ReciprocityReview:
    """Apply a proposed mirrored change from its own effective date, or the one chosen.

    An entry point (one durable transaction). Refuses a missing or overlong reason (422), an
    unknown review (404) and one already decided (409). A change effective before today
    changes answers already given: it needs `confirm_past` (else 422
    `effective_in_past_unconfirmed`), and its audit entry says so. The mirrored version is
    then reacted to like any other.
    """
    require_reason(reason)
    with transaction.atomic(durable=True):
        review = mirroring.review_pending(review_id)
        version = mirroring.review_apply(
            review,
            author=author,
            status=ReviewStatus.APPROVED,
            reason=reason,
            effective_from=effective_from,
            announced_on=announced_on,
            confirm_past=confirm_past,
        )
        mirroring.rule_version_mirror(version, author=author)
    return review


def reciprocity_review_reject(*, review_id: int, reason: str, author: Author) -> ReciprocityReview:
    """Keep the mirrored rule as it is (e.g. a state keeps its measure after the source lapsed).

    An entry point (one durable transaction). Refuses a missing or overlong reason (422), an
    unknown review (404) and one already decided (409).
    """
    require_reason(reason)
    with transaction.atomic(durable=True):
        review = mirroring.review_pending(review_id)
        mirroring.review_close(review, status=ReviewStatus.REJECTED, author=author, reason=reason)
        audit_record(
            AuditAction.MIRROR_REJECTED,
            subject=review,
            actor=author.actor,
            details={"reason": reason},
        )
    return review


def reciprocity_review_acknowledge(
    *, review_id: int, author: Author, reason: str
) -> ReciprocityReview:
    """Take note of a change applied automatically, or of an echo that was stopped, saying why
    it may stand.

    An entry point (one durable transaction). Refuses a missing or overlong reason (422), an
    unknown review (404) and one that waits for a decision or was already closed (409,
    `review_not_applied`).
    """
    require_reason(reason)
    with transaction.atomic(durable=True):
        review = mirroring.review_locked(review_id)
        if review.status not in (ReviewStatus.APPLIED, ReviewStatus.ECHO):
            raise Conflict(
                "only automatic changes and stopped echoes are acknowledged",
                code="review_not_applied",
                field="review_id",
            )
        mirroring.review_close(
            review, status=ReviewStatus.ACKNOWLEDGED, author=author, reason=reason
        )
        audit_record(
            AuditAction.MIRROR_ACKNOWLEDGED,
            subject=review,
            actor=author.actor,
            details={"reason": reason},
        )
    return review
