"""Pages of the policy registry: the public requirements page and the policy console."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role, has_role
from visabond.core import clock
from visabond.core.countries import country
from visabond.core.errors import VisabondError
from visabond.policy import reciprocity_services, selectors, services
from visabond.policy.charts import program_charts
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.forms import (
    AmendForm,
    DesignateForm,
    DirectiveForm,
    RequirementForm,
    ReviewDecisionForm,
    WithdrawForm,
    add_service_error,
)
from visabond.policy.inputs import cap_from_input, terms_from_input
from visabond.policy.presenters import requirement_sentences
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period
from visabond.web.views import chart_download


def requirements_page(request: HttpRequest) -> HttpResponse:
    """Public: a traveller picks destination, nationality, visa class and date."""
    form = RequirementForm(request.GET or None)
    answer: dict[str, Any] | None = None
    if form.is_bound and form.is_valid():
        try:
            found = selectors.requirement_lookup(**form.cleaned_data)
            answer = found.to_json_dict()
        except VisabondError as error:
            add_service_error(form, error)
    context = {
        "form": form,
        "answer": answer,
        "sentences": requirement_sentences(answer) if answer else [],
        "nationality_name": country(answer["nationality"]).name if answer else "",
    }
    return render(request, "policy/requirements.html", context)


def _require(request: HttpRequest, *roles: Role) -> None:
    if not has_role(request.user, *roles):
        raise DjangoPermissionDenied(_("This page needs another role."))


def _author(request: HttpRequest) -> Author:
    return Author.of(request.user)


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    """Every rule by issuer with its status today, and designations over time."""
    _require(request, Role.POLICY_OFFICER, Role.AUDITOR)
    today = clock.today()
    histories = selectors.rule_histories()
    charts = [
        {
            "chart": chart,
            "svg": mark_safe(chart.svg()),  # noqa: S308 - drawn by matplotlib, labels escaped
            "csv_url": reverse("policy-chart", args=[program.code, kind, "csv"]),
            "png_url": reverse("policy-chart", args=[program.code, kind, "png"]),
        }
        for program in selectors.programs()
        for kind, chart in program_charts(program).items()
    ]
    rows = [
        {"history": h, "status": _status(h, today), "country": country(h.rule.nationality).name}
        for h in histories
    ]
    return render(
        request,
        "policy/console_home.html",
        {"rows": rows, "charts": charts, "today": today, "pending": len(selectors.review_queue())},
    )


@login_required
def policy_chart(request: HttpRequest, program: str, kind: str, fmt: str) -> HttpResponse:
    """A policy console chart of one program (CSV or PNG), for policy officers and auditors."""
    _require(request, Role.POLICY_OFFICER, Role.AUDITOR)
    charts = program_charts(selectors.program_by_code(program))
    if kind not in charts:
        raise Http404("no such chart")
    return chart_download(charts[kind], name=f"{program}-{kind}", fmt=fmt)


def _status(history: selectors.RuleHistory, today: dt.date) -> str:
    if history.in_force_on(today):
        return "in-force"
    if any(s.start > today for s in history.segments):
        return "scheduled"
    return "ended" if history.segments else "withdrawn"


@login_required
def rule_detail(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require(request, Role.POLICY_OFFICER, Role.AUDITOR)
    history = selectors.rule_history(rule_id)
    can_edit = has_role(request.user, Role.POLICY_OFFICER)
    amend_form, withdraw_form = AmendForm(prefix="amend"), WithdrawForm(prefix="withdraw")
    if request.method == "POST":
        _require(request, Role.POLICY_OFFICER)
        if "amend" in request.POST:
            amend_form = AmendForm(request.POST, prefix="amend")
            if amend_form.is_valid() and _amend(request, amend_form, rule_id):
                return redirect("console-rule", rule_id=rule_id)
        else:
            withdraw_form = WithdrawForm(request.POST, prefix="withdraw")
            if withdraw_form.is_valid() and _withdraw(request, withdraw_form, rule_id):
                return redirect("console-rule", rule_id=rule_id)
    return render(
        request,
        "policy/rule_detail.html",
        {
            "history": history,
            "country": country(history.rule.nationality).name,
            "can_edit": can_edit,
            "amend_form": amend_form,
            "withdraw_form": withdraw_form,
        },
    )


def _sources(form: AmendForm | WithdrawForm | DesignateForm | DirectiveForm) -> list[Source]:
    return [Source(form.cleaned_data["source_title"], form.cleaned_data["source_url"])]


def _record(
    request: HttpRequest, form: forms.Form, write: Callable[[], Recorded], done: str
) -> Recorded | None:
    """Run one registry write; show a refusal beside its field, or report what was recorded."""
    try:
        recorded = write()
    except VisabondError as error:
        add_service_error(form, error)
        return None
    messages.success(request, done % {"v": recorded.version.version})
    for warning in recorded.warnings:
        messages.warning(request, warning)
    return recorded


def _amend(request: HttpRequest, form: AmendForm, rule_id: int) -> bool:
    data = form.cleaned_data
    recorded = _record(
        request,
        form,
        lambda: services.rule_amend(
            rule_id=rule_id,
            terms=terms_from_input(**form.terms_input()),
            effective_from=data["effective_from"],
            effective_to="unchanged" if data["keep_end"] else data["effective_to"],
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
            author=_author(request),
        ),
        _("Amendment recorded as version %(v)s."),
    )
    return recorded is not None


def _withdraw(request: HttpRequest, form: WithdrawForm, rule_id: int) -> bool:
    data = form.cleaned_data
    recorded = _record(
        request,
        form,
        lambda: services.rule_withdraw(
            rule_id=rule_id,
            effective_from=data["effective_from"],
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
            author=_author(request),
        ),
        _("Withdrawal recorded as version %(v)s."),
    )
    return recorded is not None


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    _require(request, Role.POLICY_OFFICER)
    form = DesignateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = _record(
            request,
            form,
            lambda: services.rule_designate(
                program=data["program"],
                nationality=data["nationality"],
                visa_class=data["visa_class"],
                terms=terms_from_input(**form.terms_input()),
                period=Period(data["effective_from"], data["effective_to"]),
                announced_on=data["announced_on"],
                reason=data["reason"],
                sources=_sources(form),
                author=_author(request),
            ),
            _("Designation recorded."),
        )
        if recorded is not None:
            return redirect("console-rule", rule_id=recorded.version.rule_id)
    return render(request, "policy/rule_new.html", {"form": form})


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The reciprocity review queue: mirrored rules whose source rule changed."""
    _require(request, Role.POLICY_OFFICER, Role.AUDITOR)
    status = 200
    if request.method == "POST":
        _require(request, Role.POLICY_OFFICER)
        form = ReviewDecisionForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                messages.error(request, f"{name}: {' '.join(str(e) for e in errors)}")
            status = 422
        else:
            refusal = _decide(request, form)
            if refusal is None:
                return redirect("console-reviews")
            status = refusal.http_status
    return render(
        request,
        "policy/reviews.html",
        {
            "reviews": selectors.review_queue(),
            "can_edit": has_role(request.user, Role.POLICY_OFFICER),
        },
        status=status,
    )


def _decide(request: HttpRequest, form: ReviewDecisionForm) -> VisabondError | None:
    """Apply the decision; a refusal is shown and returned, so the page carries its status."""
    data, author = form.cleaned_data, _author(request)
    review_id = data["review_id"]
    try:
        if data["decision"] == "approve":
            reciprocity_services.reciprocity_review_approve(
                review_id=review_id,
                reason=data["reason"] or _("approved"),
                author=author,
                effective_from=data["effective_from"],
                announced_on=data["announced_on"] or clock.today(),
            )
        elif data["decision"] == "reject":
            reciprocity_services.reciprocity_review_reject(
                review_id=review_id, reason=data["reason"], author=author
            )
        else:
            reciprocity_services.reciprocity_review_acknowledge(review_id=review_id, author=author)
    except VisabondError as error:
        messages.error(request, str(error))
        return error
    messages.success(request, _("Review %(id)s decided.") % {"id": review_id})
    return None


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    """Adopt reciprocity towards a state: its rules for our nationals come up for mirroring."""
    _require(request, Role.POLICY_OFFICER)
    form = DirectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive = reciprocity_services.directive_adopt(
                program=data["program"],
                counterpart=data["counterpart"],
                visa_class_mapping=data["visa_class_mapping"],
                port_mapping=data["port_mapping"],
                cap=cap_from_input(data["cap"], data["cap_currency"]),
                mode=Mode(data["mode"]),
                effective_from=data["effective_from"],
                announced_on=data["announced_on"],
                reason=data["reason"],
                sources=_sources(form),
                author=_author(request),
            )
        except VisabondError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Reciprocity towards %(state)s adopted; %(n)s rules await review.")
                % {
                    "state": directive.counterpart,
                    "n": directive.reviews.filter(status="pending").count(),
                },
            )
            return redirect("console-reviews")
    return render(request, "policy/directive_new.html", {"form": form})
