"""Policy rules as plain values, and which one is in force on a day as known on another.

A rule (a designation) is a lineage of immutable entries: the designation itself, then
amendments and withdrawals. Each entry states terms over a period of effective dates and
was announced on a date. History is never overwritten, so two questions have answers:

- in force on D: among all entries whose period contains D, the latest announced wins;
- known on K about D: the same, counting only entries announced on or before K.

A withdrawal is an entry without terms: where it wins, nothing is in force. This is how
the real case reads: Mali was announced on 2025-10-08 for 2025-10-23 and dropped on
2025-10-23, so on 2025-10-24 a bond was required as known on 2025-10-20, and not as known
on 2025-10-24.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from visabond.core.errors import InvalidInput
from visabond.core.money import Money

WILDCARD_CLASS = "*"


class Action(StrEnum):
    DESIGNATE = "designate"
    AMEND = "amend"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Period:
    """Effective dates, both ends inclusive; `end` None means until further notice."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidInput(
                f"the period ends ({self.end}) before it starts ({self.start})",
                code="period_inverted",
                field="effective_to",
            )

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def boundaries(self) -> tuple[dt.date, ...]:
        """Days on which coverage by this period can change: its start and the day after its end."""
        if self.end is None:
            return (self.start,)
        return (self.start, self.end + dt.timedelta(days=1))


@dataclass(frozen=True, slots=True)
class VisaConditions:
    """Conditions of the visa issued under the rule; None means the rule leaves it open."""

    entries: int | None = None
    validity_days: int | None = None
    max_stay_days: int | None = None


@dataclass(frozen=True, slots=True)
class RuleTerms:
    """What a rule requires: the bond amounts an officer may set (one of them the standard,
    22 CFR 41.11(c): $10,000 standard among $5,000/$10,000/$15,000), the visa's conditions,
    the designated ports, whether issuance is suspended."""

    bond_required: bool
    amounts: tuple[Money, ...] = ()
    standard_amount: Money | None = None
    visa: VisaConditions = field(default_factory=VisaConditions)
    ports: tuple[str, ...] = ()
    issuance_suspended: bool = False
    notes: str = ""

    def __post_init__(self) -> None:
        validate_terms(self)

    @property
    def currency(self) -> str | None:
        """The currency of the amounts; None for a rule that requires no bond."""
        return self.amounts[0].currency if self.amounts else None


def validate_terms(terms: RuleTerms) -> None:
    """A bond rule names its amounts in one currency and a standard among them; others none."""
    if terms.bond_required:
        if not terms.amounts:
            raise InvalidInput(
                "a bond rule needs at least one amount", code="amounts_missing", field="amounts"
            )
        if len({a.currency for a in terms.amounts}) > 1:
            raise InvalidInput(
                "a rule's amounts are all in one currency", code="currency_mixed", field="amounts"
            )
        if terms.standard_amount is None or terms.standard_amount not in terms.amounts:
            raise InvalidInput(
                "the standard amount must be one of the allowed amounts",
                code="standard_not_allowed",
                field="standard_amount",
            )
        if not all(a.is_positive() for a in terms.amounts):
            raise InvalidInput(
                "bond amounts must be positive", code="amount_not_positive", field="amounts"
            )
        if list(terms.amounts) != sorted(set(terms.amounts)):
            raise InvalidInput(
                "amounts must be listed once each, in increasing order",
                code="amounts_unordered",
                field="amounts",
            )
    elif terms.amounts or terms.standard_amount is not None:
        raise InvalidInput(
            "a rule that requires no bond cannot name amounts",
            code="amounts_without_bond",
            field="amounts",
        )
    for name in ("entries", "validity_days", "max_stay_days"):
        value = getattr(terms.visa, name)
        if value is not None and value < 1:
            raise InvalidInput(
                f"{name} must be at least 1", code="visa_condition_invalid", field=name
            )


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One immutable entry of a rule's history.

    `corrects` names an earlier version of the same rule that this one restates with its facts
    corrected (an announcement date recorded wrongly): that version no longer stands.
    """

    rule_id: int
    version: int
    action: Action
    period: Period
    announced_on: dt.date
    terms: RuleTerms | None
    corrects: int | None = None

    @property
    def is_withdrawal(self) -> bool:
        return self.terms is None

    def precedence(self) -> tuple[dt.date, int]:
        # Later announcements win; on the same day, the later recorded version wins.
        return (self.announced_on, self.version)


def standing(entries: Iterable[RuleEntry]) -> list[RuleEntry]:
    """The entries of one rule that stand: a version corrected by another counts as never
    recorded, whatever the day asked or known on (its correction restates it rightly)."""
    listed = list(entries)
    corrected = {e.corrects for e in listed if e.corrects is not None}
    return [e for e in listed if e.version not in corrected]


def entry_in_force(
    entries: Iterable[RuleEntry], *, on: dt.date, known_on: dt.date | None = None
) -> RuleEntry | None:
    """The entry of one rule that decides day `on` as known on `known_on`, or None."""
    deciding: RuleEntry | None = None
    for entry in standing(entries):
        if known_on is not None and entry.announced_on > known_on:
            continue
        if entry.period.contains(on) and (
            deciding is None or entry.precedence() > deciding.precedence()
        ):
            deciding = entry
    if deciding is None or deciding.is_withdrawal:
        return None
    return deciding


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of days over which one entry (or nothing) is in force."""

    start: dt.date
    end: dt.date | None
    entry: RuleEntry | None


def timeline(entries: Sequence[RuleEntry], *, known_on: dt.date | None = None) -> list[Segment]:
    """The rule's history as consecutive segments, as known on `known_on`."""
    known = [e for e in standing(entries) if known_on is None or e.announced_on <= known_on]
    days = sorted({day for e in known for day in e.period.boundaries()})
    segments: list[Segment] = []
    for index, start in enumerate(days):
        end = days[index + 1] - dt.timedelta(days=1) if index + 1 < len(days) else None
        entry = entry_in_force(known, on=start)
        if segments and segments[-1].entry == entry:
            segments[-1] = Segment(segments[-1].start, end, entry)
        else:
            segments.append(Segment(start, end, entry))
    return [s for s in segments if s.entry is not None]


def in_force_days_overlap(entries: Sequence[RuleEntry], period: Period) -> Segment | None:
    """The first segment of the rule in force during any day of `period`, if any."""
    for segment in timeline(entries):
        if segment.end is not None and segment.end < period.start:
            continue
        if period.end is not None and segment.start > period.end:
            continue
        return segment
    return None


def notice_shortfall(*, announced_on: dt.date, effective_from: dt.date, notice_days: int) -> int:
    """How many days short of the program's notice period an announcement is (0 when enough)."""
    given = (effective_from - announced_on).days
    return max(0, notice_days - given)


@dataclass(frozen=True, slots=True)
class Requirement:
    """What applies to one applicant: the deciding entry and any all-classes measure beside it."""

    entry: RuleEntry | None
    measures: tuple[RuleEntry, ...]

    @property
    def terms(self) -> RuleTerms | None:
        return None if self.entry is None else self.entry.terms

    @property
    def bond_required(self) -> bool:
        return self.terms is not None and self.terms.bond_required

    @property
    def issuance_suspended(self) -> bool:
        return any(m.terms is not None and m.terms.issuance_suspended for m in self.measures)


def requirement(
    rules: Mapping[tuple[int, str], Sequence[RuleEntry]],
    *,
    visa_class: str,
    on: dt.date,
    known_on: dt.date | None = None,
) -> Requirement:
    """Combine the rules for one issuer and nationality into the requirement for a visa class.

    `rules` maps (rule id, the rule's visa class) to its entries. A rule for the class
    itself decides the bond; a rule for all classes (`*`, e.g. a suspension of issuance)
    decides only where there is none, and always adds its suspension.
    """
    in_force: list[tuple[bool, RuleEntry]] = []
    for (_, rule_class), entries in rules.items():
        if rule_class not in (visa_class, WILDCARD_CLASS):
            continue
        entry = entry_in_force(entries, on=on, known_on=known_on)
        if entry is not None:
            in_force.append((rule_class == visa_class, entry))
    in_force.sort(key=lambda pair: (pair[0], pair[1].precedence()), reverse=True)
    measures = tuple(entry for _, entry in in_force)
    return Requirement(entry=measures[0] if measures else None, measures=measures)
