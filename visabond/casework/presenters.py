"""How casework reads to people: the names of states and reasons in their language, and the
explanation of a decision that the console, the portal, the notices and the documents share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from visabond.bonds.lifecycle import BondState
from visabond.casework import selectors
from visabond.casework.models import Case
from visabond.casework.rules import AmountReason, CapturedRule, CaseState, Outcome, WaiverGround
from visabond.core.countries import localized_name
from visabond.core.money import Money

CASE_STATES: dict[str, Promise] = {
    CaseState.SUBMITTED: _("submitted"),
    CaseState.INTERVIEWED: _("interviewed"),
    CaseState.REFUSED: _("refused"),
    CaseState.APPROVED: _("approved"),
    CaseState.BOND_DIRECTED: _("bond directed"),
    CaseState.BOND_POSTED: _("bond posted"),
    CaseState.ISSUED: _("visa issued"),
    CaseState.LAPSED: _("lapsed"),
}

# The same states said of an application, as the portal names a case: French agrees the
# participle with "demande" (feminine) where the console's "dossier" is masculine.
APPLICATION_STATES: dict[str, Promise] = {
    CaseState.SUBMITTED: pgettext_lazy("application", "submitted"),
    CaseState.INTERVIEWED: pgettext_lazy("application", "interviewed"),
    CaseState.REFUSED: pgettext_lazy("application", "refused"),
    CaseState.APPROVED: pgettext_lazy("application", "approved"),
    CaseState.BOND_DIRECTED: pgettext_lazy("application", "bond directed"),
    CaseState.BOND_POSTED: pgettext_lazy("application", "bond posted"),
    CaseState.ISSUED: pgettext_lazy("application", "visa issued"),
    CaseState.LAPSED: pgettext_lazy("application", "lapsed"),
}

BOND_STATES: dict[str, Promise] = {
    BondState.DIRECTED: _("directed: awaiting payment"),
    BondState.POSTED: _("posted"),
    BondState.ACTIVE: _("active: guarantees the visa"),
    BondState.CANCELLED: _("cancelled: refund due"),
    BondState.REFUNDED: _("refunded"),
    BondState.BREACH_SUSPECTED: _("breach suspected"),
    BondState.BREACHED: _("breached"),
    BondState.FORFEITED: _("forfeited"),
    BondState.LAPSED: _("lapsed: not paid in time"),
}

# 90 FR 37378: the three amounts and when each applies.
AMOUNT_REASONS: dict[str, Promise] = {
    AmountReason.STANDARD: _("standard amount"),
    AmountReason.UNABLE_TO_PAY_STANDARD: _("lower: unable to pay the standard amount"),
    AmountReason.EXTENT_OF_CONTACTS: _("higher: extent of contacts in the issuing state"),
}

# What the officer may choose at the interview, and how a decision taken reads afterwards.
OUTCOMES: dict[str, Promise] = {
    Outcome.DIRECT_BOND: _("direct a bond"),
    Outcome.APPROVE: _("approve without a bond (none required, or waived)"),
    Outcome.REFUSE: _("refuse the visa"),
}
OUTCOMES_TAKEN: dict[str, Promise] = {
    Outcome.DIRECT_BOND: _("Bond directed"),
    Outcome.APPROVE: _("Approved without a bond"),
    Outcome.REFUSE: _("Visa refused"),
}

# The programs' waiver grounds by code (90 FR 37378), for readers of other languages; a
# ground only the data names keeps the label the data gives it.
WAIVER_GROUNDS: dict[str, Promise] = {
    "official_government_travel": _("Official government travel"),
    "urgent_humanitarian": _("Urgent humanitarian reasons"),
}


def waiver_label(ground: WaiverGround) -> str:
    """A waiver ground's label in the reader's language."""
    return str(WAIVER_GROUNDS.get(ground.code, ground.label))


def state_label(subject: str, state: str) -> str:
    """A case's or a bond's state as a person reads it ("" for no state). `subject` is
    "case", "bond", or "application" (a case as the portal names it, for its applicant)."""
    labels = {"bond": BOND_STATES, "application": APPLICATION_STATES}.get(subject, CASE_STATES)
    return str(labels.get(state, state))


@dataclass(frozen=True)
class DecisionShown:
    """A decided case's decision as the console, the portal and the documents explain it:
    the rule it was taken under (with its source), the amounts that rule allows, what was
    chosen and the reason given (22 CFR 41.11(c); 90 FR 37378)."""

    rule: CapturedRule
    outcome: str
    outcome_label: str
    amount: Money | None
    reason_label: str
    waiver: WaiverGround | None
    explanation: str
    decided_at: dt.datetime | None
    decided_by: str


def decision_shown(case: Case, *, amount: Money | None) -> DecisionShown | None:
    """The explanation of `case`'s decision, or None while it is undecided.

    `amount` is the directed bond's amount, if a bond was directed.
    """
    if not case.captured_rule or not case.outcome:
        return None
    rule = CapturedRule.from_json(case.captured_rule)
    waiver = next((g for g in rule.waiver_grounds if g.code == case.waiver_ground), None)
    return DecisionShown(
        rule=rule,
        outcome=case.outcome,
        outcome_label=str(OUTCOMES_TAKEN.get(case.outcome, case.outcome)),
        amount=amount,
        reason_label=str(AMOUNT_REASONS.get(case.amount_reason, "")),
        waiver=waiver,
        explanation=case.decision_explanation,
        decided_at=case.decided_at,
        decided_by="" if case.decided_by is None else case.decided_by.get_username(),
    )


def case_page(case: Case, *, history: bool = True) -> dict[str, Any]:
    """What the console's and the portal's case pages show of one case: its state, identity,
    bond, visa, the decision explained, and (with `history`) every transition of the case
    and its bond."""
    bond = selectors.bond_of(case)
    return {
        "case": case,
        "state": state_label("case", case.state),
        "nationality": localized_name(case.nationality, get_language()),
        "issuing_state": localized_name(case.passport_issuing_state, get_language()),
        "bond": bond,
        "bond_state": "" if bond is None else state_label("bond", bond.state),
        "visa": selectors.visa_of(case),
        "decision": decision_shown(case, amount=None if bond is None else bond.money),
        "timeline": [
            {
                "entry": entry,
                "before": state_label(entry.subject, entry.before),
                "after": state_label(entry.subject, entry.after),
            }
            for entry in (selectors.case_timeline(case) if history else [])
        ],
    }
