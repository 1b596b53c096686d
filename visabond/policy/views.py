"""Pages of the policy registry: the public requirements page and the policy console."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from visabond.accounts.roles import Role, has_role
from visabond.core import clock
from visabond.core.countries import fold, localized_name
from visabond.core.country_names import country_name
from visabond.core.errors import NotFound, VisabondError
from visabond.policy import (
    answers,
    reciprocity_services,
    records,
    rule_versions,
    selectors,
    services,
)
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
    visa_classes_by_issuer,
)
from visabond.policy.inputs import cap_from_input, terms_from_input
from visabond.policy.models import ReviewStatus, Rule
from visabond.policy.presenters import (
    ACTIONS,
    STATUSES,
    day_text,
    mirror_sentence,
    notice_warning_text,
    requirement_sentences,
    terms_text,
)
from visabond.policy.previews import preview_shown, preview_then_record, was_previewed
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Action, Period
from visabond.policy.visa_classes import normalise_visa_class
from visabond.web.downloads import chart_download
from visabond.web.localized import error_text
from visabond.web.throttle import lookup_allowed
from visabond.web.views import throttled

DRAFT_FIELDS = ("issuer", "nationality", "visa_class", "on", "known_on")


# A question is asked with GET (HEAD too); OPTIONS and TRACE got the whole page.
# The page only reads (GET and HEAD): another method is 405, not a CSRF refusal of a form
# the page never had.
@csrf_exempt
@require_safe
def requirements_page(request: HttpRequest) -> HttpResponse:
    """Public: a traveller picks destination, nationality, visa class and date.

    A state with no program in the registry gets "no information", never "no bond".
    Answers are kept until the registry changes (`answers`), and so is the whole page for a
    visitor the page does not depend on: not signed in, with no message waiting.
    """
    allowed, wait = lookup_allowed(request)
    if not allowed:
        return throttled(request, wait)
    registry = answers.registry()
    # A session may hold a person or messages to show (and reading the user marks the
    # response as varying by cookie, as the page does).
    if (
        request.user.is_authenticated
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    ):
        return _requirements_page(request, registry)
    # Everything else the page shows: the language, the question, and today (the date field
    # starts from it).
    key = (get_language(), request.get_full_path(), clock.today())
    return HttpResponse(registry.page(key, lambda: _requirements_page(request, registry).content))


def _requirements_page(request: HttpRequest, registry: answers.Registry) -> HttpResponse:
    registered = registry.issuers()
    if request.GET.get("draft"):
        # A question not yet asked, carried over by a language link: fill, don't answer.
        draft = {name: request.GET[name] for name in DRAFT_FIELDS if request.GET.get(name)}
        form = RequirementForm(initial=draft, registered=registered)
    else:
        form = RequirementForm(request.GET or None, registered=registered)
    answer: dict[str, Any] | None = None
    unknown_issuer = ""
    if form.is_bound and form.is_valid():
        try:
            answer = registry.requirement(**form.cleaned_data)
        except NotFound as error:
            if error.code != "issuer_not_registered":
                raise
            unknown_issuer = country_name(form.cleaned_data["issuer"], get_language()).of
        except VisabondError as error:
            if error.code == "nationality_is_issuer":
                # About the question as a whole: a sentence above the fields.
                form.add_error(None, error_text(error))
            else:
                add_service_error(form, error)
    context = {
        "form": form,
        "answer": answer,
        "unknown_issuer": unknown_issuer,
        "sentences": requirement_sentences(answer) if answer else [],
        "mirror_sentence": mirror_sentence(answer["mirrored_from"]["source_issuer"])
        if answer and answer["mirrored_from"]
        else "",
        "known_on_text": day_text(answer["known_on"]) if answer and answer["known_on"] else "",
        "visa_classes": visa_classes_by_issuer(registered),
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
    language = get_language()
    # Sorted as shown: by issuer, then the nationality's name in the page's language
    # (accents folded: "Égypte" among the E).
    named = [(h, localized_name(h.rule.nationality, language)) for h in histories]
    named.sort(key=lambda pair: (pair[0].rule.issuer, fold(pair[1]), pair[0].rule.visa_class))
    rows = [
        {
            "history": h,
            "status": _status(h, today),
            "status_label": STATUSES[_status(h, today)],
            "country": name,
        }
        for h, name in named
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
    # A withdrawn rule has nothing left to amend or withdraw (designate anew instead); one
    # whose withdrawal is scheduled is in force until then, and can still be changed.
    today = clock.today()
    withdrawn = not history.segments or (
        history.versions[-1].action == "withdraw"
        and all(s.end is not None and s.end < today for s in history.segments)
    )
    can_edit = has_role(request.user, Role.POLICY_OFFICER) and not withdrawn
    amend_form = AmendForm(prefix="amend", initial=_current_terms(history))
    withdraw_form = WithdrawForm(prefix="withdraw")
    amend_preview = withdraw_preview = None
    if request.method == "POST":
        _require(request, Role.POLICY_OFFICER)
        if withdrawn:
            raise DjangoPermissionDenied(_("This rule was withdrawn; designate anew instead."))
        if "amend" in request.POST:
            amend_form = AmendForm(request.POST, prefix="amend")
            if amend_form.is_valid():
                recorded, amend_preview = _amend(request, amend_form, history.rule)
                if recorded is not None:
                    return redirect("console-rule", rule_id=rule_id)
        else:
            withdraw_form = WithdrawForm(request.POST, prefix="withdraw")
            if withdraw_form.is_valid():
                recorded, withdraw_preview = _withdraw(request, withdraw_form, history.rule)
                if recorded is not None:
                    return redirect("console-rule", rule_id=rule_id)
    return render(
        request,
        "policy/rule_detail.html",
        {
            "history": history,
            "versions": _version_rows(history),
            "country": localized_name(history.rule.nationality, get_language()),
            "can_edit": can_edit,
            "withdrawn": withdrawn,
            "amend_form": amend_form,
            "withdraw_form": withdraw_form,
            "amend_preview": amend_preview,
            "withdraw_preview": withdraw_preview,
        },
    )


def _version_rows(history: selectors.RuleHistory) -> list[dict[str, Any]]:
    """The history table: each version with its action and terms in the page's language,
    and the days it was in force as the timeline has them (an open period ends where a
    later version took over)."""
    program = history.rule.program
    rows = []
    for v in history.versions:
        stretches = [s for s in history.segments if s.entry and s.entry.version == v.version]
        row: dict[str, Any] = {
            "v": v,
            "action": ACTIONS.get(v.action, v.action),
            "terms": terms_text(records.terms_of(v)),
            "start": v.effective_from,
            "end": v.effective_to,
            "warning": notice_warning_text(
                announced_on=v.announced_on,
                effective_from=v.effective_from,
                program_name=program.name,
                notice_days=program.notice_days,
            )
            if v.notice_warning
            else "",
        }
        if stretches:
            row["start"], row["end"] = stretches[0].start, stretches[-1].end
        row["never"] = v.action != "withdraw" and not stretches
        rows.append(row)
    return rows


def _current_terms(history: selectors.RuleHistory) -> dict[str, Any]:
    """The Amend form starts from the terms in force today, else the latest terms recorded."""
    today = clock.today()
    current = next(
        (
            s.entry
            for s in history.segments
            if s.start <= today and (s.end is None or today <= s.end)
        ),
        None,
    ) or next((s.entry for s in reversed(history.segments)), None)
    if current is None or current.terms is None:
        return {}
    terms = current.terms
    return {
        "bond_required": terms.bond_required,
        "amounts": ", ".join(a.as_string() for a in terms.amounts),
        "standard_amount": ""
        if terms.standard_amount is None
        else terms.standard_amount.as_string(),
        "currency": terms.currency or "",
        "entries": terms.visa.entries,
        "validity_days": terms.visa.validity_days,
        "max_stay_days": terms.visa.max_stay_days,
        "ports": " ".join(terms.ports),
        "issuance_suspended": terms.issuance_suspended,
        "notes": terms.notes,
    }


def _sources(form: AmendForm | WithdrawForm | DesignateForm | DirectiveForm) -> list[Source]:
    return [Source(form.cleaned_data["source_title"], form.cleaned_data["source_url"])]


def _amend(
    request: HttpRequest, form: AmendForm, rule: Rule
) -> tuple[Recorded | None, dict[str, Any] | None]:
    data = form.cleaned_data
    chosen_end: dt.date | None = None if data["keep_end"] else data["effective_to"]
    end: dt.date | Literal["unchanged"] | None = "unchanged" if data["keep_end"] else chosen_end
    return preview_then_record(
        request,
        form,
        button="amend",
        element_id="amend-preview",
        check=lambda: rule_versions.amendment_check(
            rule_id=rule.pk,
            terms=terms_from_input(**form.terms_input()),
            effective_from=data["effective_from"],
            effective_to=end,
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
        ),
        preview=lambda: selectors.decision_preview(
            issuer=rule.issuer,
            nationality=rule.nationality,
            visa_class=rule.visa_class,
            rule_id=rule.pk,
            action=Action.AMEND,
            period=Period(data["effective_from"], chosen_end),
            announced_on=data["announced_on"],
            terms=terms_from_input(**form.terms_input()),
        ),
        write=lambda: services.rule_amend(
            rule_id=rule.pk,
            terms=terms_from_input(**form.terms_input()),
            effective_from=data["effective_from"],
            effective_to=end,
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
            author=_author(request),
            confirm_past=data["confirm_past"],
        ),
        done=_("Amendment recorded as version %(v)s."),
    )


def _withdraw(
    request: HttpRequest, form: WithdrawForm, rule: Rule
) -> tuple[Recorded | None, dict[str, Any] | None]:
    data = form.cleaned_data
    return preview_then_record(
        request,
        form,
        button="withdraw",
        element_id="withdraw-preview",
        check=lambda: rule_versions.withdrawal_check(
            rule_id=rule.pk,
            effective_from=data["effective_from"],
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
        ),
        preview=lambda: selectors.decision_preview(
            issuer=rule.issuer,
            nationality=rule.nationality,
            visa_class=rule.visa_class,
            rule_id=rule.pk,
            action=Action.WITHDRAW,
            period=Period(data["effective_from"]),
            announced_on=data["announced_on"],
            terms=None,
        ),
        write=lambda: services.rule_withdraw(
            rule_id=rule.pk,
            effective_from=data["effective_from"],
            announced_on=data["announced_on"],
            reason=data["reason"],
            sources=_sources(form),
            author=_author(request),
            confirm_past=data["confirm_past"],
        ),
        done=_("Withdrawal recorded as version %(v)s."),
    )


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    """Designate a nationality: previewed, then recorded (see `previews`)."""
    _require(request, Role.POLICY_OFFICER)
    form = DesignateForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issuer = data["program"].issuer
        recorded, preview = preview_then_record(
            request,
            form,
            button="designate",
            element_id="designate-preview",
            check=lambda: rule_versions.designation_check(
                program=data["program"],
                nationality=data["nationality"],
                visa_class=data["visa_class"],
                terms=terms_from_input(**form.terms_input()),
                period=Period(data["effective_from"], data["effective_to"]),
                announced_on=data["announced_on"],
                reason=data["reason"],
                sources=_sources(form),
            ),
            preview=lambda: selectors.decision_preview(
                issuer=issuer,
                nationality=data["nationality"],
                visa_class=normalise_visa_class(issuer, data["visa_class"]),
                rule_id=None,
                action=Action.DESIGNATE,
                period=Period(data["effective_from"], data["effective_to"]),
                announced_on=data["announced_on"],
                terms=terms_from_input(**form.terms_input()),
            ),
            write=lambda: services.rule_designate(
                program=data["program"],
                nationality=data["nationality"],
                visa_class=data["visa_class"],
                terms=terms_from_input(**form.terms_input()),
                period=Period(data["effective_from"], data["effective_to"]),
                announced_on=data["announced_on"],
                reason=data["reason"],
                sources=_sources(form),
                author=_author(request),
                confirm_past=data["confirm_past"],
            ),
            done=_("Designation recorded."),
        )
        if recorded is not None:
            return redirect("console-rule", rule_id=recorded.version.rule_id)
    return render(request, "policy/rule_new.html", {"form": form, "preview": preview})


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The reciprocity review queue: mirrored rules whose source rule changed.

    Each pending review shows what the public answer becomes if approved, for the dates
    chosen; "Preview" recomputes it, and an approval of dates not yet previewed shows their
    preview instead of recording (see `previews`).
    """
    _require(request, Role.POLICY_OFFICER, Role.AUDITOR)
    status = 200
    posted: ReviewDecisionForm | None = None
    posted_id = None
    queue = selectors.review_queue()
    pending = {r.pk for r in queue if r.status == ReviewStatus.PENDING}
    if request.method == "POST":
        _require(request, Role.POLICY_OFFICER)
        raw_id = request.POST.get("review_id", "")
        posted_id = int(raw_id) if raw_id.isdigit() else None
        posted = ReviewDecisionForm(request.POST, auto_id=f"id_review{posted_id}_%s")
        if not posted.is_valid():
            status = 422
        elif (
            posted.cleaned_data["decision"] == "approve"
            and posted_id in pending
            and not was_previewed(request, posted)
        ):
            messages.info(request, _("Check the public answer for the dates chosen, then approve."))
        elif posted.cleaned_data["decision"] != "preview":
            refusal = _decide(request, posted)
            if refusal is None:
                return redirect("console-reviews")
            status = refusal.http_status
    if posted is not None and posted_id not in {r.pk for r in queue}:
        # No card to show the errors beside (an unknown or malformed review id): say them above.
        for name, errors in posted.errors.items():
            messages.error(request, f"{name}: {' '.join(str(e) for e in errors)}")
    cards = []
    for review in queue:
        form = (
            posted
            if posted is not None and review.pk == posted_id
            else ReviewDecisionForm(
                auto_id=f"id_review{review.pk}_%s", initial={"review_id": review.pk}
            )
        )
        preview = None
        if review.status == ReviewStatus.PENDING:
            chosen = form.cleaned_data if form.is_bound else {}
            found = selectors.review_preview(
                review,
                effective_from=chosen.get("effective_from"),
                announced_on=chosen.get("announced_on") or clock.today(),
            )
            preview = preview_shown(form, found, element_id=f"preview-{review.pk}")
        cards.append({"review": review, "form": form, "preview": preview})
    return render(
        request,
        "policy/reviews.html",
        {"cards": cards, "can_edit": has_role(request.user, Role.POLICY_OFFICER)},
        status=status,
    )


def _decide(request: HttpRequest, form: ReviewDecisionForm) -> VisabondError | None:
    """Apply the decision; a refusal is added to the form beside its field and returned, so
    the page carries its status."""
    data, author = form.cleaned_data, _author(request)
    review_id, decision = data["review_id"], data["decision"]
    try:
        if decision == "approve":
            reciprocity_services.reciprocity_review_approve(
                review_id=review_id,
                reason=data["reason"],
                author=author,
                effective_from=data["effective_from"],
                announced_on=data["announced_on"] or clock.today(),
                confirm_past=data["confirm_past"],
            )
        elif decision == "reject":
            reciprocity_services.reciprocity_review_reject(
                review_id=review_id, reason=data["reason"], author=author
            )
        else:
            reciprocity_services.reciprocity_review_acknowledge(
                review_id=review_id, author=author, reason=data["reason"]
            )
    except VisabondError as error:
        add_service_error(form, error)
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
