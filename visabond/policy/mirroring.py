"""Reciprocity's reaction to a change of a rule, and the review queue's steps.

When a rule's history grows, every directive that mirrors that rule gets a review
(`rule_version_mirror`). In automatic mode a designation or amendment is applied at once
through the ordinary append step, so mirrored rules have histories, audit entries and notice
checks like any other; otherwise a policy officer approves or rejects it. A withdrawal is
never mirrored without a decision: lifting a measure is the mirroring state's own act
(Mali's stayed in force after the US dropped Mali).

A mirrored version is itself a change, so it is reacted to in turn, with one stop: a change
never comes back to the state where it began (`reciprocity.Directive.echoes`). The US and
Mali mirroring each other is the normal case; the US designating Mali then gives Mali's
mirror and, on the US side, a review marked `echo` that says why nothing was written.

Entry points call `rule_version_mirror` after they append a version, and
`directive_sources_mirror` after they adopt a directive. These functions run inside the
caller's transaction (docs/writes.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.errors import Conflict, NotFound, VisabondError
from visabond.core.writes import within_caller_transaction
from visabond.policy import reciprocity, records, rule_versions
from visabond.policy.decisions import Author, Source
from visabond.policy.models import (
    ReciprocityDirective,
    ReciprocityReview,
    ReviewStatus,
    Rule,
    RuleVersion,
)
from visabond.policy.rules import Action, Period
from visabond.policy.terms import terms_from_json, terms_to_json


def directive_of(row: ReciprocityDirective) -> reciprocity.Directive:
    return reciprocity.Directive(
        issuer=row.issuer,
        counterpart=row.counterpart,
        visa_class_mapping=row.visa_class_mapping,
        port_mapping=row.port_mapping,
        cap=row.cap,
        mode=reciprocity.Mode(row.mode),
    )


def rule_version_mirror(version: RuleVersion, *, author: Author) -> list[ReciprocityReview]:
    """The reaction to a new version: a review for every directive that mirrors its rule.

    Runs inside the caller's transaction. Mirrored versions written in automatic mode are
    reacted to in turn, until a change would come back to the state where it began.
    Returns every review opened, in order.
    """
    with within_caller_transaction("rule_version_mirror"):
        opened: list[ReciprocityReview] = []
        waiting = [version]
        while waiting:
            source = waiting.pop(0)
            rule = source.rule
            for row in ReciprocityDirective.objects.filter(
                issuer=rule.nationality, counterpart=rule.issuer
            ).order_by("pk"):
                if directive_of(row).mirrors(
                    issuer=rule.issuer, nationality=rule.nationality, visa_class=rule.visa_class
                ):
                    review = _review_open(row, source, author=author)
                    opened.append(review)
                    if review.resulting_version is not None:
                        waiting.append(review.resulting_version)
        return opened


def directive_sources_mirror(
    directive: ReciprocityDirective, *, author: Author
) -> list[ReciprocityReview]:
    """The reaction to an adopted directive: the counterpart's rules in force come up for review.

    Runs inside the caller's transaction; mirrored versions are reacted to in turn.
    """
    with within_caller_transaction("directive_sources_mirror"):
        opened: list[ReciprocityReview] = []
        sources = Rule.objects.filter(
            issuer=directive.counterpart,
            nationality=directive.issuer,
            visa_class__in=list(directive.visa_class_mapping),
        ).order_by("pk")
        for rule in sources:
            latest = rule.versions.order_by("-version").first()
            if latest is None or latest.action == Action.WITHDRAW:
                continue
            review = _review_open(directive, latest, author=author)
            opened.append(review)
            if review.resulting_version is not None:
                opened += rule_version_mirror(review.resulting_version, author=author)
        return opened


def origin_of(version: RuleVersion) -> dict[str, Any]:
    """Where a change began: the state, rule and version a person (or the seed) decided.

    A version written by a person is its own origin; a mirrored version carries its
    source's origin (versions mirrored before origins were kept name their source).
    """
    mirrored = version.mirrored_from
    if not mirrored:
        return {
            "origin_issuer": version.rule.issuer,
            "origin_rule_id": version.rule_id,
            "origin_version": version.version,
        }
    return {
        "origin_issuer": mirrored.get("origin_issuer", mirrored["source_issuer"]),
        "origin_rule_id": mirrored.get("origin_rule_id", mirrored["source_rule_id"]),
        "origin_version": mirrored.get("origin_version", mirrored["source_version"]),
    }


def _review_open(
    directive: ReciprocityDirective, source: RuleVersion, *, author: Author
) -> ReciprocityReview:
    origin = origin_of(source)
    proposal: dict[str, Any] = {"source": _source_summary(source) | origin}
    rule = directive_of(directive)
    echo = rule.echoes(origin_issuer=origin["origin_issuer"])
    if source.action != Action.WITHDRAW and not echo:
        terms = records.terms_of(source)
        assert terms is not None
        mirrored = reciprocity.mirror(
            terms, source_visa_class=source.rule.visa_class, directive=rule
        )
        proposal |= {
            "visa_class": mirrored.visa_class,
            "terms": terms_to_json(mirrored.terms),
            "explanation": mirrored.explanation,
        }
    review = ReciprocityReview.objects.create(
        directive=directive,
        source_version=source,
        change=source.action,
        mirror_rule=_mirror_rule_for(directive, source.rule),
        proposal=proposal,
        status=ReviewStatus.ECHO if echo else ReviewStatus.PENDING,
    )
    if echo:
        audit_record(
            AuditAction.MIRROR_ECHO_STOPPED,
            subject=review,
            actor=author.actor,
            details={"source_rule_id": source.rule_id, **origin},
        )
    elif directive.mode == reciprocity.Mode.AUTOMATIC and source.action != Action.WITHDRAW:
        _apply_automatically(review, author=author)
    else:
        audit_record(
            AuditAction.MIRROR_PROPOSED,
            subject=review,
            actor=author.actor,
            details={"change": source.action, "source_rule_id": source.rule_id},
        )
    return review


def _apply_automatically(review: ReciprocityReview, *, author: Author) -> None:
    """Apply a review in automatic mode; a refusal leaves it pending, saying why.

    The savepoint is deliberate: the mirror's refusal (say, the mirroring state already has
    its own rule in force for that key) must not undo the source state's decision.
    """
    try:
        with transaction.atomic():
            # The change mirrored was decided, its date confirmed if it had passed, by the
            # source state; its mirror follows it without a second confirmation.
            review_apply(
                review,
                author=author,
                status=ReviewStatus.APPLIED,
                reason="automatic mode",
                confirm_past=True,
            )
    except VisabondError as refusal:
        review.refresh_from_db()
        review.proposal["refused"] = refusal.as_dict()
        review.save(update_fields=["proposal"])
        audit_record(
            AuditAction.MIRROR_PROPOSED,
            subject=review,
            actor=author.actor,
            details={"change": review.change, "refused": refusal.as_dict()},
        )


def _mirror_rule_for(directive: ReciprocityDirective, source_rule: Rule) -> Rule | None:
    """The directive issuer's rule paired with `source_rule`: one mirrored from it, or the
    one it mirrors (two states mirroring each other share one pair of rules)."""
    target_class = directive.visa_class_mapping.get(source_rule.visa_class)
    candidates = Rule.objects.filter(
        issuer=directive.issuer, nationality=directive.counterpart, visa_class=target_class
    )
    mirrored = (
        candidates.filter(versions__mirrored_from__source_rule_id=source_rule.pk)
        .distinct()
        .order_by("pk")
        .first()
    )
    if mirrored is not None:
        return mirrored
    mirrors_of = {
        v.mirrored_from["source_rule_id"] for v in source_rule.versions.all() if v.mirrored_from
    }
    return candidates.filter(pk__in=mirrors_of).order_by("pk").first()


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


def review_locked(review_id: int) -> ReciprocityReview:
    """Review `review_id`, locked until the caller's transaction ends; `NotFound` (404) if none."""
    try:
        return (
            ReciprocityReview.objects.select_for_update()
            .select_related("directive", "source_version__rule")
            .get(pk=review_id)
        )
    except ReciprocityReview.DoesNotExist:
        raise NotFound(
            f"there is no review {review_id}", code="review_not_found", field="review_id"
        ) from None


def review_pending(review_id: int) -> ReciprocityReview:
    """Review `review_id`, locked, still waiting for a decision (409 `review_decided` if not)."""
    review = review_locked(review_id)
    if review.status != ReviewStatus.PENDING:
        raise Conflict(
            f"review {review_id} was already decided ({review.status})",
            code="review_decided",
            field="review_id",
        )
    return review


def review_close(review: ReciprocityReview, *, status: str, author: Author, reason: str) -> None:
    """Record the decision on a review (runs inside the caller's transaction)."""
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


def review_effective_from(review: ReciprocityReview, effective_from: dt.date | None) -> dt.date:
    """The day an approved change takes effect: the one chosen, else the day both the source
    change and the directive are in effect."""
    directive, source = review.directive, review.source_version
    return effective_from or max(source.effective_from, directive.effective_from)


def review_apply(
    review: ReciprocityReview,
    *,
    author: Author,
    status: str,
    reason: str,
    confirm_past: bool,
    effective_from: dt.date | None = None,
    announced_on: dt.date | None = None,
) -> RuleVersion:
    """Write the mirrored change a review proposes, from its own effective date.

    Runs inside the caller's transaction; returns the version appended to the mirrored rule,
    which the caller reacts to (`rule_version_mirror`). By default the mirror takes effect
    when both the source change and the directive do (`review_effective_from`); a day
    before today needs `confirm_past`. Refuses what the append steps refuse.
    """
    with within_caller_transaction("review_apply"):
        directive, source = review.directive, review.source_version
        announced = announced_on or max(source.announced_on, directive.announced_on)
        start = review_effective_from(review, effective_from)
        sources = [Source(**s) for s in directive.sources] + [Source(**s) for s in source.sources]
        why = f"reciprocity with {directive.counterpart} (directive {directive.pk}): {reason}"
        mirror_rule = review.mirror_rule or _mirror_rule_for(directive, source.rule)
        provenance: dict[str, Any] = {
            "directive_id": directive.pk,
            "source_rule_id": source.rule_id,
            "source_version": source.version,
            "source_issuer": source.rule.issuer,
            "source_nationality": source.rule.nationality,
            "source_visa_class": source.rule.visa_class,
            **origin_of(source),
        }
        if source.action == Action.WITHDRAW:
            if mirror_rule is None:
                raise Conflict(
                    "there is no mirrored rule to withdraw", code="no_mirror", field="review_id"
                )
            recorded = rule_versions.withdrawal_append(
                rule_id=mirror_rule.pk,
                effective_from=start,
                announced_on=announced,
                reason=why,
                sources=sources,
                author=author,
                confirm_past=confirm_past,
                mirrored_from=provenance,
            )
        else:
            terms = terms_from_json(review.proposal["terms"])
            provenance |= review.proposal["explanation"]
            if mirror_rule is None:
                recorded = rule_versions.designation_append(
                    program=directive.program,
                    nationality=directive.counterpart,
                    visa_class=review.proposal["visa_class"],
                    terms=terms,
                    period=Period(start, source.effective_to),
                    announced_on=announced,
                    reason=why,
                    sources=sources,
                    author=author,
                    confirm_past=confirm_past,
                    mirrored_from=provenance,
                )
            else:
                recorded = rule_versions.amendment_append(
                    rule_id=mirror_rule.pk,
                    terms=terms,
                    effective_from=start,
                    effective_to=source.effective_to,
                    announced_on=announced,
                    reason=why,
                    sources=sources,
                    author=author,
                    confirm_past=confirm_past,
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
            review_close(review, status=status, author=author, reason=reason)
            action = AuditAction.MIRROR_APPROVED
        audit_record(
            action,
            subject=review,
            actor=author.actor,
            details={
                "rule_version": recorded.version.pk,
                "effective_from": recorded.version.effective_from.isoformat(),
                "reason": reason,
                "effective_in_past": recorded.version.effective_from < clock.today(),
            },
        )
        return recorded.version
