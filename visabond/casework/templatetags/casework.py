"""Template filters of casework pages and documents: a rule and a waiver ground, as the
reader's language names them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from visabond.casework.presenters import state_label
from visabond.casework.presenters import waiver_label as _waiver_label
from visabond.casework.rules import CapturedRule, WaiverGround

register = template.Library()


@register.filter
def rule_reference(rule: CapturedRule) -> str:
    """ "us-visa-bond-pilot rule 5 v1", with "rule" in the reader's language."""
    if rule.rule_id is None:
        return rule.program
    return f"{rule.program} {_('rule')} {rule.rule_id} v{rule.version}"


@register.filter
def waiver_label(ground: WaiverGround) -> str:
    return _waiver_label(ground)


@register.filter
def bond_state(state: str) -> str:
    """A bond's state as the reader's language names it (never its stored code)."""
    return state_label("bond", state)
