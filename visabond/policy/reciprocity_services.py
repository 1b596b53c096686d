"""Writes of reciprocity: adopting directives, and the review queue of mirrored rules.

A change to a rule that a directive mirrors opens a review (`source_changed`, called by the
rule services); in automatic mode a designation or amendment is applied at once, otherwise a
policy officer approves or rejects it. Mirrored rules are recorded through the ordinary rule
services, so they have histories, audit entries and notice checks like any other rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.airports import airport_country
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.policy import reciprocity, records, services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import (
    Program,
    ReciprocityDirective,
    ReciprocityReview,
    ReviewStatus,
    Rule,
    RuleVersion,
)
from visabond.policy.rules import Action, Period
from visabond.policy.visa_classes import normalise_visa_class


def directive_of(row: ReciprocityDirective) -> reciprocity.Directive:
    return reciprocity.Directive(
        issuer=row.issuer,
        counterpart=row.counterpart,
        visa_class_mapping=row.visa_class_mapping,
        port_mapping=row.port_mapping,
        cap=row.cap_amount,
        cap_currency=row.cap_currency or None,
        mode=reciprocity.Mode(row.mode),
    )


def directive_adopt(
    *,
    program: Program,
    counterpart: str,
    visa_class_mapping: dict[str, str],
    port_mapping: dict[str, str],
    cap: Decimal | None,
    cap_currency: str | None,
    mode: reciprocity.Mode,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
) -> ReciprocityDirective:
    """Adopt a reciprocity directive; the counterpart's rules in force are put up for mirroring."""
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
    reciprocity.Directive(issuer, counterpart, mapping, ports, cap, cap_currency, mode)
    services.require_reason_and_sources(reason, sources)
    with transaction.atomic():
        if ReciprocityDirective.objects.filter(issuer=issuer, counterpart=counterpart).exists():
            raise Conflict(
                f"{issuer} already has a reciprocity directive towards {counterpart}",
                code="directive_exists",
                field="counterpart",
            )
        row = ReciprocityDirective.objects.create(
            program=program,
            issuer=issuer,
            counterpart=counterpart,
            visa_class_mapping=mapping,
            port_mapping=ports,
            cap_amount=cap,
            cap_currency=cap_currency or "",
            mode=mode.value,
            effective_from=effective_from,
            announced_on=announced_on,
            legal_basis=program.legal_basis,
            sources=[s.as_dict() for s in sources],
            reason=reason,
            author_name=author.name,
        )
        audit_record(AuditAction.DIRECTIVE_ADOPTED, subject=row, actor_name=author.name)
        sources_rules = Rule.objects.filter(
            issuer=counterpart, nationality=issuer, visa_class__in=list(mapping)
        )
        for rule in sources_rules:
            latest = rule.versions.order_by("-version").first()
            if latest is not None and latest.action != Action.WITHDRAW:
                _review_open(row, latest, author=author)
    return row


def source_changed(version: RuleVersion, *, author: Author) -> None:
    """A rule's history grew: open a review for every directive that mirrors that rule."""
    rule = version.rule
    for row in ReciprocityDirective.objects.filter(
        issuer=rule.nationality, counterpart=rule.issuer
    ):
        if directive_of(row).mirrors(
            issuer=rule.issuer, nationality=rule.nationality, visa_class=rule.visa_class
        ):
            _review_open(row, version, author=author)


def _mirror_rule_for(directive: ReciprocityDirective, source_rule: Rule) -> Rule | None:
    target_class = directive.visa_class_mapping[source_rule.visa_class]
    return (
        Rule.objects.filter(
            issuer=directive.issuer,
            nationality=directive.counterpart,
            visa_class=target_class,
            versions__mirrored_from__source_rule_id=source_rule.pk,
        )
        .distinct()
        .first()
    )


def _review_open(
    directive: ReciprocityDirective, source: RuleVersion, *, author: Author
) -> ReciprocityReview:
    proposal: dict[str, Any] = {"source": _source_summary(source)}
    if source.action != Action.WITHDRAW:
        terms = records.terms_of(source)
        assert terms is not None
        mirrored = reciprocity.mirror(
            terms, source_visa_class=source.rule.visa_class, directive=directive_of(directive)
        )
        proposal |= {
            "visa_class": mirrored.visa_class,
            "terms": records.terms_json(mirrored.terms),
            "explanation": mirrored.explanation,
        }
    review = ReciprocityReview.objects.create(
        directive=directive,
        source_version=source,
        change=source.action,
        mirror_rule=_mirror_rule_for(directive, source.rule),
        proposal=proposal,
        status=ReviewStatus.PENDING,
    )
    automatic = directive.mode == reciprocity.Mode.AUTOMATIC
    # A withdrawal is never mirrored on its own: lifting a measure is the mirroring
    # state's own act (Mali's stayed in force after the US dropped Mali).
    if automatic and source.action != Action.WITHDRAW:
        _review_apply(review, author=author, status=ReviewStatus.APPLIED, reason="automatic mode")
    else:
        audit_record(
            AuditAction.MIRROR_PROPOSED,
            subject=review,
            actor_name=author.name,
            details={"change": source.action, "source_rule_id": source.rule_id},
        )
    return review


def _source_summary(source: RuleVersion) -> dict[str, Any]:
    return {
        "rule_id": source.rule_id,
        "version": source.version,
        "action": source.action,
        "issuer": source.rule.issuer,
        "nationality": source.rule.nationality,
        "visa_class": source.rule.visa_class,
        "effective_from": source.effective_from.isoformat(),
        "effective_to": source.effective_to.isoformat() if source.effective_to else None,
        "announced_on": source.announced_on.isoformat(),
    }


def review_effective_from(review: ReciprocityReview, effective_from: dt.date | None) -> dt.date:
    """The day an approved change takes effect: the one chosen, else the source's own."""
    directive, source = review.directive, review.source_version
    return effective_from or max(source.effective_from, directive.effective_from)


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

    A reason is required. A change effective before today rewrites answers already given:
    it needs `confirm_past`, and its audit entry says it was retroactive.
    """
    services.require_reason(reason)
    with transaction.atomic():
        review = _pending_review(review_id)
        start = review_effective_from(review, effective_from)
        retroactive = start < clock.today()
        if retroactive and not confirm_past:
            raise InvalidInput(
                f"the change would take effect on {start}, before today: it changes answers "
                "already given; confirm that the date is meant",
                code="effective_in_past_unconfirmed",
                field="effective_from",
            )
        _review_apply(
            review,
            author=author,
            status=ReviewStatus.APPROVED,
            reason=reason,
            effective_from=start,
            announced_on=announced_on,
            retroactive=retroactive,
        )
    return review


def reciprocity_review_reject(*, review_id: int, reason: str, author: Author) -> ReciprocityReview:
    """Keep the mirrored rule as it is (e.g. a state keeps its measure after the source lapsed)."""
    services.require_reason(reason)
    with transaction.atomic():
        review = _pending_review(review_id)
        _review_close(review, status=ReviewStatus.REJECTED, author=author, reason=reason)
        audit_record(
            AuditAction.MIRROR_REJECTED,
            subject=review,
            actor_name=author.name,
            details={"reason": reason},
        )
    return review


def reciprocity_review_acknowledge(
    *, review_id: int, author: Author, reason: str
) -> ReciprocityReview:
    """Take note of a change applied automatically, saying why it may stand."""
    services.require_reason(reason)
    with transaction.atomic():
        try:
            review = ReciprocityReview.objects.select_for_update().get(pk=review_id)
        except ReciprocityReview.DoesNotExist:
            raise NotFound(
                f"there is no review {review_id}", code="review_not_found", field="review_id"
            ) from None
        if review.status != ReviewStatus.APPLIED:
            raise Conflict(
                "only automatic changes are acknowledged",
                code="review_not_applied",
                field="review_id",
            )
        _review_close(review, status=ReviewStatus.ACKNOWLEDGED, author=author, reason=reason)
        audit_record(
            AuditAction.MIRROR_ACKNOWLEDGED,
            subject=review,
            actor_name=author.name,
            details={"reason": reason},
        )
    return review


def _pending_review(review_id: int) -> ReciprocityReview:
    try:
        review = (
            ReciprocityReview.objects.select_for_update()
            .select_related("directive", "source_version__rule")
            .get(pk=review_id)
        )
    except ReciprocityReview.DoesNotExist:
        raise NotFound(
            f"there is no review {review_id}", code="review_not_found", field="review_id"
        ) from None
    if review.status != ReviewStatus.PENDING:
        raise Conflict(
            f"review {review_id} was already decided ({review.status})",
            code="review_decided",
            field="review_id",
        )
    return review


def _review_close(review: ReciprocityReview, *, status: str, author: Author, reason: str) -> None:
    review.status = status
    review.decided_by_name = author.name
    review.decided_at = clock.now()
    review.decision_reason = reason
    review.save(
        update_fields=[
            "status",
            "decided_by_name",
            "decided_at",
            "decision_reason",
            "resulting_version",
        ]
    )


def _review_apply(
    review: ReciprocityReview,
    *,
    author: Author,
    status: str,
    reason: str,
    effective_from: dt.date | None = None,
    announced_on: dt.date | None = None,
    retroactive: bool = False,
) -> None:
    directive, source = review.directive, review.source_version
    announced = announced_on or max(source.announced_on, directive.announced_on)
    start = effective_from or max(source.effective_from, directive.effective_from)
    sources = [Source(**s) for s in directive.sources] + [Source(**s) for s in source.sources]
    why = f"reciprocity with {directive.counterpart} (directive {directive.pk}): {reason}"
    mirror_rule = review.mirror_rule or _mirror_rule_for(directive, source.rule)
    if source.action == Action.WITHDRAW:
        if mirror_rule is None:
            raise Conflict(
                "there is no mirrored rule to withdraw", code="no_mirror", field="review_id"
            )
        recorded = services.rule_withdraw(
            rule_id=mirror_rule.pk,
            effective_from=start,
            announced_on=announced,
            reason=why,
            sources=sources,
            author=author,
        )
    else:
        terms = records.terms_from_json(review.proposal["terms"])
        provenance = {
            "directive_id": directive.pk,
            "source_rule_id": source.rule_id,
            "source_version": source.version,
            "source_issuer": source.rule.issuer,
            "source_nationality": source.rule.nationality,
            "source_visa_class": source.rule.visa_class,
            **review.proposal["explanation"],
        }
        if mirror_rule is None:
            recorded = services.rule_designate(
                program=directive.program,
                nationality=directive.counterpart,
                visa_class=review.proposal["visa_class"],
                terms=terms,
                period=Period(start, source.effective_to),
                announced_on=announced,
                reason=why,
                sources=sources,
                author=author,
                mirrored_from=provenance,
            )
        else:
            recorded = services.rule_amend(
                rule_id=mirror_rule.pk,
                terms=terms,
                effective_from=start,
                effective_to=source.effective_to,
                announced_on=announced,
                reason=why,
                sources=sources,
                author=author,
                mirrored_from=provenance,
            )
    review.resulting_version = recorded.version
    review.mirror_rule = recorded.version.rule
    review.save(update_fields=["resulting_version", "mirror_rule"])
    if status == ReviewStatus.APPLIED:
        review.status = status
        review.save(update_fields=["status"])
        action = AuditAction.MIRROR_APPLIED
    else:
        _review_close(review, status=status, author=author, reason=reason)
        action = AuditAction.MIRROR_APPROVED
    audit_record(
        action,
        subject=review,
        actor_name=author.name,
        details={
            "rule_version": recorded.version.pk,
            "effective_from": recorded.version.effective_from.isoformat(),
            "reason": reason,
            "effective_in_past": retroactive,
        },
    )
