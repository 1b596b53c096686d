"""A claim code between the officer's action and the printed bond notice that shows it once.

The code exists in clear only in the answer to the decision (or to a new code): the
console keeps it in the officer's own session until the bond notice (its page or its PDF)
is next rendered for that officer, which prints it and forgets it. Another officer, a
reprint, the applicant's own copy: none of them shows it again.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "claim_codes_to_print"


def claim_code_keep(request: HttpRequest, *, reference: str, code: str) -> None:
    """Hold `code` for the next printing of case `reference`'s bond notice by this session."""
    held = dict(request.session.get(SESSION_KEY, {}))
    held[reference] = code
    request.session[SESSION_KEY] = held


def claim_code_waiting(request: HttpRequest, *, reference: str) -> bool:
    """Whether a code of case `reference` waits to be printed in this session."""
    return reference in request.session.get(SESSION_KEY, {})


def claim_code_take(request: HttpRequest, *, reference: str) -> str:
    """The code of case `reference` waiting in this session, forgotten as it is taken; ""
    when none waits."""
    held = dict(request.session.get(SESSION_KEY, {}))
    code = held.pop(reference, "")
    if code:
        request.session[SESSION_KEY] = held
    return str(code)
