"""Types the JSON API's input schemas share: what a client sends is read as sent, not coerced.

pydantic's default (lax) mode turns "30" into 30, true into 1, 5000.0 into 5000 and
"2026-07-01T00:00:00" into a day, and ignores fields it does not know; an input schema
built from these types refuses each, naming the field (422), so a client's mistake is
reported instead of guessed at.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, StrictInt, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

from visabond.core.dates import ISO_DAY


class InputSchema(Schema):
    """A request body: a field it does not declare is refused (`extra_forbidden`)."""

    model_config = ConfigDict(extra="forbid")


def _iso_day(value: Any) -> dt.date:
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise PydanticCustomError("day_invalid", "a day is written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "day_invalid", "{value} is not a day of the calendar", {"value": value}
        ) from None


# A day as ISO 8601 YYYY-MM-DD text, nothing else (no moment, no number).
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]

# An amount of money as sent: a decimal string or an integer, never a float or a boolean;
# `visabond.core.money.Money.of` then reads it (digits, at most the currency's decimals).
Amount = StrictStr | StrictInt
