"""The adjudication API's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class BreachDecisionIn(Schema):
    breach: bool = Field(..., description="true: the terms were breached; false: they were not")
    reason: str


class ForfeitureApprovalIn(Schema):
    approve: bool
    reason: str


class EvidenceIn(Schema):
    kind: str = Field(..., description="e.g. boarding_pass, exit_stamp, extension_approval")
    description: str
    reference: str = ""


class ContestIn(Schema):
    statement: str
    evidence: list[EvidenceIn] = Field(default_factory=list)


class StepOut(Schema):
    action: str
    round: int
    occurred_at: dt.datetime
    actor: str
    note: str


class AdjudicationOut(Schema):
    reference: str
    bond: str
    bond_state: str
    ground: str
    state: str
    round: int
    opened_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    approved_by: str | None
    contest_deadline: dt.date | None
    evidence: list[dict[str, Any]]
    steps: list[StepOut]
