"""Consular casework as plain rules: a case's states, the bond decision, the issued visa.

Plain Python, no Django. The facts the rules come from:

- 22 CFR 41.11(c) and its temporary final rule (90 FR 37378, 2025-08-05): a consular officer
  may require a bond of an applicant for a B-1/B-2 visa who is a national of a designated
  country; the officer sets the amount at the interview: the standard amount ($10,000), a
  lower one for an applicant who cannot pay it ($5,000), a higher one where the standard
  would not deter given the extent of the applicant's contacts in the issuing state
  ($15,000). The officer may waive the bond only on a ground the program names (official
  government travel, urgent humanitarian reasons). A bond does not guarantee issuance.
- travel.state.gov: the applicant pays only after the officer's direction; the visa is
  annotated, valid for one entry within three months; admission typically up to 30 days,
  through the designated ports only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from visabond.core.errors import Conflict, InvalidInput, gettext_noop
from visabond.core.money import Money
from visabond.core.text import quoted
from visabond.documents.mrz import MrzError
from visabond.documents.mrz.writer import mrz_name_part


class CaseState(StrEnum):
    SUBMITTED = "submitted"
    INTERVIEWED = "interviewed"
    REFUSED = "refused"
    APPROVED = "approved"  # approved without a bond (none required, or waived)
    BOND_DIRECTED = "bond_directed"
    BOND_POSTED = "bond_posted"
    ISSUED = "issued"
    LAPSED = "lapsed"  # the directed bond was not paid within the program's period


# The states a case may move to from each state. A refusal may follow a posted bond: a bond
# does not guarantee issuance (the bond is then cancelled and returned).
CASE_TRANSITIONS: Mapping[CaseState, frozenset[CaseState]] = {
    CaseState.SUBMITTED: frozenset({CaseState.INTERVIEWED}),
    CaseState.INTERVIEWED: frozenset(
        {CaseState.REFUSED, CaseState.APPROVED, CaseState.BOND_DIRECTED}
    ),
    CaseState.APPROVED: frozenset({CaseState.ISSUED, CaseState.REFUSED}),
    CaseState.BOND_DIRECTED: frozenset(
        {CaseState.BOND_POSTED, CaseState.LAPSED, CaseState.REFUSED}
    ),
    CaseState.BOND_POSTED: frozenset({CaseState.ISSUED, CaseState.REFUSED}),
    CaseState.REFUSED: frozenset(),
    CaseState.ISSUED: frozenset(),
    CaseState.LAPSED: frozenset(),
}


# The states of a case still open: from each it can still move (CASE_TRANSITIONS), so it may
# yet be decided, directed a bond or issued a visa. A refused, lapsed or issued case is
# closed: its traveller may apply again (after a refusal, after a bond left unpaid, or for
# another trip), and a new case then directs no second bond for the same application.
OPEN_STATES: frozenset[CaseState] = frozenset(
    state for state, onward in CASE_TRANSITIONS.items() if onward
)


def case_transition(current: CaseState, target: CaseState) -> CaseState:
    """`target` if a case in `current` may move there; otherwise `Conflict` naming `current`."""
    if target not in CASE_TRANSITIONS[current]:
        allowed = ", ".join(sorted(CASE_TRANSITIONS[current])) or "nothing: the case is closed"
        raise Conflict(
            gettext_noop(
                "the case is %(current)s; from there it can become %(allowed)s, not %(target)s"
            ),
            code="case_state",
            field="state",
            params={"current": current.value, "allowed": allowed, "target": target.value},
        )
    return target


class AmountReason(StrEnum):
    """Why the officer set the amount (90 FR 37378: the three amounts and when each applies)."""

    STANDARD = "standard"
    UNABLE_TO_PAY_STANDARD = "unable_to_pay_standard"
    EXTENT_OF_CONTACTS = "extent_of_contacts"


@dataclass(frozen=True, slots=True)
class WaiverGround:
    """A ground on which the program allows an officer to waive the bond."""

    code: str
    label: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "source": self.source}


@dataclass(frozen=True, slots=True)
class CapturedRule:
    """The rule a decision was taken under, as it stood and was known on the decision day.

    Captured once on the case and never read again from the registry, so a later amendment
    changes nothing about a decided case.
    """

    rule_id: int | None
    version: int | None
    program: str
    legal_basis: str
    sources: tuple[dict[str, str], ...]
    decided_on: dt.date
    bond_required: bool
    amounts: tuple[Money, ...] = ()
    standard_amount: Money | None = None
    entries: int | None = None
    validity_days: int | None = None
    max_stay_days: int | None = None
    ports: tuple[str, ...] = ()
    issuance_suspended: bool = False
    waiver_grounds: tuple[WaiverGround, ...] = ()

    @property
    def currency(self) -> str | None:
        return self.standard_amount.currency if self.standard_amount else None

    @property
    def reference(self) -> str:
        """How notices and documents cite the rule: program, rule id and version."""
        if self.rule_id is None:
            return self.program
        return f"{self.program} rule {self.rule_id} v{self.version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "version": self.version,
            "program": self.program,
            "legal_basis": self.legal_basis,
            "sources": list(self.sources),
            "decided_on": self.decided_on.isoformat(),
            "bond_required": self.bond_required,
            "amounts": [m.as_string() for m in self.amounts],
            "standard_amount": self.standard_amount.as_string() if self.standard_amount else None,
            "currency": self.currency,
            "entries": self.entries,
            "validity_days": self.validity_days,
            "max_stay_days": self.max_stay_days,
            "ports": list(self.ports),
            "issuance_suspended": self.issuance_suspended,
            "waiver_grounds": [g.as_dict() for g in self.waiver_grounds],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CapturedRule:
        currency = data.get("currency") or ""
        standard = data.get("standard_amount")
        return cls(
            rule_id=data.get("rule_id"),
            version=data.get("version"),
            program=data["program"],
            legal_basis=data.get("legal_basis", ""),
            sources=tuple(data.get("sources", ())),
            decided_on=dt.date.fromisoformat(data["decided_on"]),
            bond_required=bool(data["bond_required"]),
            amounts=tuple(Money.of(a, currency) for a in data.get("amounts", ())),
            standard_amount=None if standard is None else Money.of(standard, currency),
            entries=data.get("entries"),
            validity_days=data.get("validity_days"),
            max_stay_days=data.get("max_stay_days"),
            ports=tuple(data.get("ports", ())),
            issuance_suspended=bool(data.get("issuance_suspended", False)),
            waiver_grounds=tuple(WaiverGround(**g) for g in data.get("waiver_grounds", ())),
        )


class Outcome(StrEnum):
    REFUSE = "refuse"
    APPROVE = "approve"  # issue without a bond
    DIRECT_BOND = "direct_bond"


@dataclass(frozen=True, slots=True)
class BondChoice:
    """What the officer chose at the interview: an amount with its reason, or a waiver."""

    amount: Money | None = None
    reason: AmountReason | None = None
    waiver_ground: str | None = None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """The validated outcome of an interview, with what the notice must explain."""

    outcome: Outcome
    amount: Money | None = None
    reason: AmountReason | None = None
    waiver: WaiverGround | None = None
    explanation: str = ""
    next_state: CaseState = field(init=False)

    def __post_init__(self) -> None:
        target = {
            Outcome.REFUSE: CaseState.REFUSED,
            Outcome.APPROVE: CaseState.APPROVED,
            Outcome.DIRECT_BOND: CaseState.BOND_DIRECTED,
        }[self.outcome]
        object.__setattr__(self, "next_state", target)


def interview_decision(rule: CapturedRule, outcome: Outcome, choice: BondChoice) -> Decision:
    """Validate an officer's decision against the captured rule.

    Raises `InvalidInput` naming the field: an explanation is always required; a bond only
    where the rule requires one, in one of its amounts and its currency, with the reason
    that fits the amount (the standard amount for `standard`, a lower one for
    `unable_to_pay_standard`, a higher one for `extent_of_contacts`); a waiver only on one
    of the program's grounds. Raises `Conflict` when issuance is suspended and the outcome
    is not a refusal. Source: 22 CFR 41.11(c); 90 FR 37378.
    """
    explanation = choice.explanation.strip()
    if not explanation:
        raise InvalidInput(
            gettext_noop("say why: the decision needs an explanation"),
            code="reason_missing",
            field="explanation",
        )
    if outcome is Outcome.REFUSE:
        return Decision(Outcome.REFUSE, explanation=explanation)
    if rule.issuance_suspended:
        raise Conflict(
            gettext_noop(
                "visa issuance is suspended for this nationality: only a refusal can be recorded"
            ),
            code="issuance_suspended",
            field="outcome",
        )
    if outcome is Outcome.APPROVE:
        return _approval(rule, choice, explanation)
    return _bond_direction(rule, choice, explanation)


def _approval(rule: CapturedRule, choice: BondChoice, explanation: str) -> Decision:
    if choice.amount is not None:
        raise InvalidInput(
            gettext_noop("an approval without a bond names no amount"),
            code="amount_unexpected",
            field="amount",
        )
    if not rule.bond_required:
        if choice.waiver_ground:
            raise InvalidInput(
                gettext_noop("no bond is required: there is nothing to waive"),
                code="waiver_unexpected",
                field="waiver_ground",
            )
        return Decision(Outcome.APPROVE, explanation=explanation)
    grounds = {g.code: g for g in rule.waiver_grounds}
    if not choice.waiver_ground:
        raise InvalidInput(
            gettext_noop(
                "the rule requires a bond: direct one, or waive it on a ground the program allows"
            ),
            code="bond_required",
            field="waiver_ground",
        )
    ground = grounds.get(choice.waiver_ground)
    if ground is None:
        allowed = ", ".join(grounds) or "none"
        raise InvalidInput(
            gettext_noop(
                "%(ground)s is not a ground the program allows for a waiver (allowed: %(allowed)s)"
            ),
            code="waiver_ground_not_allowed",
            field="waiver_ground",
            params={"ground": quoted(choice.waiver_ground), "allowed": allowed},
        )
    return Decision(Outcome.APPROVE, waiver=ground, explanation=explanation)


def _bond_direction(rule: CapturedRule, choice: BondChoice, explanation: str) -> Decision:
    if not rule.bond_required or rule.standard_amount is None:
        raise InvalidInput(
            gettext_noop("the rule in force requires no bond of this applicant"),
            code="bond_not_required",
            field="outcome",
        )
    amount = choice.amount
    if amount is None:
        raise InvalidInput(
            gettext_noop("name the bond's amount"), code="amount_missing", field="amount"
        )
    if amount.currency != rule.standard_amount.currency:
        raise InvalidInput(
            gettext_noop("the rule's amounts are in %(allowed)s, not %(currency)s"),
            code="currency_not_allowed",
            field="currency",
            params={"allowed": rule.standard_amount.currency, "currency": amount.currency},
        )
    if amount not in rule.amounts:
        raise InvalidInput(
            gettext_noop("%(amount)s is not an amount the rule allows (%(allowed)s)"),
            code="amount_not_allowed",
            field="amount",
            params={"amount": amount, "allowed": list(rule.amounts)},
        )
    if choice.reason is None:
        raise InvalidInput(
            gettext_noop("give the reason for the amount"),
            code="amount_reason_missing",
            field="reason",
        )
    _check_reason_fits(choice.reason, amount.amount, rule.standard_amount.amount)
    return Decision(
        Outcome.DIRECT_BOND, amount=amount, reason=choice.reason, explanation=explanation
    )


def _check_reason_fits(reason: AmountReason, amount: Decimal, standard: Decimal) -> None:
    fits = {
        AmountReason.STANDARD: amount == standard,
        AmountReason.UNABLE_TO_PAY_STANDARD: amount < standard,
        AmountReason.EXTENT_OF_CONTACTS: amount > standard,
    }[reason]
    if not fits:
        said = {
            AmountReason.STANDARD: gettext_noop(
                "the reason %(reason)s goes with the standard amount"
            ),
            AmountReason.UNABLE_TO_PAY_STANDARD: gettext_noop(
                "the reason %(reason)s goes with an amount below the standard"
            ),
            AmountReason.EXTENT_OF_CONTACTS: gettext_noop(
                "the reason %(reason)s goes with an amount above the standard"
            ),
        }[reason]
        raise InvalidInput(
            said, code="amount_reason_mismatch", field="reason", params={"reason": reason.value}
        )


def payment_deadline(directed_on: dt.date, *, payment_days: int) -> dt.date:
    """The last day a directed bond may be paid: `payment_days` after the direction's day."""
    return directed_on + dt.timedelta(days=payment_days)


def has_lapsed(directed_on: dt.date, *, payment_days: int, as_of: dt.date) -> bool:
    """Whether an unpaid direction has lapsed on `as_of` (the day after the deadline)."""
    return as_of > payment_deadline(directed_on, payment_days=payment_days)


@dataclass(frozen=True, slots=True)
class VisaTerms:
    """The conditions an issued visa carries, from the captured rule (single entry, 3 months)."""

    valid_from: dt.date
    valid_until: dt.date
    entries: int
    max_stay_days: int | None
    ports: tuple[str, ...]
    bond: Money | None
    # The form the program's bonds are posted on ("I-352" for the US pilot); "" where the
    # program names none (Mali's reciprocal bond is not a DHS form).
    bond_form: str = ""

    def annotation(self) -> str:
        """The visa's annotation, as printed on the foil (upper case, MRZ-safe words):
        "BOND POSTED 10,000 USD I-352; ENTRY/EXIT ONLY BOS JFK; MAX STAY 90 DAYS" for the
        US pilot, without the form where the program names none."""
        parts = []
        if self.bond is not None:
            posted = f"BOND POSTED {self.bond.amount:,.0f} {self.bond.currency}"
            parts.append(f"{posted} {self.bond_form.upper()}" if self.bond_form else posted)
        if self.ports:
            parts.append("ENTRY/EXIT ONLY " + " ".join(self.ports))
        if self.max_stay_days:
            parts.append(f"MAX STAY {self.max_stay_days} DAYS")
        return "; ".join(parts)


def visa_terms(
    rule: CapturedRule, *, issued_on: dt.date, bond: Money | None, bond_form: str
) -> VisaTerms:
    """The conditions of a visa issued on `issued_on` under `rule`, guaranteed by `bond`
    posted on the program's `bond_form` ("I-352" for the US pilot, "" if it names none).

    Validity counts the day of issue: a visa valid for 90 days from 2025-09-01 is valid
    until 2025-11-29. Without a validity in the rule, the visa is valid 90 days (the pilot's
    three months); without a number of entries, one entry.
    """
    validity = rule.validity_days or 90
    return VisaTerms(
        valid_from=issued_on,
        valid_until=issued_on + dt.timedelta(days=validity - 1),
        entries=rule.entries or 1,
        max_stay_days=rule.max_stay_days,
        ports=rule.ports,
        bond=bond,
        bond_form=bond_form,
    )


@dataclass(frozen=True, slots=True)
class Mismatch:
    field: str
    typed: str
    read: str


def identity_mismatches(typed: Mapping[str, Any], read: Mapping[str, Any]) -> list[Mismatch]:
    """The fields where what was typed differs from what the passport's MRZ says.

    Both sides are compared as the MRZ writes them: names upper case and transliterated
    (Doc 9303-3 §6, so "Zoë" matches "ZOE"), codes upper case, dates as ISO dates. Fields
    absent on either side are not compared.
    """
    mismatches = []
    for name, typed_value in typed.items():
        if name not in read or typed_value in (None, ""):
            continue
        left, right = _comparable(name, typed_value), _comparable(name, read[name])
        if left != right:
            mismatches.append(Mismatch(name, str(typed_value), str(read[name])))
    return mismatches


def _comparable(name: str, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if name in ("surname", "given_names"):
        try:
            return mrz_name_part(text, field=name).replace("<", " ")
        except MrzError:
            # A script with no MRZ transliteration cannot match letters read from a zone.
            return text.upper()
    return text.upper()


def missing_fields(values: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    return [name for name in required if values.get(name) in (None, "")]
