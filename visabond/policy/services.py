"""Writes to the policy registry: programs, designations, amendments, withdrawals.

Each is an entry point (called by a view, the API or the command line): it opens one
durable transaction, appends to the rule's history through the step in `rule_versions`,
then calls the reciprocity reaction by name (`mirroring.rule_version_mirror`). Reading
order matches the writing order: entry point -> reaction -> step -> models (docs/writes.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from django.db import transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.core.countries import country
from visabond.policy import mirroring, rule_versions
from visabond.policy.decisions import Author, Recorded, Source
from visabond.policy.models import Program
from visabond.policy.rules import Period, RuleTerms


def program_register(
    *,
    code: str,
    issuer: str,
    name: str,
    legal_basis: str,
    notice_days: int,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    sources: Sequence[Source],
    author: Author,
) -> Program:
    """Register a program once; registering the same code again returns it unchanged.

    An entry point (one durable transaction); an unknown issuer is refused (422).
    """
    country(issuer)
    with transaction.atomic(durable=True):
        program, created = Program.objects.get_or_create(
            code=code,
            defaults={
                "issuer": issuer,
                "name": name,
                "legal_basis": legal_basis,
                "notice_days": notice_days,
                "effective_from": effective_from,
                "effective_to": effective_to,
                "sources": [s.as_dict() for s in sources],
            },
        )
        if created:
            audit_record(AuditAction.PROGRAM_REGISTERED, subject=program, actor=author.actor)
    return program


def rule_designate(
    *,
    program: Program,
    nationality: str,
    visa_class: str,
    terms: RuleTerms,
    period: Period,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    legal_basis: str = "",
    confirm_past: bool = False,
) -> Recorded:
    """Designate a nationality for a visa class under a program, from a date.

    An entry point (one durable transaction); refuses what
    `rule_versions.designation_append` refuses, and a start before today unless
    `confirm_past` (422 `effective_in_past_unconfirmed`), then lets reciprocity react.
    """
    with transaction.atomic(durable=True):
        recorded = rule_versions.designation_append(
            program=program,
            nationality=nationality,
            visa_class=visa_class,
            terms=terms,
            period=period,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            confirm_past=confirm_past,
            legal_basis=legal_basis,
        )
        mirroring.rule_version_mirror(recorded.version, author=author)
    return recorded


def rule_amend(
    *,
    rule_id: int,
    terms: RuleTerms,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    effective_to: dt.date | Literal["unchanged"] | None = "unchanged",
    confirm_past: bool = False,
) -> Recorded:
    """Change a rule's terms from a date; its history before that date stays as it was.

    An entry point (one durable transaction); refuses what
    `rule_versions.amendment_append` refuses, and a date before today unless `confirm_past`
    (422 `effective_in_past_unconfirmed`), then lets reciprocity react.
    """
    with transaction.atomic(durable=True):
        recorded = rule_versions.amendment_append(
            rule_id=rule_id,
            terms=terms,
            effective_from=effective_from,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            confirm_past=confirm_past,
            effective_to=effective_to,
        )
        mirroring.rule_version_mirror(recorded.version, author=author)
    return recorded


def rule_withdraw(
    *,
    rule_id: int,
    effective_from: dt.date,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    confirm_past: bool = False,
) -> Recorded:
    """End a rule from a date (before it took effect, it never does).

    An entry point (one durable transaction); refuses what
    `rule_versions.withdrawal_append` refuses, and a date before today unless `confirm_past`
    (422 `effective_in_past_unconfirmed`), then lets reciprocity react.
    """
    with transaction.atomic(durable=True):
        recorded = rule_versions.withdrawal_append(
            rule_id=rule_id,
            effective_from=effective_from,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            confirm_past=confirm_past,
        )
        mirroring.rule_version_mirror(recorded.version, author=author)
    return recorded


def rule_correct(
    *,
    rule_id: int,
    version: int,
    announced_on: dt.date,
    reason: str,
    sources: Sequence[Source],
    author: Author,
    confirm_past: bool = False,
) -> Recorded:
    """Correct the announcement date recorded for a version of a rule, citing the source.

    An entry point (one durable transaction); refuses what
    `rule_versions.correction_append` refuses, then lets reciprocity react (a mirror of the
    rule restates the corrected version like any other change).
    """
    with transaction.atomic(durable=True):
        recorded = rule_versions.correction_append(
            rule_id=rule_id,
            version=version,
            announced_on=announced_on,
            reason=reason,
            sources=sources,
            author=author,
            confirm_past=confirm_past,
        )
        mirroring.rule_version_mirror(recorded.version, author=author)
    return recorded
