"""Loading the real policy timeline (timeline.json) into the registry, each step once."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction

from visabond.core.dates import parse_optional_date
from visabond.core.errors import InvalidInput
from visabond.policy import reciprocity_services, records, services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import (
    Program,
    ReciprocityDirective,
    ReciprocityReview,
    ReviewStatus,
    Rule,
    SeedStep,
)
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period

SEED_AUTHOR = Author("visabond seed")


@dataclass
class SeedReport:
    applied: list[str] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def default_timeline() -> dict[str, Any]:
    text = resources.files("visabond.policy.seed").joinpath("timeline.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def seed_load(timeline: dict[str, Any] | None = None) -> SeedReport:
    """Apply every step not applied yet, in the file's order (the order of announcement)."""
    data = timeline or default_timeline()
    report = SeedReport()
    sources = {k: Source(**v) for k, v in data["sources"].items()}
    for program in data["programs"]:
        _program(program, sources)
    done = set(SeedStep.objects.values_list("key", flat=True))
    for step in data["steps"]:
        if step["key"] in done:
            report.skipped += 1
            continue
        with transaction.atomic():
            warnings = _apply(step, data, sources)
            SeedStep.objects.create(key=step["key"])
        report.applied.append(step["key"])
        report.warnings += [f"{step['key']}: {w}" for w in warnings]
    return report


def _day(text: str | None) -> dt.date | None:
    return parse_optional_date(text, field="seed date")


def _program(spec: dict[str, Any], sources: dict[str, Source]) -> Program:
    return services.program_register(
        code=spec["code"],
        issuer=spec["issuer"],
        name=spec["name"],
        legal_basis=spec["legal_basis"],
        notice_days=spec["notice_days"],
        effective_from=_day(spec["effective_from"]),
        effective_to=_day(spec["effective_to"]),
        sources=[sources[s] for s in spec["sources"]],
        author=SEED_AUTHOR,
    )


def _apply(step: dict[str, Any], data: dict[str, Any], sources: dict[str, Source]) -> list[str]:
    kind = step["step"]
    if kind == "designate":
        recorded = services.rule_designate(
            program=Program.objects.get(code=step["program"]),
            nationality=step["nationality"],
            visa_class=step["visa_class"],
            terms=records.terms_from_json(data["terms"][step["terms"]]),
            period=Period(_required_day(step, "effective_from"), _day(step.get("effective_to"))),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
        )
        return recorded.warnings
    if kind == "withdraw":
        recorded = services.rule_withdraw(
            rule_id=_rule(*step["rule"]).pk,
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
        )
        return recorded.warnings
    if kind == "directive":
        reciprocity_services.directive_adopt(
            program=Program.objects.get(code=step["program"]),
            counterpart=step["counterpart"],
            visa_class_mapping=step["visa_class_mapping"],
            port_mapping=step["port_mapping"],
            cap=Decimal(step["cap"]) if step.get("cap") else None,
            cap_currency=step.get("cap_currency"),
            mode=Mode(step["mode"]),
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
        )
        return []
    if kind == "approve_mirror":
        issuer, counterpart = step["directive"]
        directive = ReciprocityDirective.objects.get(issuer=issuer, counterpart=counterpart)
        review = ReciprocityReview.objects.get(
            directive=directive,
            source_version__rule=_rule(*step["source"]),
            status=ReviewStatus.PENDING,
        )
        reciprocity_services.reciprocity_review_approve(
            review_id=review.pk,
            reason=step["reason"],
            author=SEED_AUTHOR,
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            # The seed records history: every date in it has passed.
            confirm_past=True,
        )
        return []
    raise InvalidInput(f"unknown seed step {kind!r}", code="seed_step_unknown", field="step")


def _required_day(step: dict[str, Any], name: str) -> dt.date:
    day = _day(step.get(name))
    if day is None:
        raise InvalidInput(
            f"seed step {step['key']} needs {name}", code="seed_date_missing", field=name
        )
    return day


def _rule(issuer: str, nationality: str, visa_class: str) -> Rule:
    return Rule.objects.filter(
        issuer=issuer, nationality=nationality, visa_class=visa_class
    ).earliest("pk")
