"""Days and moments are written for people in the page's language: ISO in English (the form
the consoles' staff read), the language's own format in French; machine-read values stay ISO."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.web.console import signed_in
from visabond.core.errors import InvalidInput, gettext_noop
from visabond.web.localized import error_text

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


def test_a_refusals_dates_read_the_pages_way_and_stay_iso_for_the_api() -> None:
    """A refusal shown on a French page writes its dates as French does; its English
    message, the one the API and the command line give, keeps them ISO."""
    refusal = InvalidInput(
        gettext_noop("visa %(visa)s is valid for entry from %(start)s to %(end)s, not on %(day)s"),
        code="visa_not_valid",
        field="visa_number",
        params={
            "visa": "V1",
            "start": DAY,
            "end": dt.date(2026, 6, 13),
            "day": dt.date(2026, 7, 1),
        },
    )
    with translation.override("fr"):
        said = error_text(refusal)
    assert said == (
        "le visa V1 permet l'entrée du 14 mars 2026 au 13 juin 2026, pas le 1 juillet 2026"
    )
    assert not re.search(r"\d{4}-\d{2}-\d{2}", said)
    with translation.override("en"):
        assert error_text(refusal).startswith(
            "visa V1 is valid for entry from 2026-03-14 to 2026-06-13"
        )
    assert refusal.as_dict()["message"].startswith(
        "visa V1 is valid for entry from 2026-03-14 to 2026-06-13"
    )
