"""Adjudications over real HTTP: roles answered before the body is read, the obligor sees and
contests their own only, a large forfeiture approved by a second adjudicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.border_world import admit, bonded, grace
from tests.casework_world import PASSWORD, person
from tests.http_client import Session
from visabond.accounts.roles import Role
from visabond.adjudication.models import Adjudication
from visabond.border.sweep_services import sweep_run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference(live_server: Any, pilot: None) -> str:
    bonded(amount="15000")
    admit(grace())
    sweep_run(as_of=dt.date(2025, 11, 1), actor="visabond sweep")
    for name, role in [
        ("adjudicator-one", Role.BOND_ADJUDICATOR),
        ("adjudicator-two", Role.BOND_ADJUDICATOR),
        ("auditor", Role.AUDITOR),
        ("amina", Role.APPLICANT),
    ]:
        person(name, role)
    return Adjudication.objects.get().reference


def signed_in(server: Any, username: str | None) -> Session:
    session = Session(str(server.url))
    if username:
        session.login(username, PASSWORD)
    return session


def test_two_adjudicators_forfeit_a_large_bond_and_the_obligor_contests(
    live_server: Any, reference: str
) -> None:
    one = signed_in(live_server, "adjudicator-one")
    path = f"/api/v1/adjudications/{reference}"
    listed = one.get("/api/v1/adjudications").json()
    assert [a["reference"] for a in listed] == [reference]
    assert listed[0]["evidence"][0]["ground"] == "overstay"
    decided = one.post_json(f"{path}/decision", {"breach": True, "reason": "overstayed"})
    assert decided.status == 200, decided.text
    assert (decided.json()["state"], decided.json()["bond_state"]) == (
        "awaiting_approval",
        "breached",
    )
    same = one.post_json(f"{path}/approval", {"approve": True, "reason": "agree"})
    assert (same.status, same.json()["code"]) == (403, "second_adjudicator")
    two = signed_in(live_server, "adjudicator-two")
    approved = two.post_json(f"{path}/approval", {"approve": True, "reason": "agree"})
    assert approved.json()["state"] == "forfeited"
    grace_session = signed_in(live_server, "grace")
    assert grace_session.get(path).json()["contest_deadline"] is not None
    contest = {
        "statement": "I left on time",
        "evidence": [{"kind": "boarding_pass", "description": "ET 501 on 2025-10-30"}],
    }
    contested = grace_session.post_json(f"{path}/contest", contest)
    assert contested.status == 200, contested.text
    assert (contested.json()["state"], contested.json()["round"]) == ("open", 2)


def test_each_role_gets_the_answer_it_should(live_server: Any, reference: str) -> None:
    path = f"/api/v1/adjudications/{reference}"
    assert signed_in(live_server, None).get(path).status == 401
    assert signed_in(live_server, "auditor").get(path).status == 200
    auditor_decides = signed_in(live_server, "auditor").post_json(f"{path}/decision", {})
    assert (auditor_decides.status, auditor_decides.json()["code"]) == (403, "role_required")
    other = signed_in(live_server, "amina")
    assert other.get(path).status == 404
    assert other.get("/api/v1/adjudications").json() == []
    assert other.post_json(f"{path}/contest", {"statement": "x"}).status == 404
    missing = signed_in(live_server, "adjudicator-one").get("/api/v1/adjudications/A-0000-0000")
    assert (missing.status, missing.json()["code"]) == (404, "adjudication_not_found")
