"""Appending to a rule's history: the one step that records a designation, amendment or withdrawal.

Each function checks the decision (reason, sources, ports, the program's dates, overlaps),
warns when the announcement gave less notice than the program promises, inserts the new
version with its allowed amounts, and writes its audit entry. It does nothing else: the
reciprocity reaction (`mirroring.rule_version_mirror`) is called by the entry point after
it, where a reader sees it.

Steps: they run inside the caller's transaction and open no savepoint of their own
(docs/writes.md). Every check runs before the first write, so a refusal leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import Max

from visabond.audit.services import AuditAction, audit_record
from visabond.core import clock
from visabond.core.airports import airport_country
from visabond.core.countries import country
from visabond.core.errors import Conflict, InvalidInput, NotFound
from visabond.core.writes import within_caller_transaction
from visabond.policy import records, rules
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.models import AllowedAmount, Program, Rule, RuleVersion
from visabond.policy.rules import Action, Period, RuleTerms
from visabond.policy.visa_classes import normalise_visa_class

AUDITED_AS = {
    Action.DESIGNATE: AuditAction.RULE_DESIGNATED,
    Action.AMEND: AuditAction.RULE_AMENDED,
    Action.WITHDRAW: AuditAction.RULE_WITHDRAWN,
}


def designation_append(
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
    """A new rule for `nationality` and `visa_class` under `program`, and its first version.

    Runs inside the caller's transaction. Refuses the issuer's own nationals, an unknown
    visa class or port, a missing reason or source, a period outside the program (422), and
    a period overlapping a rule in force for the same key (409, `rule_overlap`). A rule
    without an end ends with its program.
    """
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
    with within_caller_transaction("designation_append"):
        # One designation of a program at a time: two racing for the same key would
        # otherwise both see no overlap and both be written.
        list(Program.objects.select_for_update().filter(pk=program.pk))
        _refuse_overlap(
            issuer=issuer, nationality=nationality, visa_class=visa_class, period=period
        )
        rule = Rule.objects.create(
            program=program, issuer=issuer, nationality=nationality, visa_class=visa_class
        )
        return _append(
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


def amendment_append(
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
    """New terms for rule `rule_id` from `effective_from`; its history before stays as it was.

    Runs inside the caller's transaction. Unless `effective_to` is given, the new terms last
    as long as the terms they replace. Refuses an unknown rule (404) and a day on which the
    rule is not in force (409, `rule_not_in_force`).
    """
    with within_caller_transaction("amendment_append"):
        rule = rule_locked(rule_id)
        _validate_decision(terms=terms, issuer=rule.issuer, reason=reason, sources=sources)
        entries = records.entries_of(rule.versions.prefetch_related("allowed_amounts"))
        deciding = rules.entry_in_force(entries, on=effective_from)
        if deciding is None:
            raise Conflict(
                f"rule {rule_id} is not in force on {effective_from}: designate a new rule instead",
                code="rule_not_in_force",
                field="effective_from",
            )
        end = deciding.period.end if effective_to == "unchanged" else effective_to
        period = _within_program(Period(effective_from, end), rule.program)
        return _append(
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


def withdrawal_append(
    *,
    rule_id: int,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """End rule `rule_id` from `effective_from` (withdrawn before it took effect, it never does).

    Runs inside the caller's transaction. Refuses an unknown rule (404) and a rule with no
    day in force on or after `effective_from` (409, `rule_not_in_force`): a withdrawal on a
    rule's last day in force is allowed.
    """
    with within_caller_transaction("withdrawal_append"):
        rule = rule_locked(rule_id)
        require_reason_and_sources(reason, sources)
        entries = records.entries_of(rule.versions.prefetch_related("allowed_amounts"))
        if rules.in_force_days_overlap(entries, Period(effective_from)) is None:
            raise Conflict(
                f"rule {rule_id} is not in force on or after {effective_from}: nothing to withdraw",
                code="rule_not_in_force",
                field="effective_from",
            )
        return _append(
            rule,
            action=Action.WITHDRAW,
            terms=None,
            period=Period(effective_from),
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            legal_basis=rule.program.legal_basis,
            mirrored_from=mirrored_from,
        )


def rule_locked(rule_id: int) -> Rule:
    """Rule `rule_id`, locked until the caller's transaction ends; `NotFound` (404) if none."""
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
    mirrored_from: dict[str, Any] | None,
) -> Recorded:
    """Insert the next version of `rule` with its amounts, and audit it."""
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
        **records.terms_columns(terms),
    )
    AllowedAmount.objects.bulk_create(records.allowed_amounts(version, terms))
    recorded = Recorded(version, [warning] if warning else [])
    audit_record(
        AUDITED_AS[action],
        subject=version,
        actor=author.actor,
        details=_audit_details(recorded),
    )
    return recorded


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


def require_reason_and_sources(reason: str, sources: Sequence[Source]) -> None:
    """Every registry decision says why and cites a source (422 `reason_missing`/`source_missing`)."""
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


def _refuse_overlap(*, issuer: str, nationality: str, visa_class: str, period: Period) -> None:
    same_key = Rule.objects.select_for_update().filter(
        issuer=issuer, nationality=nationality, visa_class=visa_class
    )
    for other in same_key.prefetch_related("versions__allowed_amounts"):
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
