"""A refusal's English message writes its values as people do."""

from __future__ import annotations

import datetime as dt

import pytest

from visabond.core.errors import InvalidInput


def test_a_list_of_values_is_written_as_words_not_python_notation() -> None:
    error = InvalidInput(
        "%(port)s is not a port this visa designates (%(ports)s)",
        code="port_not_designated",
        params={"port": "ORD", "ports": ["BOS", "JFK", "IAD"]},
    )
    assert error.message == "ORD is not a port this visa designates (BOS, JFK, IAD)"
    assert error.params["ports"] == ["BOS", "JFK", "IAD"]  # a page writes them its own way


@pytest.mark.parametrize(
    "typed", ["20260302", "2026-W10-1", "2026-3-2", "\uff12026-03-02", "2026-03-02T00:00"]
)
def test_a_day_is_read_in_iso_s_extended_form_alone(typed: str) -> None:
    from visabond.core.dates import iso_day, parse_date

    with pytest.raises(ValueError, match="is not written YYYY-MM-DD"):
        iso_day(typed)
    with pytest.raises(InvalidInput) as refused:
        parse_date(typed, field="as_of")
    assert refused.value.code == "date_malformed"
    assert refused.value.field == "as_of"


def test_a_day_the_calendar_has_not_is_said_to_be_impossible() -> None:
    from visabond.core.dates import iso_day, parse_date

    assert iso_day("2028-02-29") == dt.date(2028, 2, 29)
    with pytest.raises(InvalidInput) as refused:
        parse_date("2026-02-30", field="as_of")
    assert refused.value.code == "date_impossible"
