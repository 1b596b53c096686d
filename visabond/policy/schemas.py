"""The JSON shapes of the policy API (django-ninja schemas, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from visabond.policy.models import NOTES_MAX, REASON_MAX, SOURCE_TITLE_MAX, SOURCE_URL_MAX

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
COUNTRY = Field(
    ...,
    min_length=3,
    max_length=60,
    description="ISO 3166 alpha-3 code (e.g. USA, MLI) or English name (e.g. Mali)",
)


class SourceSchema(Schema):
    title: str = Field(..., min_length=1, max_length=SOURCE_TITLE_MAX)
    url: str = Field("", max_length=SOURCE_URL_MAX)
    date: str = Field("", max_length=10)


class RequirementQuery(Schema):
    issuer: str = COUNTRY
    nationality: str = COUNTRY
    visa_class: str = Field(
        ...,
        min_length=1,
        max_length=20,
        description="a class of the issuing state, e.g. B1/B2 (USA) or SHORT-STAY (MLI)",
    )
    on: str | None = Field(
        None,
        pattern=ISO_DATE,
        json_schema_extra={"format": "date"},
        description="day of application, YYYY-MM-DD (default: today)",
    )
    known_on: str | None = Field(
        None,
        pattern=ISO_DATE,
        json_schema_extra={"format": "date"},
        description="count only what had been announced by this day, YYYY-MM-DD",
    )


class RulesQuery(Schema):
    issuer: str | None = Field(None, min_length=3, max_length=3, description="ISO alpha-3")
    nationality: str | None = Field(None, min_length=3, max_length=3, description="ISO alpha-3")


class VisaSchema(Schema):
    entries: int | None = Field(None, description="1 for a single-entry visa")
    validity_days: int | None = None
    max_stay_days: int | None = Field(None, description="longest admission, in days")


class RequirementOut(Schema):
    issuer: str = Field(..., description="ISO 3166 alpha-3 of the issuing state")
    nationality: str
    visa_class: str
    on: dt.date
    known_on: dt.date | None
    bond_required: bool
    amounts: list[str] = Field(..., description="allowed amounts, decimal strings")
    standard_amount: str | None
    currency: str | None = Field(..., description="ISO 4217")
    ports: list[str] = Field(..., description="designated ports of entry and exit (IATA)")
    visa: VisaSchema
    issuance_suspended: bool
    effective_from: dt.date | None
    effective_to: dt.date | None = Field(..., description="last day in force, inclusive")
    announced_on: dt.date | None
    rule_id: int | None
    version: int | None
    program: str | None
    legal_basis: str | None
    sources: list[SourceSchema]
    notes: list[str]
    mirrored_from: dict[str, object] | None = Field(
        ..., description="for a rule derived by reciprocity: the source rule, mappings and cap"
    )


class TermsIn(Schema):
    bond_required: bool
    amounts: list[str | int] = Field(
        default_factory=list, description="decimal strings or integers, never floats"
    )
    standard_amount: str | int | None = None
    currency: str | None = None
    entries: int | None = None
    validity_days: int | None = None
    max_stay_days: int | None = None
    ports: list[str] = Field(default_factory=list, max_length=20)
    issuance_suspended: bool = False
    notes: str = Field("", max_length=NOTES_MAX)


class DecisionIn(Schema):
    effective_from: dt.date
    announced_on: dt.date = Field(..., description="a day in the past or today")
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)
    sources: list[SourceSchema] = Field(..., min_length=1, max_length=20)
    confirm_past: bool = Field(
        False, description="true to record a decision whose effective date has already passed"
    )


class DesignateIn(DecisionIn):
    program: str = Field(
        ..., min_length=1, max_length=64, description="program code, e.g. us-visa-bond-pilot"
    )
    nationality: str = COUNTRY
    visa_class: str = Field(..., min_length=1, max_length=20)
    effective_to: dt.date | None = None
    terms: TermsIn


class AmendIn(DecisionIn):
    effective_to: dt.date | None = Field(None, description="omit to keep the current end")
    terms: TermsIn


class WithdrawIn(DecisionIn):
    pass


class VersionOut(Schema):
    version: int
    action: str
    effective_from: dt.date
    effective_to: dt.date | None
    announced_on: dt.date
    recorded_at: dt.datetime
    bond_required: bool
    amounts: list[str]
    standard_amount: str | None
    currency: str
    ports: list[str]
    issuance_suspended: bool
    reason: str
    author: str
    sources: list[SourceSchema]
    mirrored_from: dict[str, object] | None
    notice_warning: str


class SegmentOut(Schema):
    start: dt.date
    end: dt.date | None
    version: int


class RuleOut(Schema):
    id: int
    program: str
    issuer: str
    nationality: str
    visa_class: str
    versions: list[VersionOut]
    timeline: list[SegmentOut]


class RecordedOut(Schema):
    rule: RuleOut
    warnings: list[str]


class ReviewOut(Schema):
    id: int
    directive_id: int
    issuer: str
    counterpart: str
    change: str
    status: str
    source_rule_id: int
    source_version: int
    mirror_rule_id: int | None
    proposal: dict[str, object]
    created_at: dt.datetime


class ReviewDecisionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)
    effective_from: dt.date | None = None
    announced_on: dt.date | None = None
    confirm_past: bool = Field(
        False, description="true to apply a change whose effective date has already passed"
    )


class AcknowledgeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)


class DirectiveIn(Schema):
    program: str = Field(
        ..., min_length=1, max_length=64, description="the adopting state's program code"
    )
    counterpart: str = Field(
        ..., min_length=3, max_length=60, description="the state whose rules are mirrored"
    )
    visa_class_mapping: dict[str, str] = Field(..., description="counterpart's class -> own class")
    port_mapping: dict[str, str] = Field(..., description="counterpart's port -> own port (IATA)")
    cap: str | int | None = Field(None, description="highest amount, decimal string")
    cap_currency: str | None = None
    mode: str = Field(..., description="automatic or adopted")
    effective_from: dt.date
    announced_on: dt.date
    reason: str = Field(..., min_length=1, max_length=REASON_MAX)
    sources: list[SourceSchema] = Field(..., min_length=1, max_length=20)


class DirectiveOut(Schema):
    id: int
    issuer: str
    counterpart: str
    mode: str
    visa_class_mapping: dict[str, str]
    port_mapping: dict[str, str]
    cap_amount: str | None
    cap_currency: str
    effective_from: dt.date
    announced_on: dt.date
    pending_reviews: int


class FieldErrorOut(Schema):
    code: str
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error the API answers: a stable code, the field at fault (or null), a message."""

    code: str = Field(..., description="stable, e.g. country_unknown, role_required")
    field: str | None = Field(..., description="the input at fault, or null")
    message: str
    errors: list[FieldErrorOut] | None = Field(
        None, description="for schema errors: every broken rule, the first one above"
    )
