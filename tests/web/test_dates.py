"""Days and moments are written for people in the page's language: ISO in English (the form
the consoles' staff read), the language's own format in French; machine-read values stay ISO."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.web.console import signed_in

DAY = dt.date(2026, 3, 14)
MOMENT = dt.datetime(2026, 3, 14, 9, 5, tzinfo=dt.UTC)


def shown(text: str, language: str, **values: object) -> str:
    with translation.override(language):
        return Template(text).render(Context(values))


def test_a_day_reads_iso_in_english_and_the_french_way_in_french() -> None:
    assert shown("{{ d|day }}", "en", d=DAY) == "2026-03-14"
    assert shown("{{ d|day }}", "fr", d=DAY) == "14 mars 2026"


def test_a_moment_reads_to_the_minute_in_either_language() -> None:
    assert shown("{{ m|moment }}", "en", m=MOMENT) == "2026-03-14 09:05"
    assert shown("{{ m|moment }}", "fr", m=MOMENT) == "14 mars 2026 09:05"


def test_no_day_is_empty_so_that_a_default_applies() -> None:
    assert shown('{{ d|day|default:"—" }}', "fr", d=None) == "—"


@pytest.mark.usefixtures("seeded", "people")
def test_the_french_console_writes_today_the_french_way(today_is: object) -> None:
    today_is(DAY)  # type: ignore[operator]
    french = signed_in("policy_officer").get("/fr/console/").content.decode()
    english = signed_in("policy_officer").get("/console/").content.decode()
    assert "14 mars 2026" in french
    assert not re.search(r"\b2026-03-14\b", french)
    assert "2026-03-14" in english
