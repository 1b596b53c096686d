"""What the printed documents say, read from the case: the visa foil and the bond notice.

The conditions come from the rule captured on the case at its decision, never from the
registry as it stands today, so a reprint says what the decision said.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from visabond.bonds.models import BondTerms
from visabond.casework import selectors
from visabond.casework.models import Case
from visabond.casework.presenters import decision_shown
from visabond.core.countries import localized_name
from visabond.core.errors import NotFound


def visa_foil_context(case: Case) -> dict[str, Any]:
    """The visa foil of an issued case: the annotated visa and its MRV-A zone (Doc 9303-7),
    and `bond_form`, the form the program's bonds are posted on ("I-352" for the US pilot;
    "" where the program names none, as Mali's reciprocal measure).

    Raises `NotFound` (`visa_not_issued`) while no visa is issued for the case.
    """
    visa = selectors.visa_of(case)
    if visa is None:
        raise NotFound(
            f"no visa is issued for case {case.reference}",
            code="visa_not_issued",
            field="reference",
        )
    bond = selectors.bond_of(case)
    terms = BondTerms.objects.filter(program=case.program).first()
    return {
        "case": case,
        "visa": visa,
        "bond": bond,
        "bond_form": "" if terms is None else terms.bond_form,
        "issuer": localized_name(case.program.issuer, get_language()),
        "nationality": localized_name(case.nationality, get_language()),
        "decision": decision_shown(case, amount=None if bond is None else bond.money),
    }


def bond_notice_context(case: Case) -> dict[str, Any]:
    """The notice of a directed bond (Form I-352 terms): the obligor, the amount, the visa's
    conditions, when the bond is returned and when it is forfeited, the rule and its source,
    how to pay and by when, and the program's refund promise.

    Raises `NotFound` (`bond_not_directed`) while no bond is directed for the case.
    """
    bond = selectors.bond_of(case)
    if bond is None:
        raise NotFound(
            f"no bond is directed for case {case.reference}",
            code="bond_not_directed",
            field="reference",
        )
    return {
        "case": case,
        "bond": bond,
        "visa": selectors.visa_of(case),
        "terms": BondTerms.objects.filter(program=case.program).first(),
        "issuer": localized_name(case.program.issuer, get_language()),
        "nationality": localized_name(case.nationality, get_language()),
        "decision": decision_shown(case, amount=bond.money),
    }
