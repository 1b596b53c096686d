"""The adjudication console: the adjudications waiting, one with its evidence, the decision,
the second approval; and the obligor's contest of a forfeiture.

A bond adjudicator reads every adjudication and decides (`services.adjudication_decide`):
a breach forfeits the bond, none cancels it; above the program's amount the forfeiture
waits for a second adjudicator (`services.adjudication_approve`), never the one who decided,
and the page says who decided and that it waits. The obligor (an applicant) contests their
own forfeiture within the program's period (`services.adjudication_contest`); anyone else's
is "not found". Every write is one service call; its refusal is shown beside the field it
names, in the page's language, and the page answers with the refusal's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from visabond.accounts.roles import Role
from visabond.adjudication import selectors, services
from visabond.adjudication.forms import ApprovalForm, ContestForm, DecisionForm
from visabond.adjudication.models import Adjudication, AdjudicationState
from visabond.casework.presenters import state_label
from visabond.core.errors import VisabondError
from visabond.web.access import page_user
from visabond.web.forms import add_service_error
from visabond.web.localized import error_text

# The grounds of a breach (bonds.lifecycle.BreachGround) and the kinds of departure
# evidence (border.evidence.EvidenceKind, ranked), as the pages say them.
GROUNDS = {
    "overstay": gettext_lazy("no departure by the end of the authorized stay"),
    "late_departure": gettext_lazy("departed after the end of the authorized stay"),
    "status_change": gettext_lazy("applied to change status"),
    "asylum": gettext_lazy("applied for asylum"),
    "unauthorized_work": gettext_lazy("unauthorized work reported"),
}
EVIDENCE = {
    "exit_record": gettext_lazy("exit record at the port"),
    "outbound_manifest": gettext_lazy("carrier's outbound manifest"),
    "other_state_entry": gettext_lazy("entry stamp of another state"),
    "traveller_upload": gettext_lazy("traveller's upload, accepted by an officer"),
}
STATES = {
    AdjudicationState.OPEN: gettext_lazy("open: a breach to decide"),
    AdjudicationState.AWAITING_APPROVAL: gettext_lazy("awaiting a second adjudicator"),
    AdjudicationState.FORFEITED: gettext_lazy("forfeited"),
    AdjudicationState.CANCELLED: gettext_lazy("cancelled: no breach"),
}


# The steps of an adjudication (`services._step`) and the status decisions the border
# reports (`border.records.StatusKind`), as the pages say them.
STEPS = {
    "opened": gettext_lazy("opened"),
    "no_breach": gettext_lazy("no breach: bond cancelled"),
    "breach_confirmed": gettext_lazy("breach confirmed"),
    "approved": gettext_lazy("forfeiture approved"),
    "approval_refused": gettext_lazy("forfeiture not approved: reopened"),
    "contested": gettext_lazy("contested by the obligor"),
    "forfeited": gettext_lazy("forfeited"),
}
STATUS_KINDS = {
    "extension": gettext_lazy("extension of stay"),
    "change_of_status": gettext_lazy("application to change status"),
    "asylum": gettext_lazy("asylum application"),
    "unauthorized_work": gettext_lazy("unauthorized work reported"),
}


def _adjudicator(request: HttpRequest) -> AbstractBaseUser:
    return page_user(request, Role.BOND_ADJUDICATOR)


def _attempt(form: forms.Form, write: Callable[[], object]) -> VisabondError | None:
    """Run one service call; its refusal goes beside the field it names and is returned."""
    try:
        write()
    except VisabondError as error:
        add_service_error(form, error, messages={error.code: error_text(error)})
        return error
    return None


def _labelled(adjudication: Adjudication) -> dict[str, Any]:
    return {
        "adjudication": adjudication,
        "ground": GROUNDS.get(adjudication.ground, adjudication.ground),
        "state": STATES.get(AdjudicationState(adjudication.state), adjudication.state),
    }


def evidence_shown(entry: dict[str, Any]) -> dict[str, Any]:
    """One entry of an adjudication's evidence as the page shows it: the sweep's (the
    admission, the departure evidence that decided, the status decisions) or what the
    obligor brought."""
    departure = entry.get("departure")
    return {
        **entry,
        "deciding": (
            None
            if not departure
            else {**departure, "label": EVIDENCE.get(departure["evidence"], departure["evidence"])}
        ),
        "ground_label": GROUNDS.get(entry.get("ground", ""), entry.get("ground", "")),
        "status_decisions": [
            {**s, "label": STATUS_KINDS.get(s.get("kind", ""), s.get("kind", ""))}
            for s in entry.get("status_decisions", [])
        ],
    }


def steps_shown(adjudication: Adjudication) -> list[dict[str, Any]]:
    """An adjudication's steps as the page shows them: the step and, for the opening, its
    ground in words."""
    return [
        {
            "step": step,
            "label": STEPS.get(step.action, step.action),
            "note": GROUNDS.get(step.note, step.note) if step.action == "opened" else step.note,
        }
        for step in adjudication.steps.all()
    ]


@login_required
@require_safe
def adjudications_list(request: HttpRequest) -> HttpResponse:
    """The adjudications waiting for an adjudicator, oldest first."""
    _adjudicator(request)
    rows = [_labelled(a) for a in selectors.adjudications_waiting()[:200]]
    return render(request, "adjudication/list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adjudication_page(request: HttpRequest, reference: str) -> HttpResponse:
    """An adjudication: the bond, the ground, the evidence (which departure evidence
    decided), every step; the decision when open, the second approval when awaited."""
    user = _adjudicator(request)
    adjudication = selectors.adjudication_for(user, reference)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    decision = DecisionForm(request.POST if posted == "decide" else None, prefix="decide")
    approval = ApprovalForm(request.POST if posted == "approve" else None, prefix="approve")
    status = 200
    if posted in ("decide", "approve"):
        form: forms.Form = decision if posted == "decide" else approval
        refusal = None
        if form.is_valid():
            write = _write(posted, adjudication.reference, form.cleaned_data, user)
            refusal = _attempt(form, write)
            if refusal is None:
                messages.success(
                    request,
                    _("Adjudication %(ref)s: decision recorded.") % {"ref": adjudication.reference},
                )
                return redirect("adjudication-page", reference=adjudication.reference)
        status = 422 if refusal is None else refusal.http_status
        adjudication = selectors.adjudication_for(user, reference)
    decided_by_you = adjudication.decided_by_id == user.pk
    return render(
        request,
        "adjudication/page.html",
        {
            **_labelled(adjudication),
            "bond": adjudication.bond,
            "evidence": [evidence_shown(e) for e in adjudication.evidence],
            "steps": steps_shown(adjudication),
            "bond_state": state_label("bond", adjudication.bond.state),
            "decision_form": decision,
            "approval_form": approval,
            "can_decide": adjudication.state == AdjudicationState.OPEN,
            "awaits_approval": adjudication.state == AdjudicationState.AWAITING_APPROVAL,
            "decided_by_you": decided_by_you,
        },
        status=status,
    )


def _write(
    action: str, reference: str, data: dict[str, Any], user: AbstractBaseUser
) -> Callable[[], object]:
    if action == "decide":
        return lambda: services.adjudication_decide(
            reference=reference, breach=data["breach"], reason=data["reason"], actor=user
        )
    return lambda: services.adjudication_approve(
        reference=reference, approve=data["approve"], reason=data["reason"], actor=user
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adjudication_contest(request: HttpRequest, reference: str) -> HttpResponse:
    """The obligor contests a forfeiture of their own bond within the program's period."""
    user = page_user(request, Role.APPLICANT)
    adjudication = selectors.adjudication_for(user, reference)
    form = ContestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = None
        if form.is_valid():
            data = form.cleaned_data
            brought = (
                [{"kind": "document", "description": data["evidence"], "reference": ""}]
                if data["evidence"].strip()
                else []
            )
            refusal = _attempt(
                form,
                lambda: services.adjudication_contest(
                    reference=adjudication.reference,
                    statement=data["statement"],
                    evidence=brought,
                    actor=user,
                ),
            )
            if refusal is None:
                messages.success(request, _("Your contest is recorded: the case is decided again."))
                return redirect("adjudication-contest", reference=adjudication.reference)
        status = 422 if refusal is None else refusal.http_status
        adjudication = selectors.adjudication_for(user, reference)
    return render(
        request,
        "adjudication/contest.html",
        {
            **_labelled(adjudication),
            "form": form,
            "can_contest": adjudication.state == AdjudicationState.FORFEITED,
        },
        status=status,
    )
