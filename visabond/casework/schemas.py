"""The JSON shapes of the casework API (django-ninja schemas, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class ApplicationIn(Schema):
    post: str = Field(..., description="consular post code, e.g. lilongwe")
    visa_class: str = Field(..., description="the issuing state's class, e.g. B1/B2")
    passport_mrz: str = Field(
        ..., description="the passport's two TD3 lines (ICAO Doc 9303-4), newline separated"
    )
    surname: str
    given_names: str = ""
    birth_date: dt.date
    passport_number: str
    purpose: str
    intended_arrival: dt.date
    intended_departure: dt.date
    program: str = Field("", description="only where the post serves several programs")


class InterviewIn(Schema):
    notes: str


class DecisionIn(Schema):
    outcome: Literal["direct_bond", "approve", "refuse"]
    amount: str | None = Field(
        None, description="decimal string, one of the captured rule's amounts (direct_bond)"
    )
    currency: str | None = Field(None, description="ISO 4217, the rule's currency")
    reason: Literal["standard", "unable_to_pay_standard", "extent_of_contacts"] | None = Field(
        None, description="why this amount (90 FR 37378)"
    )
    waiver_ground: str | None = Field(
        None, description="a ground the program allows (approve with a bond required)"
    )
    explanation: str = Field(..., description="given to the applicant")


class RefusalIn(Schema):
    explanation: str


class SourceOut(Schema):
    title: str
    url: str = ""
    date: str = ""


class WaiverGroundOut(Schema):
    code: str
    label: str
    source: str


class RuleOut(Schema):
    """The rule captured at the decision: never read again from the registry."""

    reference: str
    rule_id: int | None
    version: int | None
    program: str
    legal_basis: str
    sources: list[SourceOut]
    decided_on: dt.date
    bond_required: bool
    amounts: list[str]
    standard_amount: str | None
    currency: str | None
    entries: int | None
    validity_days: int | None
    max_stay_days: int | None
    ports: list[str]
    issuance_suspended: bool
    waiver_grounds: list[WaiverGroundOut]


class DecisionOut(Schema):
    outcome: str
    amount: str | None
    currency: str | None
    amount_reason: str
    waiver_ground: str
    explanation: str
    decided_at: dt.datetime | None
    decided_by: str
    rule: RuleOut


class BondOut(Schema):
    number: str
    state: str
    amount: str
    currency: str
    payment_deadline: dt.date
    obligor_name: str


class VisaOut(Schema):
    number: str
    visa_class: str
    valid_from: dt.date
    valid_until: dt.date
    entries: int
    max_stay_days: int | None
    ports: list[str]
    annotation: str
    mrz: list[str] = Field(..., description="the MRV-A zone (ICAO Doc 9303-7), two lines")


class EventOut(Schema):
    occurred_at: dt.datetime
    subject: Literal["case", "bond"]
    before: str
    after: str
    actor: str
    reason: str


class CaseSummaryOut(Schema):
    reference: str
    state: str
    post: str
    program: str
    visa_class: str
    surname: str
    given_names: str
    nationality: str
    submitted_at: dt.datetime


class CaseOut(CaseSummaryOut):
    birth_date: dt.date
    sex: str
    passport_number: str
    passport_issuing_state: str
    passport_expiry: dt.date
    passport_mrz: list[str]
    purpose: str
    intended_arrival: dt.date
    intended_departure: dt.date
    decision: DecisionOut | None
    bond: BondOut | None
    visa: VisaOut | None
    events: list[EventOut]
