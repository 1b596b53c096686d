"""Template filters of the finance pages: refund and transfer states in the reader's
language (`presenters.REFUND_STATES`, `TRANSFER_STATES`), never their stored codes."""

from __future__ import annotations

from django import template

from visabond.finance.presenters import REFUND_STATES, TRANSFER_STATES

register = template.Library()


@register.filter
def refund_state(state: str) -> str:
    """A refund's state (`refund_state_shown`) as the reader's language names it."""
    return str(REFUND_STATES.get(str(state), state))


@register.filter
def transfer_state(state: str) -> str:
    """A transfer's state as the reader's language names it."""
    return str(TRANSFER_STATES.get(str(state), state))
