"""Between registry rows and the plain values of `rules.py`, in both directions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from visabond.core.money import format_amount
from visabond.policy.models import RuleVersion
from visabond.policy.rules import Action, Period, RuleEntry, RuleTerms, VisaConditions


def terms_of(row: RuleVersion) -> RuleTerms | None:
    if row.action == Action.WITHDRAW:
        return None
    return RuleTerms(
        bond_required=row.bond_required,
        amounts=tuple(Decimal(a) for a in row.amounts),
        standard_amount=row.standard_amount,
        currency=row.currency or None,
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
    )


def entries_of(rows: Iterable[RuleVersion]) -> list[RuleEntry]:
    return [entry_of(r) for r in rows]


def terms_fields(terms: RuleTerms | None) -> dict[str, Any]:
    """The RuleVersion columns that hold `terms` (a withdrawal holds none)."""
    if terms is None:
        return {"bond_required": False, "amounts": [], "ports": []}
    return {
        "bond_required": terms.bond_required,
        "amounts": [format_amount(a, terms.currency) for a in terms.amounts],
        "standard_amount": terms.standard_amount,
        "currency": terms.currency or "",
        "entries": terms.visa.entries,
        "validity_days": terms.visa.validity_days,
        "max_stay_days": terms.visa.max_stay_days,
        "ports": list(terms.ports),
        "issuance_suspended": terms.issuance_suspended,
        "notes": terms.notes,
    }


def terms_json(terms: RuleTerms) -> dict[str, Any]:
    return {
        "bond_required": terms.bond_required,
        "amounts": [format_amount(a, terms.currency) for a in terms.amounts],
        "standard_amount": None
        if terms.standard_amount is None
        else format_amount(terms.standard_amount, terms.currency),
        "currency": terms.currency,
        "visa": {
            "entries": terms.visa.entries,
            "validity_days": terms.visa.validity_days,
            "max_stay_days": terms.visa.max_stay_days,
        },
        "ports": list(terms.ports),
        "issuance_suspended": terms.issuance_suspended,
        "notes": terms.notes,
    }


def terms_from_json(data: dict[str, Any]) -> RuleTerms:
    visa = data.get("visa") or {}
    standard = data.get("standard_amount")
    return RuleTerms(
        bond_required=bool(data["bond_required"]),
        amounts=tuple(Decimal(a) for a in data.get("amounts", [])),
        standard_amount=None if standard is None else Decimal(standard),
        currency=data.get("currency"),
        visa=VisaConditions(
            visa.get("entries"), visa.get("validity_days"), visa.get("max_stay_days")
        ),
        ports=tuple(data.get("ports", [])),
        issuance_suspended=bool(data.get("issuance_suspended", False)),
        notes=data.get("notes", ""),
    )
