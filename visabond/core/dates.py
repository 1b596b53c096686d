"""Calendar dates from text, with errors that name the field."""

from __future__ import annotations

import datetime as dt

from visabond.core.errors import InvalidInput, gettext_noop


def parse_date(value: str | dt.date, *, field: str) -> dt.date:
    """An ISO 8601 calendar date (YYYY-MM-DD); an impossible date names the field."""
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
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
