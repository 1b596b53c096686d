"""The policy registry's JSON API: thin handlers over selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from visabond.accounts.roles import Role, require_role
from visabond.core import clock
from visabond.core.countries import resolve_country
from visabond.core.errors import InvalidInput
from visabond.policy import answers, reciprocity_services, records, selectors, services
from visabond.policy.decisions import Author, Source
from visabond.policy.inputs import cap_from_input, terms_from_input
from visabond.policy.models import ReciprocityDirective, ReciprocityReview, RuleVersion
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period, RuleTerms
from visabond.policy.schemas import (
    AcknowledgeIn,
    AmendIn,
    DesignateIn,
    DirectiveIn,
    DirectiveOut,
    ErrorOut,
    RecordedOut,
    RequirementOut,
    RequirementQuery,
    ReviewDecisionIn,
    ReviewOut,
    RuleOut,
    RulesQuery,
    TermsIn,
    WithdrawIn,
)
from visabond.policy.terms import terms_to_json
from visabond.web.throttle import LookupThrottle


class RoleAuth(SessionAuth):
    """A signed-in session (with its CSRF token for writes) holding one of the roles.

    Runs before the operation reads its body or query: no role, 403 whatever was sent.
    """

    def __init__(self, *roles: Role) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        require_role(request.user, *self.roles)
        return request.user


READ = RoleAuth(Role.POLICY_OFFICER, Role.AUDITOR)
WRITE = RoleAuth(Role.POLICY_OFFICER)

public = Router(tags=["requirements"])
router = Router(tags=["policy registry"], auth=READ)

# Every status an operation can answer with besides its success, each in the one error shape.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
PUBLIC_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


@public.get(
    "/requirements",
    response={200: RequirementOut, **PUBLIC_ERRORS},
    auth=None,
    throttle=LookupThrottle(),
)
def requirements(request: HttpRequest, query: Query[RequirementQuery]) -> HttpResponse:
    """What an issuing state requires of a national applying for a visa class on a day.

    Countries by ISO alpha-3 code or by name. With `known_on`, only what had been announced
    by that date counts (what an applicant could have known). A state with no program in
    the registry is 404 `issuer_not_registered`: no information, which is not "no bond".
    """
    on = query.on or clock.today()
    registry = answers.registry()
    asked = ("api", query.issuer, query.nationality, query.visa_class, on, query.known_on)

    def body() -> bytes:
        answer = registry.requirement(
            issuer=query.issuer,
            nationality=query.nationality,
            visa_class=query.visa_class,
            on=on,
            known_on=query.known_on,
        )
        return _rendered(request, RequirementOut.model_validate(answer))

    # The body is kept per question and registry stamp, as the page is: validating and
    # encoding the answer cost more than the rest of the request (docs/performance.md).
    return HttpResponse(registry.page(asked, body), content_type=JSON)


JSON = "application/json; charset=utf-8"


def _rendered(request: HttpRequest, answer: Schema) -> bytes:
    """`answer` as the API renders its answers (its default renderer, by alias)."""
    text = JSONRenderer().render(request, answer.model_dump(by_alias=True), response_status=200)
    return str(text).encode()


def _author(request: HttpRequest) -> Author:
    return Author.of(request.user)


def _terms(data: TermsIn) -> RuleTerms:
    return terms_from_input(**data.dict())


def _sources(data: DesignateIn | AmendIn | WithdrawIn) -> list[Source]:
    return [Source(**s.dict()) for s in data.sources]


def _rule_out(rule_id: int) -> dict[str, object]:
    return rule_json(selectors.rule_history(rule_id))


def rule_json(history: selectors.RuleHistory) -> dict[str, object]:
    rule = history.rule
    return {
        "id": rule.pk,
        "program": rule.program.code,
        "issuer": rule.issuer,
        "nationality": rule.nationality,
        "visa_class": rule.visa_class,
        "versions": [
            {
                **{f: getattr(v, f) for f in VERSION_FIELDS},
                **_amounts_json(v),
                "author": v.author_name,
            }
            for v in history.versions
        ],
        "timeline": [
            {"start": s.start, "end": s.end, "version": s.entry.version}
            for s in history.segments
            if s.entry is not None
        ],
    }


def _amounts_json(version: RuleVersion) -> dict[str, object]:
    terms = terms_to_json(records.terms_of(version))
    return {
        "amounts": terms["amounts"],
        "standard_amount": terms["standard_amount"],
        "currency": terms["currency"] or "",
    }


VERSION_FIELDS = [
    "version",
    "action",
    "effective_from",
    "effective_to",
    "announced_on",
    "recorded_at",
    "bond_required",
    "ports",
    "issuance_suspended",
    "reason",
    "sources",
    "mirrored_from",
    "notice_warning",
]


@router.get("/rules", response={200: list[RuleOut], **ERRORS})
def rules_list(request: HttpRequest, query: Query[RulesQuery]) -> list[dict[str, object]]:
    """Every rule with its full history and its timeline as known today."""
    return [
        rule_json(h)
        for h in selectors.rule_histories(
            issuer=query.issuer and query.issuer.upper(),
            nationality=query.nationality and query.nationality.upper(),
        )
    ]


@router.get("/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def rule_detail(request: HttpRequest, rule_id: int) -> dict[str, object]:
    return _rule_out(rule_id)


@router.post("/rules", response={201: RecordedOut, **ERRORS}, auth=WRITE)
def rule_designate(request: HttpRequest, data: DesignateIn) -> Status[dict[str, object]]:
    """Designate a nationality under a program. Overlapping an existing rule is refused (409)."""
    recorded = services.rule_designate(
        program=selectors.program_by_code(data.program),
        nationality=resolve_country(data.nationality, field="nationality").alpha_3,
        visa_class=data.visa_class,
        terms=_terms(data.terms),
        period=Period(data.effective_from, data.effective_to),
        announced_on=data.announced_on,
        reason=data.reason,
        sources=_sources(data),
        author=_author(request),
        confirm_past=data.confirm_past,
    )
    return Status(201, {"rule": _rule_out(recorded.version.rule_id), "warnings": recorded.warnings})


@router.post("/rules/{rule_id}/amendments", response={201: RecordedOut, **ERRORS}, auth=WRITE)
def rule_amend(request: HttpRequest, rule_id: int, data: AmendIn) -> Status[dict[str, object]]:
    recorded = services.rule_amend(
        rule_id=rule_id,
        terms=_terms(data.terms),
        effective_from=data.effective_from,
        effective_to=data.effective_to if "effective_to" in data.model_fields_set else "unchanged",
        announced_on=data.announced_on,
        reason=data.reason,
        sources=_sources(data),
        author=_author(request),
        confirm_past=data.confirm_past,
    )
    return Status(201, {"rule": _rule_out(rule_id), "warnings": recorded.warnings})


@router.post("/rules/{rule_id}/withdrawals", response={201: RecordedOut, **ERRORS}, auth=WRITE)
def rule_withdraw(
    request: HttpRequest, rule_id: int, data: WithdrawIn
) -> Status[dict[str, object]]:
    recorded = services.rule_withdraw(
        rule_id=rule_id,
        effective_from=data.effective_from,
        announced_on=data.announced_on,
        reason=data.reason,
        sources=_sources(data),
        author=_author(request),
        confirm_past=data.confirm_past,
    )
    return Status(201, {"rule": _rule_out(rule_id), "warnings": recorded.warnings})


def review_json(review: ReciprocityReview) -> dict[str, object]:
    return {
        "id": review.pk,
        "directive_id": review.directive_id,
        "issuer": review.directive.issuer,
        "counterpart": review.directive.counterpart,
        "change": review.change,
        "status": review.status,
        "source_rule_id": review.source_version.rule_id,
        "source_version": review.source_version.version,
        "mirror_rule_id": review.mirror_rule_id,
        "proposal": review.proposal,
        "created_at": review.created_at,
    }


@router.get("/reciprocity/reviews", response={200: list[ReviewOut], **ERRORS})
def reviews_list(request: HttpRequest) -> list[dict[str, object]]:
    """Mirrored rules whose source changed: pending approval, or applied and to acknowledge."""
    return [review_json(r) for r in selectors.review_queue()]


@router.post(
    "/reciprocity/reviews/{review_id}/approve", response={200: ReviewOut, **ERRORS}, auth=WRITE
)
def review_approve(
    request: HttpRequest, review_id: int, data: ReviewDecisionIn
) -> dict[str, object]:
    review = reciprocity_services.reciprocity_review_approve(
        review_id=review_id,
        reason=data.reason,
        author=_author(request),
        effective_from=data.effective_from,
        announced_on=data.announced_on or clock.today(),
        confirm_past=data.confirm_past,
    )
    return review_json(review)


@router.post(
    "/reciprocity/reviews/{review_id}/reject", response={200: ReviewOut, **ERRORS}, auth=WRITE
)
def review_reject(
    request: HttpRequest, review_id: int, data: ReviewDecisionIn
) -> dict[str, object]:
    review = reciprocity_services.reciprocity_review_reject(
        review_id=review_id, reason=data.reason, author=_author(request)
    )
    return review_json(review)


@router.post(
    "/reciprocity/reviews/{review_id}/acknowledge",
    response={200: ReviewOut, **ERRORS},
    auth=WRITE,
)
def review_acknowledge(
    request: HttpRequest, review_id: int, data: AcknowledgeIn
) -> dict[str, object]:
    """Take note, with a reason, of a change applied automatically or an echo stopped (409
    otherwise)."""
    review = reciprocity_services.reciprocity_review_acknowledge(
        review_id=review_id, reason=data.reason, author=_author(request)
    )
    return review_json(review)


def directive_json(row: ReciprocityDirective) -> dict[str, object]:
    return {
        "id": row.pk,
        "issuer": row.issuer,
        "counterpart": row.counterpart,
        "mode": row.mode,
        "visa_class_mapping": row.visa_class_mapping,
        "port_mapping": row.port_mapping,
        "cap_amount": None if row.cap is None else row.cap.as_string(),
        "cap_currency": row.cap_currency,
        "effective_from": row.effective_from,
        "announced_on": row.announced_on,
        "pending_reviews": row.reviews.filter(status="pending").count(),
    }


@router.post("/reciprocity/directives", response={201: DirectiveOut, **ERRORS}, auth=WRITE)
def directive_adopt(request: HttpRequest, data: DirectiveIn) -> Status[dict[str, object]]:
    """Adopt reciprocity towards a state; its rules in force are put up for mirroring."""
    if data.mode not in {m.value for m in Mode}:
        raise InvalidInput("mode is automatic or adopted", code="mode_unknown", field="mode")
    cap = cap_from_input(data.cap, data.cap_currency)
    row = reciprocity_services.directive_adopt(
        program=selectors.program_by_code(data.program),
        counterpart=resolve_country(data.counterpart, field="counterpart").alpha_3,
        visa_class_mapping=data.visa_class_mapping,
        port_mapping=data.port_mapping,
        cap=cap,
        mode=Mode(data.mode),
        effective_from=data.effective_from,
        announced_on=data.announced_on,
        reason=data.reason,
        sources=[Source(**s.dict()) for s in data.sources],
        author=_author(request),
    )
    return Status(201, directive_json(row))
