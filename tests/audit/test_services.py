"""Recording decisions: a person or a process as the actor, every entry chained."""

from __future__ import annotations

import pytest

from visabond.accounts.models import User
from visabond.audit.chain import verify
from visabond.audit.selectors import audit_head, audit_links
from visabond.audit.services import AuditAction, audit_record

pytestmark = pytest.mark.django_db


def test_a_person_as_actor_is_linked_and_covered_by_the_hash() -> None:
    officer = User.objects.create_user("ada", password="a-long-test-password-1")
    event = audit_record(
        AuditAction.RULE_DESIGNATED, subject=officer, actor=officer, details={"n": 1}
    )
    assert (event.actor_name, event.actor_user_id) == ("ada", officer.pk)
    assert event.content()["actor_user_id"] == officer.pk
    assert verify(audit_links(), head=audit_head()) == []


def test_a_process_as_actor_is_named_and_hashed_as_before_people_were_linked() -> None:
    subject = User.objects.create_user("bob", password="a-long-test-password-1")
    event = audit_record(AuditAction.PROGRAM_REGISTERED, subject=subject, actor="visabond seed")
    assert (event.actor_name, event.actor_user_id) == ("visabond seed", None)
    assert "actor_user_id" not in event.content()


def test_a_linked_person_changed_afterwards_is_caught() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    eve = User.objects.create_user("eve", password="a-long-test-password-1")
    event = audit_record(AuditAction.RULE_AMENDED, subject=ada, actor=ada)
    type(event).objects.filter(pk=event.pk).update(actor_user=eve)
    assert [b.problem for b in verify(audit_links(), head=audit_head())] == [
        "content differs from what was recorded"
    ]
