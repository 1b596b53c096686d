"""The entry point: read a machine readable zone strictly, or tolerating OCR confusions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from visabond.core import clock
from visabond.documents.mrz.model import MrzResult
from visabond.documents.mrz.ocr import parse_rows_tolerating_ocr
from visabond.documents.mrz.parser import parse_rows
from visabond.documents.mrz.zone import zone_rows


def parse_mrz(
    lines: Sequence[str] | str, *, ocr: bool = False, today: date | None = None
) -> MrzResult:
    """Read a zone given as its lines (or one text with line breaks).

    Raises `MrzError` when the text is not a zone of any Doc 9303 layout; returns
    `valid=False`, with the failing checks named in `checks` and explained in `failures`,
    when it reads but a check fails (a check digit, an unknown state code, dates that no
    century reconciles). `today` anchors the two-digit years (`visabond.documents.centuries`);
    `ocr=True` also tries the usual optical confusions and keeps a fix only when every check
    then passes. A UTF-8 byte-order mark before the zone is skipped with a warning.
    """
    rows, marked = zone_rows(lines)
    reference_date = clock.today() if today is None else today
    if ocr:
        result = parse_rows_tolerating_ocr(rows, today=reference_date)
    else:
        result = parse_rows(rows, today=reference_date)
    if marked:
        warning = "a UTF-8 byte-order mark before the zone was skipped"
        return replace(result, warnings=(warning, *result.warnings))
    return result
