"""The database the suite runs on is the one asked for, and concurrent writers stay consistent."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.db import connection, connections

from tests.conftest import usd
from visabond.core import clock
from visabond.core.errors import Conflict
from visabond.policy import services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import RuleVersion
from visabond.policy.rules import Period, RuleTerms


def test_the_suite_runs_on_the_database_it_was_given(db: None) -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("VISABOND_REQUIRE_POSTGRES") and url:
        assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_two_officers_designating_the_same_country_at_once_record_exactly_one_rule() -> None:
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite database is one connection; the PostgreSQL pass runs this")
    author = Author("officer")
    program = services.program_register(
        code="race",
        issuer="USA",
        name="Race",
        legal_basis="",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=[Source("s")],
        author=author,
    )
    terms = RuleTerms(bond_required=True, amounts=(usd(5000),), standard_amount=usd(5000))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def designate() -> None:
        try:
            barrier.wait()
            services.rule_designate(
                program=program,
                nationality="KEN",
                visa_class="B1/B2",
                terms=terms,
                period=Period(dt.date(2030, 1, 1)),
                announced_on=clock.today(),
                reason="race",
                sources=[Source("s")],
                author=author,
            )
            outcomes.append("recorded")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=designate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded", "refused"]
    assert RuleVersion.objects.filter(rule__nationality="KEN").count() == 1
