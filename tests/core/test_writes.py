"""Work a step hands over to its entry point is done just before the commit, or not at all."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from visabond.accounts.models import User
from visabond.core.writes import before_commit, entry_point_transaction

# transaction=True: the entry points commit for real, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """Work that notes what it was given, and whether a transaction was still open."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[object]] = []
        self.in_transaction: list[bool] = []
        self.fail = fail

    def __call__(self, items: Sequence[object]) -> None:
        self.calls.append(list(items))
        self.in_transaction.append(connection.in_atomic_block)
        if self.fail:
            raise RuntimeError("the work failed")


def test_work_deferred_in_an_entry_point_is_done_once_before_commit_in_the_order_given() -> None:
    first, second = Recorder(), Recorder()
    with entry_point_transaction():
        before_commit(first, 1)
        before_commit(second, "a")
        before_commit(first, 2)
        assert (first.calls, second.calls) == ([], [])
    assert (first.calls, second.calls) == ([[1, 2]], [["a"]])
    assert (first.in_transaction, second.in_transaction) == ([True], [True])


def test_an_entry_point_that_raises_drops_its_deferred_work() -> None:
    work = Recorder()

    def refused_decision() -> None:
        with entry_point_transaction():
            before_commit(work, 1)
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        refused_decision()
    assert work.calls == []


def test_an_entry_point_marked_for_rollback_drops_its_deferred_work() -> None:
    work = Recorder()
    with entry_point_transaction():
        User.objects.create_user("ada", password="a-long-test-password-1")
        before_commit(work, 1)
        transaction.set_rollback(True)
    assert work.calls == []
    assert not User.objects.filter(username="ada").exists()


def test_failing_deferred_work_rolls_the_whole_entry_point_back() -> None:
    def decision() -> None:
        with entry_point_transaction():
            User.objects.create_user("ada", password="a-long-test-password-1")
            before_commit(Recorder(fail=True), 1)

    with pytest.raises(RuntimeError, match="the work failed"):
        decision()
    assert not User.objects.filter(username="ada").exists()
    assert not connection.in_atomic_block


def test_outside_an_entry_point_transaction_work_is_done_at_once() -> None:
    work = Recorder()
    with transaction.atomic(durable=True):
        before_commit(work, 1)
        assert work.calls == [[1]]
    with entry_point_transaction():
        pass
    with transaction.atomic(durable=True):
        before_commit(work, 2)
        assert work.calls == [[1], [2]]


def test_in_a_savepoint_with_nothing_kept_work_is_done_at_once_and_rolls_back_with_it() -> None:
    work = Recorder()

    def rolled_back_savepoint() -> None:
        with transaction.atomic():
            before_commit(work, "inside")
            assert work.calls == [["inside"]]
            raise ValueError("inner")

    with entry_point_transaction():
        with pytest.raises(ValueError, match="inner"):
            rolled_back_savepoint()
        before_commit(work, "after")
        assert work.calls == [["inside"]]
    assert work.calls == [["inside"], ["after"]]


def test_in_a_savepoint_after_work_was_kept_it_is_refused_rather_than_reordered_or_lost() -> None:
    work = Recorder()

    def decision() -> None:
        with entry_point_transaction():
            before_commit(work, "kept")
            with transaction.atomic():
                before_commit(work, "inside")

    with pytest.raises(TransactionManagementError, match="savepoint"):
        decision()
    assert work.calls == []


def test_an_entry_point_transaction_refuses_to_be_nested() -> None:
    def nested() -> None:
        with transaction.atomic(), entry_point_transaction():
            pass  # pragma: no cover - never entered

    with pytest.raises(RuntimeError, match="durable"):
        nested()
