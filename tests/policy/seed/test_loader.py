"""The seed loader brings an installation seeded by an earlier release up to the corrected
timeline by adding versions, never by editing the ones it recorded."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import shipped_timeline
from tests.web.console import signed_in
from visabond.audit.chain import verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.policy.models import Rule, RuleVersion
from visabond.policy.seed.loader import seed_load
from visabond.policy.selectors import requirement_lookup

pytestmark = pytest.mark.django_db
SEVEN = ["BTN", "BWA", "CAF", "GIN", "GNB", "NAM", "TKM"]


def as_seeded_before_the_correction() -> dict[str, Any]:
    """The timeline as an earlier release shipped it: the seven designations of 2026-01-01
    recorded as announced on 2026-01-05 (the first press report then found), no corrections."""
    timeline = copy.deepcopy(shipped_timeline())
    steps = [s for s in timeline["steps"] if s["step"] != "correct_announcement"]
    for step in steps:
        if step["key"] in {f"us-pilot/{c}" for c in SEVEN}:
            step["announced_on"] = "2026-01-05"
    timeline["steps"] = steps
    timeline["sources"]["dos-2026-01-01"]["date"] = "2026-01-05"
    return timeline


def first_bhutan_rule() -> int:
    return Rule.objects.get(issuer="USA", nationality="BTN").pk


def bhutan(known_on: str | None = None) -> dict[str, Any]:
    return requirement_lookup(
        issuer="USA", nationality="BTN", visa_class="B1/B2", on="2026-01-01", known_on=known_on
    ).to_json_dict()


@pytest.mark.usefixtures("people")
def test_an_earlier_seed_is_corrected_by_new_versions_and_its_rows_stay() -> None:
    seed_load(as_seeded_before_the_correction())
    assert bhutan(known_on="2025-12-22")["bond_required"] is False
    first = {v.pk: (v.version, v.announced_on, v.notice_warning) for v in RuleVersion.objects.all()}

    report = seed_load()

    assert report.applied == [f"us-pilot/{c}/announcement-corrected" for c in SEVEN]
    kept = {v.pk: (v.version, v.announced_on, v.notice_warning) for v in RuleVersion.objects.all()}
    assert {pk: kept[pk] for pk in first} == first
    answer = bhutan(known_on="2025-12-22")
    assert (answer["bond_required"], answer["announced_on"], answer["version"]) == (
        True,
        "2025-12-17",
        2,
    )
    assert bhutan()["announced_on"] == "2025-12-17"
    assert "Financial Express" in " ".join(s["title"] for s in bhutan()["sources"])
    assert AuditEvent.objects.filter(action="rule.corrected").count() == 7
    history = signed_in("auditor").get(f"/console/rules/{first_bhutan_rule()}/").content.decode()
    assert "corrects v1" in history
    assert verify(audit_links(), head=audit_head()) == []


def test_a_registry_seeded_with_the_right_dates_has_nothing_to_correct() -> None:
    report = seed_load()
    assert all(f"us-pilot/{c}/announcement-corrected" in report.applied for c in SEVEN)
    assert not RuleVersion.objects.exclude(corrects_version=None).exists()
    assert bhutan(known_on="2025-12-22")["version"] == 1
