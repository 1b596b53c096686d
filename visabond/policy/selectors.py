"""Reads of the policy registry: the requirement lookup, timelines, the review queue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from visabond.core.countries import Country, resolve_country
from visabond.core.dates import parse_date, parse_optional_date
from visabond.core.errors import NotFound
from visabond.policy import records, rules
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule, RuleVersion
from visabond.policy.rules import WILDCARD_CLASS, RuleEntry
from visabond.policy.terms import terms_to_json
from visabond.policy.visa_classes import normalise_visa_class


@dataclass(frozen=True)
class RequirementAnswer:
    """The answer to 'what does issuer require of this national for this visa on this day'."""

    issuer: Country
    nationality: Country
    visa_class: str
    on: dt.date
    known_on: dt.date | None
    requirement: rules.Requirement
    versions: dict[tuple[int, int], RuleVersion]

    def deciding_version(self) -> RuleVersion | None:
        entry = self.requirement.entry
        return None if entry is None else self.versions[(entry.rule_id, entry.version)]

    def to_json_dict(self) -> dict[str, Any]:
        terms = terms_to_json(self.requirement.terms)
        row = self.deciding_version()
        return {
            "issuer": self.issuer.alpha_3,
            "nationality": self.nationality.alpha_3,
            "visa_class": self.visa_class,
            "on": self.on.isoformat(),
            "known_on": self.known_on.isoformat() if self.known_on else None,
            "bond_required": self.requirement.bond_required,
            "amounts": terms["amounts"],
            "standard_amount": terms["standard_amount"],
            "currency": terms["currency"],
            "ports": terms["ports"],
            "visa": terms["visa"],
            "issuance_suspended": self.requirement.issuance_suspended,
            "effective_from": row.effective_from.isoformat() if row else None,
            "effective_to": row.effective_to.isoformat() if row and row.effective_to else None,
            "announced_on": row.announced_on.isoformat() if row else None,
            "rule_id": row.rule_id if row else None,
            "version": row.version if row else None,
            "program": row.rule.program.name if row else None,
            "legal_basis": row.legal_basis if row else None,
            "sources": self._sources(),
            "notes": [
                m.terms.notes for m in self.requirement.measures if m.terms and m.terms.notes
            ],
            "mirrored_from": row.mirrored_from if row else None,
        }

    def _sources(self) -> list[dict[str, str]]:
        seen: list[dict[str, str]] = []
        for entry in self.requirement.measures:
            for source in self.versions[(entry.rule_id, entry.version)].sources:
                if source not in seen:
                    seen.append(source)
        return seen


def requirement_lookup(
    *,
    issuer: str,
    nationality: str,
    visa_class: str,
    on: str | dt.date,
    known_on: str | dt.date | None = None,
) -> RequirementAnswer:
    """What `issuer` requires of a national of `nationality` applying for `visa_class` on `on`.

    With `known_on`, only what had been announced by that date counts.
    """
    issuing = resolve_country(issuer, field="issuer")
    national = resolve_country(nationality, field="nationality")
    visa = normalise_visa_class(issuing.alpha_3, visa_class)
    day = parse_date(on, field="on")
    known = parse_optional_date(known_on, field="known_on")
    rows = list(
        RuleVersion.objects.filter(
            rule__issuer=issuing.alpha_3,
            rule__nationality=national.alpha_3,
            rule__visa_class__in=[visa, WILDCARD_CLASS],
        )
        .select_related("rule__program")
        .prefetch_related("allowed_amounts")
    )
    grouped: dict[tuple[int, str], list[RuleEntry]] = defaultdict(list)
    for row in rows:
        grouped[(row.rule_id, row.rule.visa_class)].append(records.entry_of(row))
    found = rules.requirement(grouped, visa_class=visa, on=day, known_on=known)
    versions = {(r.rule_id, r.version): r for r in rows}
    return RequirementAnswer(issuing, national, visa, day, known, found, versions)


@dataclass(frozen=True)
class RuleHistory:
    rule: Rule
    versions: Sequence[RuleVersion]
    segments: Sequence[rules.Segment]

    def in_force_on(self, day: dt.date) -> bool:
        return any(s.start <= day and (s.end is None or day <= s.end) for s in self.segments)


def rule_histories(
    *, issuer: str | None = None, nationality: str | None = None
) -> list[RuleHistory]:
    """Every rule with its versions and its timeline as known today, by issuer then country."""
    queryset: QuerySet[Rule] = Rule.objects.select_related("program").prefetch_related(
        "versions__allowed_amounts"
    )
    if issuer:
        queryset = queryset.filter(issuer=issuer)
    if nationality:
        queryset = queryset.filter(nationality=nationality)
    histories = []
    for rule in queryset.order_by("issuer", "nationality", "visa_class", "pk"):
        versions = list(rule.versions.all())
        segments = rules.timeline(records.entries_of(versions))
        histories.append(RuleHistory(rule, versions, segments))
    return histories


def rule_history(rule_id: int) -> RuleHistory:
    """Rule `rule_id` with its versions and timeline; `NotFound` (404) when there is none."""
    try:
        rule = (
            Rule.objects.select_related("program")
            .prefetch_related("versions__allowed_amounts")
            .get(pk=rule_id)
        )
    except Rule.DoesNotExist:
        raise NotFound(
            f"there is no rule {rule_id}", code="rule_not_found", field="rule_id"
        ) from None
    versions = list(rule.versions.all())
    return RuleHistory(rule, versions, rules.timeline(records.entries_of(versions)))


def designation_counts(*, issuer: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """How many nationalities a bond was required of, on each day a count changes."""
    histories = rule_histories(issuer=issuer)
    days = sorted(
        {start}
        | {
            day
            for h in histories
            for s in h.segments
            for day in (s.start, (s.end or end) + dt.timedelta(days=1))
            if start <= day <= end
        }
    )
    points: list[tuple[dt.date, int]] = []
    for day in days:
        count = len(
            {
                h.rule.nationality
                for h in histories
                for s in h.segments
                if s.entry is not None
                and s.entry.terms is not None
                and s.entry.terms.bond_required
                and s.start <= day
                and (s.end is None or day <= s.end)
            }
        )
        if not points or points[-1][1] != count:
            points.append((day, count))
    return points


def review_queue(
    *, status: Sequence[str] = (ReviewStatus.PENDING, ReviewStatus.APPLIED, ReviewStatus.ECHO)
) -> list[ReciprocityReview]:
    """Reviews to act on: pending a decision, applied automatically, or echoes stopped."""
    return list(
        ReciprocityReview.objects.filter(status__in=list(status))
        .select_related("directive", "source_version__rule", "mirror_rule")
        .order_by("created_at", "pk")
    )


def programs() -> list[Program]:
    return list(Program.objects.order_by("issuer", "code"))


def program_by_code(code: str) -> Program:
    try:
        return Program.objects.get(code=code)
    except Program.DoesNotExist:
        known = ", ".join(Program.objects.values_list("code", flat=True))
        raise NotFound(
            f"there is no program {code!r}; known programs: {known}",
            code="program_not_found",
            field="program",
        ) from None
