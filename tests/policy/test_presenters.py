"""The requirement and the console's warnings in plain words, each count with its own plural."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from visabond.policy.presenters import notice_warning_text


def warning(notice_days: int, language: str) -> str:
    with translation.override(language):
        return notice_warning_text(
            announced_on=dt.date(2026, 3, 1),
            effective_from=dt.date(2026, 3, 2),
            program_name="Pilot",
            notice_days=notice_days,
        )


def test_the_promised_notice_takes_the_plural_of_its_own_count() -> None:
    assert (
        warning(1, "en") == "announced 1 day before it takes effect; Pilot promises 1 day's notice"
    )
    assert warning(15, "en").endswith("Pilot promises 15 days' notice")
    assert warning(1, "fr").endswith("Pilot promet un préavis de 1 jour")
    assert warning(15, "fr").endswith("Pilot promet un préavis de 15 jours")
