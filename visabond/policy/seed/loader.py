"""Loading the real policy timeline (timeline.json) into the registry, each step once.

`seed_load` is an entry point: each step of the file runs in its own durable transaction,
which also records the step as applied, so a step is never half loaded nor loaded twice.
Inside it the loader composes the same steps and reactions as the registry's own entry
points (docs/writes.md).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, TypeVar

from django.db import models, transaction

from visabond.core.dates import parse_optional_date
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy import mirroring, reciprocity_services, rule_versions, services
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
from visabond.policy.terms import terms_from_json

SEED_AUTHOR = Author("visabond seed")


@dataclass
class SeedReport:
    applied: list[str] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def _default_timeline() -> dict[str, Any]:
    text = resources.files("visabond.policy.seed").joinpath("timeline.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def seed_load(timeline: dict[str, Any] | None = None) -> SeedReport:
    """Apply every step not applied yet, in the file's order (the order of announcement).

    An entry point: one durable transaction per step. A step naming something the registry
    does not hold raises `InvalidInput` naming the step, and leaves that step unapplied.
    """
    data = timeline or _default_timeline()
    report = SeedReport()
    sources = {k: Source(**v) for k, v in data["sources"].items()}
    for program in data["programs"]:
        _program(program, sources)
    done = set(SeedStep.objects.values_list("key", flat=True))
    for step in data["steps"]:
        if step["key"] in done:
            report.skipped += 1
            continue
        with transaction.atomic(durable=True):
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
    # The seed records history from its sources: its past dates are meant (`confirm_past`).
    kind = step["step"]
    if kind == "designate":
        recorded = rule_versions.designation_append(
            program=_found(step, Program, code=step["program"]),
            nationality=step["nationality"],
            visa_class=step["visa_class"],
            terms=terms_from_json(data["terms"][step["terms"]]),
            period=Period(_required_day(step, "effective_from"), _day(step.get("effective_to"))),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
            confirm_past=True,
        )
        mirroring.rule_version_mirror(recorded.version, author=SEED_AUTHOR)
        return recorded.warnings
    if kind == "withdraw":
        recorded = rule_versions.withdrawal_append(
            rule_id=_rule(step, *step["rule"]).pk,
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
            confirm_past=True,
        )
        mirroring.rule_version_mirror(recorded.version, author=SEED_AUTHOR)
        return recorded.warnings
    if kind == "directive":
        directive = reciprocity_services.directive_record(
            program=_found(step, Program, code=step["program"]),
            counterpart=step["counterpart"],
            visa_class_mapping=step["visa_class_mapping"],
            port_mapping=step["port_mapping"],
            cap=Money.of(step["cap"], step["cap_currency"], field="cap")
            if step.get("cap")
            else None,
            mode=Mode(step["mode"]),
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
        )
        mirroring.directive_sources_mirror(directive, author=SEED_AUTHOR)
        return []
    if kind == "approve_mirror":
        issuer, counterpart = step["directive"]
        review = _found(
            step,
            ReciprocityReview,
            directive=_found(step, ReciprocityDirective, issuer=issuer, counterpart=counterpart),
            source_version__rule=_rule(step, *step["source"]),
            status=ReviewStatus.PENDING,
        )
        version = mirroring.review_apply(
            mirroring.review_pending(review.pk),
            author=SEED_AUTHOR,
            status=ReviewStatus.APPROVED,
            reason=step["reason"],
            effective_from=_required_day(step, "effective_from"),
            announced_on=_required_day(step, "announced_on"),
            confirm_past=True,
        )
        mirroring.rule_version_mirror(version, author=SEED_AUTHOR)
        return []
    if kind == "correct_announcement":
        return _correct_announcement(step, sources)
    raise InvalidInput(f"unknown seed step {kind!r}", code="seed_step_unknown", field="step")


def _correct_announcement(step: dict[str, Any], sources: dict[str, Source]) -> list[str]:
    """Where an earlier seed recorded a version as announced on `recorded_as`, record its
    correction (announced on `announced_on`, citing the step's sources). A registry seeded
    since then holds the right date already, and the step changes nothing there.
    """
    rule = _rule(step, *step["rule"])
    recorded_as = _required_day(step, "recorded_as")
    wrong = rule.versions.filter(announced_on=recorded_as, corrects_version=None).exclude(
        version__in=rule.versions.exclude(corrects_version=None).values("corrects_version")
    )
    warnings: list[str] = []
    for version in wrong.order_by("version"):
        recorded = rule_versions.correction_append(
            rule_id=rule.pk,
            version=version.version,
            announced_on=_required_day(step, "announced_on"),
            reason=step["reason"],
            sources=[sources[s] for s in step["sources"]],
            author=SEED_AUTHOR,
            confirm_past=True,
        )
        mirroring.rule_version_mirror(recorded.version, author=SEED_AUTHOR)
        warnings += recorded.warnings
    return warnings


def _required_day(step: dict[str, Any], name: str) -> dt.date:
    day = _day(step.get(name))
    if day is None:
        raise InvalidInput(
            f"seed step {step['key']} needs {name}", code="seed_date_missing", field=name
        )
    return day


M = TypeVar("M", bound=models.Model)


def _found(step: dict[str, Any], model: type[M], **lookup: Any) -> M:
    """The one row a seed step names, or `InvalidInput` naming the step (the file is wrong)."""
    found = model._default_manager.filter(**lookup).order_by("pk").first()
    if found is None:
        raise InvalidInput(
            f"seed step {step['key']} names a {model._meta.verbose_name} the registry does not hold",
            code="seed_reference_unknown",
            field="step",
        )
    return found


def _rule(step: dict[str, Any], issuer: str, nationality: str, visa_class: str) -> Rule:
    return _found(step, Rule, issuer=issuer, nationality=nationality, visa_class=visa_class)
