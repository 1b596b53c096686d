"""Recording decisions: a person or a process as the actor, every entry chained."""

from __future__ import annotations

import pytest
from django.db import transaction

from visabond.accounts.models import User
from visabond.audit.chain import Head, verify
from visabond.audit.models import AuditEvent
from visabond.audit.selectors import audit_head, audit_links
from visabond.audit.services import AuditAction, audit_record
from visabond.core.writes import entry_point_transaction

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


def recorded_in_one_entry_point(subject: User, count: int) -> list[AuditEvent]:
    before = AuditEvent.objects.count()
    with entry_point_transaction():
        events = [
            audit_record(
                AuditAction.USER_ROLE_GRANTED, subject=subject, actor="test", details={"n": n}
            )
            for n in range(count)
        ]
        # Chained at the commit: not yet in the trail, nor numbered.
        assert AuditEvent.objects.count() == before
        assert {event.sequence for event in events} == {None}
    return events


@pytest.mark.django_db(transaction=True)
def test_an_entry_point_chains_its_entries_at_commit_in_the_order_recorded() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    events = recorded_in_one_entry_point(ada, 3)
    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [(e.sequence, e.details) for e in stored] == [
        (1, {"n": 0}),
        (2, {"n": 1}),
        (3, {"n": 2}),
    ]
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert audit_head() == Head(3, stored[-1].hash)
    assert verify(audit_links(), head=audit_head()) == []


@pytest.mark.django_db(transaction=True)
def test_an_entry_point_rolled_back_leaves_no_audit_entry_and_the_head_as_it_was() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    recorded_in_one_entry_point(ada, 1)
    head = audit_head()

    def refused_decision() -> None:
        with entry_point_transaction():
            audit_record(AuditAction.USER_ROLE_GRANTED, subject=ada, actor="test")
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        refused_decision()
    assert AuditEvent.objects.count() == 1
    assert audit_head() == head
    recorded_in_one_entry_point(ada, 1)
    assert verify(audit_links(), head=audit_head()) == []


@pytest.mark.django_db(transaction=True)
def test_entries_chained_at_commit_follow_entries_written_at_once_in_one_trail() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    with transaction.atomic(durable=True):
        audit_record(AuditAction.USER_CREATED, subject=ada, actor="test")
        assert AuditEvent.objects.count() == 1
    recorded_in_one_entry_point(ada, 2)
    assert list(AuditEvent.objects.values_list("sequence", "action")) == [
        (1, "account.created"),
        (2, "account.role_granted"),
        (3, "account.role_granted"),
    ]
    assert verify(audit_links(), head=audit_head()) == []


@pytest.mark.django_db(transaction=True)
def test_the_newest_entries_chained_at_commit_and_deleted_are_noticed() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    recorded_in_one_entry_point(ada, 3)
    AuditEvent.objects.filter(sequence__gte=2).delete()
    assert [b.problem for b in verify(audit_links(), head=audit_head())] == [
        "the head row records entry 3 but the trail ends at entry 1: "
        "the newest entries were deleted"
    ]


def test_an_entry_records_the_details_as_they_were_when_recorded() -> None:
    ada = User.objects.create_user("ada", password="a-long-test-password-1")
    details: dict[str, object] = {"roles": ["auditor"]}
    with entry_point_transaction():
        audit_record(AuditAction.USER_ROLE_GRANTED, subject=ada, actor="test", details=details)
        details["roles"].append("cashier")  # type: ignore[attr-defined]
    assert AuditEvent.objects.get().details == {"roles": ["auditor"]}
    assert verify(audit_links(), head=audit_head()) == []
