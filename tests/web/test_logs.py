"""A refused role is one line in the server's log, without a traceback."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from tests.casework_world import person
from tests.pages import signed_in
from visabond.accounts.roles import Role
from visabond.web.logs import ForbiddenOneLine


@pytest.mark.django_db
def test_a_403_is_logged_as_one_line_without_a_traceback() -> None:
    (console,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ForbiddenOneLine) for f in h.filters)
    ]
    assert isinstance(console, logging.StreamHandler)
    written = io.StringIO()
    kept = console.setStream(written)
    try:
        answer = signed_in(person("grace", Role.APPLICANT)).get("/adjudications/")
    finally:
        console.setStream(kept)
    assert answer.status_code == 403
    assert written.getvalue().splitlines() == ["Forbidden (Permission denied): /adjudications/"]


def test_other_records_keep_their_traceback() -> None:
    try:
        raise ValueError("a fault")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    assert ForbiddenOneLine().filter(record)
    assert record.exc_info is not None
