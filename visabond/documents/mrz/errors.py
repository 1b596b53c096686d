"""The one error an MRZ reader or writer raises: where in the zone, and which Doc 9303 rule."""

from __future__ import annotations

from visabond.core.errors import InvalidInput


class MrzError(InvalidInput):
    """Text that cannot be read as a machine readable zone, located by 1-based line and column.

    `rule` cites the Doc 9303 part and section broken, e.g. "Doc 9303-3 §4.9 check digit".
    A zone that reads but fails a check is not an error: it parses with `valid=False`.
    `code` is `mrz_invalid`, or `mrz_not_icao` for a known national layout outside Doc 9303.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        code: str = "mrz_invalid",
    ) -> None:
        super().__init__(f"{_where(line, column)}{message} ({rule})", code=code, field=field)
        self.line = line
        self.column = column
        self.rule = rule


def _where(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    if column is None:
        return f"line {line}: "
    return f"line {line} column {column}: "
