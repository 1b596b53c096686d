"""Reads of the policy registry: the requirement lookup, timelines, the review queue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from visabond.core import clock
from visabond.core.countries import Country, resolve_country
from visabond.core.country_names import country_name
from visabond.core.dates import parse_date, parse_optional_date
from visabond.core.errors import InvalidInput, NotFound
from visabond.policy import mirroring, records, rules
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule, RuleVersion
from visabond.policy.rules import WILDCARD_CLASS, RuleEntry
from visabond.policy.terms import terms_from_json, terms_to_json
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


@dataclass(frozen=True)
class RequirementQuestion:
    """A question to the registry, checked: countries resolved to ISO 3166 alpha-3, the visa
    class the issuer's own code, days parsed."""

    issuing: Country
    national: Country
    visa_class: str
    on: dt.date
    known_on: dt.date | None


def requirement_question(
    *,
    issuer: str,
    nationality: str,
    visa_class: str,
    on: str | dt.date,
    known_on: str | dt.date | None = None,
) -> RequirementQuestion:
    """The question as typed or sent, checked.

    Raises `InvalidInput` naming the field: an unknown country or visa class, a day that is
    not one, an applicant asking their own state (`nationality_is_issuer`).
    """
    issuing = resolve_country(issuer, field="issuer")
    national = resolve_country(nationality, field="nationality")
    if national.alpha_3 == issuing.alpha_3:
        raise InvalidInput(
            f"nationals {country_name(issuing.alpha_3, 'en').of} need no visa of their own "
            "state: choose another destination or nationality",
            code="nationality_is_issuer",
            field="nationality",
        )
    return RequirementQuestion(
        issuing,
        national,
        normalise_visa_class(issuing.alpha_3, visa_class),
        parse_date(on, field="on"),
        parse_optional_date(known_on, field="known_on"),
    )


@dataclass(frozen=True)
class KeyVersions:
    """Every version of the rules of one issuer for one nationality, for a visa class or for
    all classes (`*`): all a requirement reads, whatever the day asked."""

    rows: tuple[RuleVersion, ...]
    entries: dict[tuple[int, str], list[RuleEntry]]


def key_versions(*, issuer: str, nationality: str, visa_class: str) -> KeyVersions:
    """The versions a question about `issuer`, `nationality` (alpha-3) and `visa_class` (the
    issuer's code) reads: one query for the versions, one for their amounts."""
    rows = tuple(
        RuleVersion.objects.filter(
            rule__issuer=issuer,
            rule__nationality=nationality,
            rule__visa_class__in=[visa_class, WILDCARD_CLASS],
        )
        .select_related("rule__program")
        .prefetch_related("allowed_amounts")
    )
    entries: dict[tuple[int, str], list[RuleEntry]] = defaultdict(list)
    for row in rows:
        entries[(row.rule_id, row.rule.visa_class)].append(records.entry_of(row))
    return KeyVersions(rows, dict(entries))


def requirement_answer(
    question: RequirementQuestion,
    versions: KeyVersions,
    *,
    registered: Callable[[], Collection[str]],
) -> RequirementAnswer:
    """The answer to `question` from the versions it reads (no query, unless no version is
    found and `registered()`, the issuers with a program, is asked).

    Raises `NotFound` (`issuer_not_registered`) for a state with no program in the registry:
    the registry knows nothing of that state's rules, which is not "no bond".
    """
    issuing = question.issuing
    if not versions.rows and issuing.alpha_3 not in registered():
        raise NotFound(
            f"visabond has no information about the visa rules "
            f"{country_name(issuing.alpha_3, 'en').of} ({issuing.alpha_3}): no program of that "
            "state is in the registry, which is not an answer that no bond is required",
            code="issuer_not_registered",
            field="issuer",
        )
    found = rules.requirement(
        versions.entries, visa_class=question.visa_class, on=question.on, known_on=question.known_on
    )
    by_version = {(r.rule_id, r.version): r for r in versions.rows}
    return RequirementAnswer(
        issuing,
        question.national,
        question.visa_class,
        question.on,
        question.known_on,
        found,
        by_version,
    )


def requirement_lookup(
    *,
    issuer: str,
    nationality: str,
    visa_class: str,
    on: str | dt.date,
    known_on: str | dt.date | None = None,
) -> RequirementAnswer:
    """What `issuer` requires of a national of `nationality` applying for `visa_class` on `on`.

    With `known_on`, only what had been announced by that date counts. Raises what
    `requirement_question` and `requirement_answer` raise.
    """
    question = requirement_question(
        issuer=issuer, nationality=nationality, visa_class=visa_class, on=on, known_on=known_on
    )
    versions = key_versions(
        issuer=question.issuing.alpha_3,
        nationality=question.national.alpha_3,
        visa_class=question.visa_class,
    )
    return requirement_answer(question, versions, registered=registered_issuers)


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


def registered_issuers() -> set[str]:
    """Alpha-3 codes of the states that have at least one program in the registry."""
    return set(Program.objects.values_list("issuer", flat=True))


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


@dataclass(frozen=True)
class AnswerPreview:
    """The public answer on the day a decision takes effect, before and after recording it."""

    on: dt.date
    visa_class: str
    before: rules.Requirement
    after: rules.Requirement

    @property
    def in_the_past(self) -> bool:
        """The decision changes answers already given (it needs the person's confirmation)."""
        return self.on < clock.today()


def decision_preview(
    *,
    issuer: str,
    nationality: str,
    visa_class: str,
    rule_id: int | None,
    action: rules.Action,
    period: rules.Period,
    announced_on: dt.date,
    terms: rules.RuleTerms | None,
) -> AnswerPreview:
    """What the public answer for `issuer`, `nationality` and `visa_class` becomes on
    `period.start` if a version with `action` and `terms` were added to rule `rule_id` (None:
    a new rule). Computed on the rules' plain values, as the lookup reads them; nothing is
    written, and what the append step would refuse is not checked here.
    """
    grouped = key_versions(issuer=issuer, nationality=nationality, visa_class=visa_class).entries
    on = period.start
    before = rules.requirement(grouped, visa_class=visa_class, on=on)
    key = (rule_id or 0, visa_class)
    latest = max((e.version for e in grouped.get(key, [])), default=0)
    entry = RuleEntry(key[0], latest + 1, action, period, announced_on, terms)
    proposed = {k: list(v) for k, v in grouped.items()}
    proposed.setdefault(key, []).append(entry)
    after = rules.requirement(proposed, visa_class=visa_class, on=on)
    return AnswerPreview(on, visa_class, before, after)


def review_preview(
    review: ReciprocityReview, *, effective_from: dt.date | None, announced_on: dt.date
) -> AnswerPreview:
    """What approving `review` from `effective_from` (default: the day both the source change
    and the directive are in effect) would answer; nothing is written."""
    directive, source = review.directive, review.source_version
    start = mirroring.review_effective_from(review, effective_from)
    mirror = review.mirror_rule
    withdrawal = source.action == rules.Action.WITHDRAW
    return decision_preview(
        issuer=directive.issuer,
        nationality=directive.counterpart,
        visa_class=review.proposal.get("visa_class") or (mirror.visa_class if mirror else ""),
        rule_id=mirror.pk if mirror else None,
        action=rules.Action.WITHDRAW
        if withdrawal
        else (rules.Action.AMEND if mirror else rules.Action.DESIGNATE),
        period=rules.Period(start) if withdrawal else rules.Period(start, source.effective_to),
        announced_on=announced_on,
        terms=None if withdrawal else terms_from_json(review.proposal["terms"]),
    )
