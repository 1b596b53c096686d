"""Calendar dates from text, with errors that name the field."""

from __future__ import annotations

import datetime as dt
import re

from visabond.core.errors import InvalidInput, gettext_noop

# ISO 8601's calendar date in its extended form, ASCII digits only. Python's own readers
# take more: `date.fromisoformat` reads 20260302 and 2026-W10-1, `strptime` reads 2026-3-2
# and other scripts' digits; a person or a program writing any of these meant another form.
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def iso_day(text: str) -> dt.date:
    """The day written YYYY-MM-DD in `text`, nothing around it (ISO 8601 extended calendar
    date). Raises `ValueError` for any other form and for a day the calendar has not."""
    if not ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def parse_date(value: str | dt.date, *, field: str) -> dt.date:
    """An ISO 8601 calendar date (YYYY-MM-DD); an impossible date names the field."""
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        return iso_day(text)
    except ValueError:
        if ISO_DAY.fullmatch(text):
            raise InvalidInput(
                gettext_noop("%(text)s is not a calendar date"),
                code="date_impossible",
                field=field,
                params={"text": text},
            ) from None
        raise InvalidInput(
            gettext_noop("'%(text)s' is not a date in the form YYYY-MM-DD"),
            code="date_malformed",
            field=field,
            params={"text": text},
        ) from None


def parse_optional_date(value: str | dt.date | None, *, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)
