"""A claim code between the officer's action and the printed bond notice that shows it once.

The code exists in clear only in the answer to the decision (or to a new code): the
console keeps it in the officer's own session until the bond notice (its page or its PDF)
is next rendered for that officer, which prints it and forgets it. Another officer, a
reprint, the applicant's own copy: none of them shows it again. Of several notices rendered
at once for the same session exactly one prints it (`claim_code_printed`); the others say
it was printed already and that the post can issue a new one.
"""

from __future__ import annotations

from django.http import HttpRequest

from visabond.audit.actors import Actor
from visabond.casework.claim_services import claim_code_printed

SESSION_KEY = "claim_codes_to_print"


def claim_code_keep(request: HttpRequest, *, reference: str, code: str) -> None:
    """Hold `code` for the next printing of case `reference`'s bond notice by this session."""
    held = dict(request.session.get(SESSION_KEY, {}))
    held[reference] = code
    request.session[SESSION_KEY] = held


def claim_code_waiting(request: HttpRequest, *, reference: str) -> bool:
    """Whether a code of case `reference` waits to be printed in this session."""
    return reference in request.session.get(SESSION_KEY, {})


def claim_code_take(request: HttpRequest, *, reference: str, actor: Actor) -> str:
    """The code of case `reference` waiting in this session, forgotten as it is taken; ""
    when none waits, or when another printing took it first.

    Several requests of one session (a notice opened in two tabs, a page and its PDF, a
    double click) each read the session before any writes it back, so forgetting the code
    in the session alone let each of them print it; the case's claim row decides which one
    does (`claim_code_printed`).
    """
    held = dict(request.session.get(SESSION_KEY, {}))
    code = str(held.pop(reference, ""))
    if not code:
        return ""
    request.session[SESSION_KEY] = held
    return code if claim_code_printed(reference=reference, code=code, actor=actor) else ""
