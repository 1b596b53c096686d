"""Reciprocity: state A applies to nationals of B the conditions B applies to nationals of A.

A directive says how B's rule reads in A's terms: which of A's visa classes stands for
each of B's (B-1/B-2 -> short stay), which of A's ports for each of B's (BOS, JFK, IAD ->
BKO), and an optional cap on the amount. Mirroring is a pure function of the source terms
and the directive; every mirrored rule carries the explanation it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.rules import RuleTerms


class Mode(StrEnum):
    AUTOMATIC = "automatic"  # designations and amendments of the source apply at once
    ADOPTED = "adopted"  # each mirrored change waits for a policy officer's approval


@dataclass(frozen=True, slots=True)
class Directive:
    issuer: str
    counterpart: str
    visa_class_mapping: Mapping[str, str]
    port_mapping: Mapping[str, str]
    cap: Money | None = None
    mode: Mode = Mode.ADOPTED

    def __post_init__(self) -> None:
        if self.issuer == self.counterpart:
            raise InvalidInput(
                "a state cannot reciprocate with itself",
                code="reciprocity_self",
                field="counterpart",
            )
        if not self.visa_class_mapping:
            raise InvalidInput(
                "name at least one of the counterpart's visa classes to mirror",
                code="visa_class_mapping_empty",
                field="visa_class_mapping",
            )
        if self.cap is not None and not self.cap.is_positive():
            raise InvalidInput("a cap must be positive", code="cap_not_positive", field="cap")

    def mirrors(self, *, issuer: str, nationality: str, visa_class: str) -> bool:
        """Whether a rule of `issuer` for `nationality` in `visa_class` is this directive's source."""
        return (
            issuer == self.counterpart
            and nationality == self.issuer
            and visa_class in self.visa_class_mapping
        )

    def echoes(self, *, origin_issuer: str) -> bool:
        """Whether mirroring a change that began in `origin_issuer` would bring it back home.

        The US mirrors Mali and Mali mirrors the US: Mali's mirror of a US rule is a change
        of Mali's rules, which the US directive would mirror back onto the US rule it came
        from. A change never returns to the state where it began: the chain A -> B -> A
        stops at B's mirror.
        """
        return origin_issuer == self.issuer


@dataclass(frozen=True, slots=True)
class Mirrored:
    visa_class: str
    terms: RuleTerms
    explanation: dict[str, Any]


def mirror(source: RuleTerms, *, source_visa_class: str, directive: Directive) -> Mirrored:
    """The terms state A applies, derived from B's terms for A's nationals."""
    target_class = directive.visa_class_mapping.get(source_visa_class)
    if target_class is None:
        raise InvalidInput(
            f"the directive does not map visa class {source_visa_class}",
            code="visa_class_unmapped",
            field="visa_class_mapping",
        )
    ports = _mapped_ports(source.ports, directive.port_mapping)
    # The source's notes speak of its own procedures (a US form, a US payment channel).
    terms = replace(source, ports=ports, notes="")
    capped: dict[str, str] = {}
    if source.bond_required and directive.cap is not None:
        terms, capped = _capped(terms, directive.cap)
    explanation: dict[str, Any] = {
        "visa_class_mapping": {source_visa_class: target_class},
        "port_mapping": {p: directive.port_mapping[p] for p in source.ports},
        "cap": None if directive.cap is None else directive.cap.to_json(),
        "amounts_capped": capped,
    }
    return Mirrored(visa_class=target_class, terms=terms, explanation=explanation)


def _mapped_ports(ports: tuple[str, ...], mapping: Mapping[str, str]) -> tuple[str, ...]:
    unmapped = [p for p in ports if p not in mapping]
    if unmapped:
        raise InvalidInput(
            f"the directive maps no port for {', '.join(unmapped)}",
            code="port_unmapped",
            field="port_mapping",
        )
    return tuple(dict.fromkeys(mapping[p] for p in ports))


def _capped(terms: RuleTerms, cap: Money) -> tuple[RuleTerms, dict[str, str]]:
    """Amounts above the cap become the cap: 'up to $10,000' allows no higher amount.

    Returns the capped terms and, for the explanation, each amount that was lowered with
    the amount it became ({"15000.00": "10000.00"}).
    """
    if terms.currency != cap.currency:
        raise InvalidInput(
            f"the cap is in {cap.currency} but the source rule's amounts are in {terms.currency}",
            code="cap_currency_mismatch",
            field="cap",
        )
    amounts = tuple(sorted({min(a, cap) for a in terms.amounts}))
    capped = {a.as_string(): cap.as_string() for a in terms.amounts if a > cap}
    standard = None if terms.standard_amount is None else min(terms.standard_amount, cap)
    return replace(terms, amounts=amounts, standard_amount=standard), capped
