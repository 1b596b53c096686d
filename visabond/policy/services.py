"""Writes to the policy registry: programs, designations, amendments, withdrawals, reciprocity.

Each service validates with the plain rules of `rules.py`/`reciprocity.py`, writes new rows
(never updates a rule's history), records the decision in the audit trail, and lets the
reciprocity engine react to the change, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max

from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.airports import airport_country
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.policy import reciprocity_services, records, rules
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.models import (
    Program,
    Rule,
    RuleVersion,
)
from visabond.policy.rules import Action, Period, RuleTerms
from visabond.policy.visa_classes import normalise_visa_class


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
        require_reason_and_sources(reason, sources)
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
    """Add the next version to a rule's history, audit it, and let reciprocity react.

    An announcement is a fact about the past: one dated after today is refused.
    """
    if announced_on > clock.today():
        raise InvalidInput(
            f"the announcement date {announced_on} is in the future: record an announcement "
            "once it is made",
            code="announced_in_future",
            field="announced_on",
        )
    # The notice period protects applicants from a new burden (22 CFR 41.11(c): countries are
    # announced 15 days ahead); lifting one with a withdrawal owes no notice.
    shortfall = (
        0
        if action == Action.WITHDRAW
        else rules.notice_shortfall(
            announced_on=announced_on,
            effective_from=period.start,
            notice_days=rule.program.notice_days,
        )
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
    reciprocity_services.source_changed(version, author=author)
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
    require_reason_and_sources(reason, sources)
    if len(terms.notes) > NOTES_MAX:
        raise InvalidInput(
            f"notes are at most {NOTES_MAX:,} characters (these have {len(terms.notes):,})",
            code="notes_too_long",
            field="notes",
        )
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


REASON_MAX = 2000
NOTES_MAX = 2000
SOURCE_TITLE_MAX = 400
SOURCE_URL_MAX = 2000


def require_reason(reason: str) -> None:
    """A decision says why, in at most `REASON_MAX` characters."""
    if not reason.strip():
        raise InvalidInput("say why: a reason is required", code="reason_missing", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            f"a reason is at most {REASON_MAX:,} characters (this one has {len(reason):,})",
            code="reason_too_long",
            field="reason",
        )


def require_reason_and_sources(reason: str, sources: Sequence[Source]) -> None:
    require_reason(reason)
    if not sources or not all(s.title.strip() for s in sources):
        raise InvalidInput(
            "cite at least one source with a title", code="source_missing", field="sources"
        )
    for source in sources:
        if len(source.title) > SOURCE_TITLE_MAX or len(source.url) > SOURCE_URL_MAX:
            raise InvalidInput(
                f"a source's title is at most {SOURCE_TITLE_MAX} characters and its address "
                f"at most {SOURCE_URL_MAX:,}",
                code="source_too_long",
                field="sources",
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
