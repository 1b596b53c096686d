"""Loading consular posts and each program's bond terms (posts.json); running it again
changes nothing.

An entry point: one durable transaction. Reference data are kept as the file states them;
a post or terms that changed in the file are updated, and each creation or change is an
audit entry.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction

from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.models import BondTerms
from visabond.casework.models import ConsularPost
from visabond.core.countries import country
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.models import Program

SEED_ACTOR = "visabond seed"


def _default_data() -> dict[str, Any]:
    text = resources.files("visabond.casework.seed").joinpath("posts.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def posts_seed_load(data: dict[str, Any] | None = None) -> list[str]:
    """Create or update every post and every program's bond terms; returns what changed.

    Raises `InvalidInput` naming the entry when it refers to a program the registry does
    not hold or a country that does not exist; nothing is then written.
    """
    spec = data or _default_data()
    sources = spec["sources"]
    changed: list[str] = []
    with transaction.atomic(durable=True):
        for entry in spec["posts"]:
            if _post(entry, sources):
                changed.append(f"post {entry['code']}")
        for entry in spec["bond_terms"]:
            if _terms(entry, sources):
                changed.append(f"bond terms of {entry['program']}")
    return changed


def _programs(codes: list[str], *, where: str) -> list[Program]:
    found = {p.code: p for p in Program.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(
            f"{where} names programs the registry does not hold: {', '.join(missing)} "
            "(run the policy seed first)",
            code="program_not_found",
            field="program",
        )
    return [found[c] for c in codes]


def _post(entry: dict[str, Any], sources: dict[str, Any]) -> bool:
    country(entry["country"])
    programs = _programs(entry["programs"], where=f"post {entry['code']}")
    fields = {
        "name": entry["name"],
        "country": entry["country"],
        "city": entry["city"],
        "time_zone": entry["time_zone"],
        "sources": [sources[s] for s in entry["sources"]],
    }
    post, created = ConsularPost.objects.get_or_create(code=entry["code"], defaults=fields)
    changed = created or any(getattr(post, k) != v for k, v in fields.items())
    if changed and not created:
        for name, value in fields.items():
            setattr(post, name, value)
        post.save()
    if set(post.programs.all()) != set(programs):
        post.programs.set(programs)
        changed = True
    if changed:
        audit_record(AuditAction.POST_RECORDED, subject=post, actor=SEED_ACTOR, details=fields)
    return changed


def _terms(entry: dict[str, Any], sources: dict[str, Any]) -> bool:
    (program,) = _programs([entry["program"]], where=f"bond terms of {entry['program']}")
    threshold = entry.get("second_approval_above")
    money = None if threshold is None else Money.from_json(threshold)
    fields = {
        "payment_days": entry["payment_days"],
        "refund_promise_days": entry["refund_promise_days"],
        "contest_days": entry["contest_days"],
        "grace_days": entry["grace_days"],
        "second_approval_above_amount": None if money is None else money.amount,
        "second_approval_above_currency": "" if money is None else money.currency,
        "payment_channel": entry["payment_channel"],
        "bond_form": entry["bond_form"],
        "waiver_grounds": entry["waiver_grounds"],
        "sources": [sources[s] for s in entry["sources"]],
    }
    terms, created = BondTerms.objects.get_or_create(program=program, defaults=fields)
    changed = created or any(getattr(terms, k) != v for k, v in fields.items())
    if changed and not created:
        for name, value in fields.items():
            setattr(terms, name, value)
        terms.save()
    if changed:
        details = {k: str(v) if k.endswith("_amount") else v for k, v in fields.items()}
        audit_record(
            AuditAction.BOND_TERMS_RECORDED, subject=terms, actor=SEED_ACTOR, details=details
        )
    return changed
