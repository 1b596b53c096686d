"""Writes to the policy registry: programs, designations, amendments, withdrawals, reciprocity.

Each service validates with the plain rules of `rules.py`/`reciprocity.py`, writes new rows
(never updates a rule's history), records the decision in the audit trail, and lets the
reciprocity engine react to the change, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max

from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.airports import airport_country
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.policy import reciprocity, records, rules
from visabond.policy.models import (
    Program,
    ReciprocityDirective,
    ReciprocityReview,
    ReviewStatus,
    Rule,
    RuleVersion,
)
from visabond.policy.rules import Action, Period, RuleTerms
from visabond.policy.visa_classes import normalise_visa_class


@dataclass(frozen=True)
class Source:
    """Where a fact was read: every registry entry cites at least one."""

    title: str
    url: str = ""
    date: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "date": self.date}


@dataclass(frozen=True)
class Author:
    """Who decided: a user of the console, or a named process such as the seed loader."""

    name: str
    user_id: int | None = None


@dataclass
class Recorded:
    version: RuleVersion
    warnings: list[str] = field(default_factory=list)


def program_register(
    *,
    code: str,
    issuer: str,
    name: str,
    legal_basis: str,
    notice_days: int,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    sources: Sequence[Source],
    author: Author,
) -> Program:
    """Register a program once; registering the same code again returns it unchanged."""
    country(issuer)
    with transaction.atomic():
        program, created = Program.objects.get_or_create(
            code=code,
            defaults={
                "issuer": issuer,
                "name": name,
                "legal_basis": legal_basis,
                "notice_days": notice_days,
                "effective_from": effective_from,
                "effective_to": effective_to,
                "sources": [s.as_dict() for s in sources],
            },
        )
        if created:
            audit_record(AuditAction.PROGRAM_REGISTERED, subject=program, actor_name=author.name)
    return program


def rule_designate(
    *,
    program: Program,
    nationality: str,
    visa_class: str,
    terms: RuleTerms,
    period: Period,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    legal_basis: str = "",
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """Designate a nationality for a visa class under a program, from a date."""
    issuer = program.issuer
    country(nationality)
    if nationality == issuer:
        raise InvalidInput(
            "a state does not designate its own nationals",
            code="nationality_is_issuer",
            field="nationality",
        )
    visa_class = normalise_visa_class(issuer, visa_class)
    _validate_decision(terms=terms, issuer=issuer, reason=reason, sources=sources)
    period = _within_program(period, program)
    with transaction.atomic():
        # One designation of a program at a time: two racing for the same key would
        # otherwise both see no overlap and both be written.
        list(Program.objects.select_for_update().filter(pk=program.pk))
        _refuse_overlap(
            program_issuer=issuer, nationality=nationality, visa_class=visa_class, period=period
        )
        rule = Rule.objects.create(
            program=program, issuer=issuer, nationality=nationality, visa_class=visa_class
        )
        recorded = _append(
            rule,
            action=Action.DESIGNATE,
            terms=terms,
            period=period,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            legal_basis=legal_basis or program.legal_basis,
            mirrored_from=mirrored_from,
        )
    return recorded


def rule_amend(
    *,
    rule_id: int,
    terms: RuleTerms,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    effective_to: dt.date | Literal["unchanged"] | None = "unchanged",
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """Change a rule's terms from a date; its history before that date stays as it was.

    Unless `effective_to` is given, the amended terms last as long as the terms they replace.
    """
    with transaction.atomic():
        rule = _locked_rule(rule_id)
        _validate_decision(terms=terms, issuer=rule.issuer, reason=reason, sources=sources)
        entries = records.entries_of(rule.versions.all())
        deciding = rules.entry_in_force(entries, on=effective_from)
        if deciding is None:
            raise Conflict(
                f"rule {rule_id} is not in force on {effective_from}: designate a new rule instead",
                code="rule_not_in_force",
                field="effective_from",
            )
        end = deciding.period.end if effective_to == "unchanged" else effective_to
        period = _within_program(Period(effective_from, end), rule.program)
        recorded = _append(
            rule,
            action=Action.AMEND,
            terms=terms,
            period=period,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            legal_basis=rule.program.legal_basis,
            mirrored_from=mirrored_from,
        )
    return recorded


def rule_withdraw(
    *,
    rule_id: int,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
) -> Recorded:
    """End a rule from a date (before it took effect, it never does)."""
    with transaction.atomic():
        rule = _locked_rule(rule_id)
        _require_reason_and_sources(reason, sources)
        entries = records.entries_of(rule.versions.all())
        if rules.in_force_days_overlap(entries, Period(effective_from)) is None:
            raise Conflict(
                f"rule {rule_id} is not in force on or after {effective_from}: nothing to withdraw",
                code="rule_not_in_force",
                field="effective_from",
            )
        recorded = _append(
            rule,
            action=Action.WITHDRAW,
            terms=None,
            period=Period(effective_from),
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            legal_basis=rule.program.legal_basis,
        )
    return recorded


def _locked_rule(rule_id: int) -> Rule:
    try:
        return Rule.objects.select_for_update().select_related("program").get(pk=rule_id)
    except Rule.DoesNotExist:
        raise NotFound(
            f"there is no rule {rule_id}", code="rule_not_found", field="rule_id"
        ) from None


def _append(
    rule: Rule,
    *,
    action: Action,
    terms: RuleTerms | None,
    period: Period,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    legal_basis: str,
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """Add the next version to a rule's history, audit it, and let reciprocity react."""
    shortfall = rules.notice_shortfall(
        announced_on=announced_on, effective_from=period.start, notice_days=rule.program.notice_days
    )
    warning = _notice_warning(
        rule.program, given_days=(period.start - announced_on).days, shortfall=shortfall
    )
    latest = rule.versions.aggregate(latest=Max("version"))["latest"] or 0
    version = RuleVersion.objects.create(
        rule=rule,
        version=latest + 1,
        action=action.value,
        effective_from=period.start,
        effective_to=period.end,
        announced_on=announced_on,
        recorded_at=clock.now(),
        reason=reason.strip(),
        author_id=author.user_id,
        author_name=author.name,
        legal_basis=legal_basis,
        sources=[s.as_dict() for s in sources],
        mirrored_from=mirrored_from,
        notice_warning=warning,
        **records.terms_fields(terms),
    )
    recorded = Recorded(version, [warning] if warning else [])
    audit_record(
        AUDITED_AS[action],
        subject=version,
        actor_name=author.name,
        details=_audit_details(recorded),
    )
    _reciprocity_on_change(version, author=author)
    return recorded


AUDITED_AS = {
    Action.DESIGNATE: AuditAction.RULE_DESIGNATED,
    Action.AMEND: AuditAction.RULE_AMENDED,
    Action.WITHDRAW: AuditAction.RULE_WITHDRAWN,
}


def _notice_warning(program: Program, *, given_days: int, shortfall: int) -> str:
    if not shortfall:
        return ""
    given = (
        f"announced {given_days} days before it takes effect"
        if given_days >= 0
        else f"announced {-given_days} days after it took effect"
    )
    return f"{given}; {program.name} promises {program.notice_days} days' notice"


def _validate_decision(
    *, terms: RuleTerms, issuer: str, reason: str, sources: Sequence[Source]
) -> None:
    _require_reason_and_sources(reason, sources)
    for port in terms.ports:
        located = airport_country(port)
        if located is None:
            raise InvalidInput(
                f"{port} is not an IATA airport code", code="port_unknown", field="ports"
            )
        if located != issuer:
            raise InvalidInput(
                f"{port} is in {located}, not in the issuing state {issuer}",
                code="port_abroad",
                field="ports",
            )


def _require_reason_and_sources(reason: str, sources: Sequence[Source]) -> None:
    if not reason.strip():
        raise InvalidInput("say why: a reason is required", code="reason_missing", field="reason")
    if not sources or not all(s.title.strip() for s in sources):
        raise InvalidInput(
            "cite at least one source with a title", code="source_missing", field="sources"
        )


def _within_program(period: Period, program: Program) -> Period:
    """A rule ends when its program does: an open end becomes the program's end."""
    if program.effective_from and period.start < program.effective_from:
        raise InvalidInput(
            f"{program.name} takes effect on {program.effective_from}; a rule cannot start before",
            code="before_program",
            field="effective_from",
        )
    if program.effective_to is None:
        return period
    if period.start > program.effective_to:
        raise InvalidInput(
            f"{program.name} ends on {program.effective_to}",
            code="after_program",
            field="effective_from",
        )
    if period.end is None or period.end > program.effective_to:
        return Period(period.start, program.effective_to)
    return period


def _refuse_overlap(
    *, program_issuer: str, nationality: str, visa_class: str, period: Period
) -> None:
    same_key = Rule.objects.select_for_update().filter(
        issuer=program_issuer, nationality=nationality, visa_class=visa_class
    )
    for other in same_key.prefetch_related("versions"):
        segment = rules.in_force_days_overlap(records.entries_of(other.versions.all()), period)
        if segment is not None:
            until = segment.end or "further notice"
            raise Conflict(
                f"rule {other.pk} for {nationality} {visa_class} is already in force from "
                f"{segment.start} until {until}; amend or withdraw it instead",
                code="rule_overlap",
                field="effective_from",
            )


def _audit_details(recorded: Recorded) -> dict[str, Any]:
    v = recorded.version
    return {
        "rule_id": v.rule_id,
        "version": v.version,
        "effective_from": v.effective_from.isoformat(),
        "effective_to": v.effective_to.isoformat() if v.effective_to else None,
        "announced_on": v.announced_on.isoformat(),
        "reason": v.reason,
        "warnings": recorded.warnings,
    }


# --- reciprocity -----------------------------------------------------------------------


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
    _require_reason_and_sources(reason, sources)
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


def _reciprocity_on_change(version: RuleVersion, *, author: Author) -> None:
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


def reciprocity_review_approve(
    *,
    review_id: int,
    reason: str,
    author: Author,
    effective_from: dt.date | None = None,
    announced_on: dt.date | None = None,
) -> ReciprocityReview:
    """Apply a proposed mirrored change from its own effective date."""
    with transaction.atomic():
        review = _pending_review(review_id)
        _review_apply(
            review,
            author=author,
            status=ReviewStatus.APPROVED,
            reason=reason,
            effective_from=effective_from,
            announced_on=announced_on,
        )
    return review


def reciprocity_review_reject(*, review_id: int, reason: str, author: Author) -> ReciprocityReview:
    """Keep the mirrored rule as it is (e.g. a state keeps its measure after the source lapsed)."""
    if not reason.strip():
        raise InvalidInput("say why: a reason is required", code="reason_missing", field="reason")
    with transaction.atomic():
        review = _pending_review(review_id)
        _review_close(review, status=ReviewStatus.REJECTED, author=author, reason=reason)
        audit_record(AuditAction.MIRROR_REJECTED, subject=review, actor_name=author.name)
    return review


def reciprocity_review_acknowledge(*, review_id: int, author: Author) -> ReciprocityReview:
    with transaction.atomic():
        review = ReciprocityReview.objects.select_for_update().get(pk=review_id)
        if review.status != ReviewStatus.APPLIED:
            raise Conflict(
                "only automatic changes are acknowledged",
                code="review_not_applied",
                field="review_id",
            )
        _review_close(review, status=ReviewStatus.ACKNOWLEDGED, author=author, reason="")
        audit_record(AuditAction.MIRROR_ACKNOWLEDGED, subject=review, actor_name=author.name)
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
        recorded = rule_withdraw(
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
            recorded = rule_designate(
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
            recorded = rule_amend(
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
        details={"rule_version": recorded.version.pk},
    )
