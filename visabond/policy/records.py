"""Between registry rows and the plain values of `rules.py`, in both directions."""

from __future__ import annotations

from collections.abc import Iterable

from visabond.policy.models import AllowedAmount, RuleVersion
from visabond.policy.rules import Action, Period, RuleEntry, RuleTerms, VisaConditions


def terms_of(row: RuleVersion) -> RuleTerms | None:
    """The terms a version states (None for a withdrawal); reads its `allowed_amounts`,
    so prefetch them when reading many versions."""
    if row.action == Action.WITHDRAW:
        return None
    amounts = sorted(row.allowed_amounts.all(), key=lambda a: a.amount)
    standard = next((a for a in amounts if a.is_standard), None)
    return RuleTerms(
        bond_required=row.bond_required,
        amounts=tuple(a.money for a in amounts),
        standard_amount=None if standard is None else standard.money,
        visa=VisaConditions(row.entries, row.validity_days, row.max_stay_days),
        ports=tuple(row.ports),
        issuance_suspended=row.issuance_suspended,
        notes=row.notes,
    )


def entry_of(row: RuleVersion) -> RuleEntry:
    return RuleEntry(
        rule_id=row.rule_id,
        version=row.version,
        action=Action(row.action),
        period=Period(row.effective_from, row.effective_to),
        announced_on=row.announced_on,
        terms=terms_of(row),
        corrects=row.corrects_version,
    )


def entries_of(rows: Iterable[RuleVersion]) -> list[RuleEntry]:
    return [entry_of(r) for r in rows]


def terms_columns(terms: RuleTerms | None) -> dict[str, object]:
    """The RuleVersion columns that hold `terms` (a withdrawal holds none)."""
    if terms is None:
        return {"bond_required": False, "ports": []}
    return {
        "bond_required": terms.bond_required,
        "entries": terms.visa.entries,
        "validity_days": terms.visa.validity_days,
        "max_stay_days": terms.visa.max_stay_days,
        "ports": list(terms.ports),
        "issuance_suspended": terms.issuance_suspended,
        "notes": terms.notes,
    }


def allowed_amounts(version: RuleVersion, terms: RuleTerms | None) -> list[AllowedAmount]:
    """The rows of `terms`' amounts for `version`, the standard one marked."""
    if terms is None:
        return []
    return [
        AllowedAmount.of(version, amount, standard=amount == terms.standard_amount)
        for amount in terms.amounts
    ]
