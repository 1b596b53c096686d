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
from visabond.policy.models import (
    NOTES_MAX,
    REASON_MAX,
    SOURCE_TITLE_MAX,
    SOURCE_URL_MAX,
    AllowedAmount,
    Program,
    Rule,
    RuleVersion,
)
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
    confirm_past: bool,
    legal_basis: str = "",
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """A new rule for `nationality` and `visa_class` under `program`, and its first version.

    Runs inside the caller's transaction. Refuses the issuer's own nationals, an unknown
    visa class or port, a missing reason or source, an announcement after today, a period
    outside the program (422), a period overlapping a rule in force for the same key (409,
    `rule_overlap`), and, last, a start before today without `confirm_past` (422,
    `effective_in_past_unconfirmed`). A rule without an end ends with its program.
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
    _validate_decision(
        terms=terms, issuer=issuer, reason=reason, sources=sources, announced_on=announced_on
    )
    period = _within_program(period, program)
    with within_caller_transaction("designation_append"):
        # One designation of a program at a time: two racing for the same key would
        # otherwise both see no overlap and both be written.
        list(Program.objects.select_for_update().filter(pk=program.pk))
        _refuse_overlap(
            issuer=issuer, nationality=nationality, visa_class=visa_class, period=period
        )
        _refuse_unconfirmed_past(period.start, confirm_past=confirm_past)
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
    confirm_past: bool,
    effective_to: dt.date | Literal["unchanged"] | None = "unchanged",
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """New terms for rule `rule_id` from `effective_from`; its history before stays as it was.

    Runs inside the caller's transaction. Unless `effective_to` is given, the new terms last
    as long as the terms they replace. Refuses an unknown rule (404), a day on which the
    rule is not in force (409, `rule_not_in_force`), what `designation_append` refuses of
    terms, and, last, a day before today without `confirm_past` (422).
    """
    with within_caller_transaction("amendment_append"):
        rule = rule_locked(rule_id)
        _validate_decision(
            terms=terms,
            issuer=rule.issuer,
            reason=reason,
            sources=sources,
            announced_on=announced_on,
        )
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
        _refuse_unconfirmed_past(effective_from, confirm_past=confirm_past)
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
    confirm_past: bool,
    mirrored_from: dict[str, Any] | None = None,
) -> Recorded:
    """End rule `rule_id` from `effective_from` (withdrawn before it took effect, it never does).

    Runs inside the caller's transaction. Refuses an unknown rule (404), a rule with no
    day in force on or after `effective_from` (409, `rule_not_in_force`): a withdrawal on a
    rule's last day in force is allowed; and, last, a day before today without
    `confirm_past` (422).
    """
    with within_caller_transaction("withdrawal_append"):
        rule = rule_locked(rule_id)
        require_reason_and_sources(reason, sources)
        _refuse_future_announcement(announced_on)
        entries = records.entries_of(rule.versions.prefetch_related("allowed_amounts"))
        if rules.in_force_days_overlap(entries, Period(effective_from)) is None:
            raise Conflict(
                f"rule {rule_id} is not in force on or after {effective_from}: nothing to withdraw",
                code="rule_not_in_force",
                field="effective_from",
            )
        _refuse_unconfirmed_past(effective_from, confirm_past=confirm_past)
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


def correction_append(
    *,
    rule_id: int,
    version: int,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    confirm_past: bool,
) -> Recorded:
    """Correct the announcement date recorded for version `version` of rule `rule_id`.

    Runs inside the caller's transaction. The correction restates that version (its action,
    terms and period) announced on `announced_on`, citing `sources`; the version it corrects
    stays in the history and no longer stands (`rules.standing`). Nothing is edited.
    Refuses an unknown rule (404), an unknown version (404 `version_not_found`), a version
    already corrected or itself a correction (409 `version_corrected`), an unchanged date
    (422 `announcement_unchanged`), what every decision is refused for (reason, sources, an
    announcement after today), and, last, a period starting before today without
    `confirm_past` (422).
    """
    with within_caller_transaction("correction_append"):
        rule = rule_locked(rule_id)
        require_reason_and_sources(reason, sources)
        _refuse_future_announcement(announced_on)
        rows = {v.version: v for v in rule.versions.prefetch_related("allowed_amounts")}
        wrong = rows.get(version)
        if wrong is None:
            raise NotFound(
                f"rule {rule_id} has no version {version}",
                code="version_not_found",
                field="version",
            )
        if wrong.corrects_version or any(v.corrects_version == version for v in rows.values()):
            raise Conflict(
                f"version {version} of rule {rule_id} is a correction or was already corrected",
                code="version_corrected",
                field="version",
            )
        if wrong.announced_on == announced_on:
            raise InvalidInput(
                f"version {version} was already recorded as announced on {announced_on}",
                code="announcement_unchanged",
                field="announced_on",
            )
        period = Period(wrong.effective_from, wrong.effective_to)
        _refuse_unconfirmed_past(period.start, confirm_past=confirm_past)
        return _append(
            rule,
            action=Action(wrong.action),
            terms=records.terms_of(wrong),
            period=period,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            legal_basis=wrong.legal_basis,
            mirrored_from=wrong.mirrored_from,
            corrects=version,
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
    corrects: int | None = None,
) -> Recorded:
    """Insert the next version of `rule` with its amounts, and audit it."""
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
        corrects_version=corrects,
        **records.terms_columns(terms),
    )
    AllowedAmount.objects.bulk_create(records.allowed_amounts(version, terms))
    recorded = Recorded(version, [warning] if warning else [])
    audit_record(
        AuditAction.RULE_CORRECTED if corrects is not None else AUDITED_AS[action],
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
    *,
    terms: RuleTerms,
    issuer: str,
    reason: str,
    sources: Sequence[Source],
    announced_on: dt.date,
) -> None:
    require_reason_and_sources(reason, sources)
    _refuse_future_announcement(announced_on)
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


def _refuse_unconfirmed_past(effective_from: dt.date, *, confirm_past: bool) -> None:
    # A decision that takes effect before today changes answers already given: the person
    # deciding confirms the date is meant, and the version's audit entry says it was
    # effective in the past (`_audit_details`).
    if effective_from < clock.today() and not confirm_past:
        raise InvalidInput(
            f"the decision would take effect on {effective_from}, before today: it changes "
            "answers already given; confirm that the date is meant",
            code="effective_in_past_unconfirmed",
            field="effective_from",
        )


def _refuse_future_announcement(announced_on: dt.date) -> None:
    # An announcement is a fact about the past: one dated after today has not been made.
    if announced_on > clock.today():
        raise InvalidInput(
            f"the announcement date {announced_on} is in the future: record an announcement "
            "once it is made",
            code="announced_in_future",
            field="announced_on",
        )


def require_reason(reason: str) -> None:
    """A decision says why, in at most `REASON_MAX` characters.

    Raises `InvalidInput` (422) `reason_missing` or `reason_too_long`, field `reason`.
    """
    if not reason.strip():
        raise InvalidInput("say why: a reason is required", code="reason_missing", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            f"a reason is at most {REASON_MAX:,} characters (this one has {len(reason):,})",
            code="reason_too_long",
            field="reason",
        )


def require_reason_and_sources(reason: str, sources: Sequence[Source]) -> None:
    """Every registry decision says why and cites a source.

    Raises `InvalidInput` (422): `reason_missing`/`reason_too_long` (field `reason`),
    `source_missing`/`source_too_long` (field `sources`).
    """
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
        # A version effective before the day it was recorded changed answers already given.
        "effective_in_past": v.effective_from < v.recorded_at.date(),
        **({"corrects_version": v.corrects_version} if v.corrects_version else {}),
    }
