"""Whatever text arrives, the reader answers with a result or an MrzError, never a crash,
and what it answers keeps the reader's promises: a verdict explained check by check, dates
a living holder can have, the zone as given (or repaired only where it says so)."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from visabond.documents.codes import KNOWN_CODES
from visabond.documents.mrz import MrzError, MrzResult, parse_mrz

TODAY = date(2025, 6, 1)
MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
NOISY_ALPHABET = MRZ_ALPHABET + "abcxyz -«É\t\x00"

SPECIMEN_ZONES = [
    (
        "P<UTOHALVORSEN<<SIGRID<ASTRID<<<<<<<<<<<<<<<",
        "H70452X9<3UTO8105174F3305212AB1234567<<<<<16",
    ),
    (
        "I<UTOAB12345671<<<<<<<<<<<<<<<",
        "9207042F3001019UTO<<<<<<<<<<<8",
        "SILVA<<MARIA<LUISA<<<<<<<<<<<<",
    ),
    (
        "IDUTOCD9876543<21019<NOTE7<<<<",
        "8709125M2912316UTOEXTRA<<<<<<2",
        "KOWALCZYK<<PIOTR<<<<<<<<<<<<<<",
    ),
    ("I<UTOFAROUK<<LAYLA<<<<<<<<<<<<<<<<<<", "T2S4V6X809UTO9901018F3012316Q7<<<<<3"),
    (
        "V<UTOABERNATHY<<CLEMENT<<<<<<<<<<<<<<<<<<<<<",
        "VZ33009179UTO6606068M2606060BOND12<<<<<<<<<<",
    ),
    ("VCEUEDUPONT<<ELOISE<<<<<<<<<<<<<<<<<", "E44Q81J299FRA0102030F2511203<<<<<<<<"),
]


_SWAPS = set(zip("OISBZ01582", "01582OISBZ", strict=True))


def read_or_refuse(lines: list[str] | str, *, ocr: bool) -> None:
    try:
        result = parse_mrz(lines, ocr=ocr, today=TODAY)
    except MrzError as refusal:
        _check_refusal(refusal, lines)
    else:
        _check_result(result, lines, ocr=ocr)


def _given_rows(lines: list[str] | str, count: int) -> list[str]:
    """The rows as given, less surrounding blanks and a byte-order mark; one unbroken text
    line of a whole zone is cut into the `count` rows read from it."""
    if isinstance(lines, list):
        return [row.strip().removeprefix("\ufeff").strip() if i == 0 else row.strip()
                for i, row in enumerate(lines)]  # fmt: skip
    rows = [row.strip() for row in lines.strip().removeprefix("\ufeff").splitlines()]
    rows = [row for row in rows if row]
    if len(rows) == 1 and count > 1:
        width = len(rows[0]) // count
        rows = [rows[0][start : start + width] for start in range(0, len(rows[0]), width)]
    return rows


def _check_refusal(refusal: MrzError, lines: list[str] | str) -> None:
    """A refusal cites its Doc 9303 rule and points inside the input it was given."""
    assert refusal.rule.startswith("Doc 9303")
    if refusal.line is not None and not isinstance(lines, str):
        assert 1 <= refusal.line <= len(lines)
        if refusal.column is not None:
            assert 1 <= refusal.column <= len(lines[refusal.line - 1].strip()) + 1


def _check_result(result: MrzResult, lines: list[str] | str, *, ocr: bool) -> None:
    # Every failed check is explained, and nothing that passed is.
    assert set(result.failures) == set(result.failed_checks())
    assert result.valid is not bool(result.failures)
    # Dates a living holder's document can carry, whatever the verdict.
    if result.birth_date is not None:
        assert result.birth_date <= TODAY
        assert result.expiry_date is None or result.birth_date < result.expiry_date
    if result.valid:
        assert {result.issuing_state, result.nationality} <= KNOWN_CODES
    # The zone read is the zone given, but for the repairs it lists (OCR mode only).
    given_rows = _given_rows(lines, len(result.lines))
    assert len(given_rows) == len(result.lines)
    changed = [
        (line, column, before, after)
        for line, (old, new) in enumerate(zip(given_rows, result.lines, strict=False), 1)
        for column, (before, after) in enumerate(zip(old, new, strict=False), 1)
        if before != after
    ]
    assert changed == [(c.line, c.column, c.original, c.replacement) for c in result.corrections]
    assert ocr or not result.corrections
    assert all((c.original, c.replacement) in _SWAPS for c in result.corrections)
    # The JSON form is plain JSON and says what the result says.
    data = result.to_json_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["valid"] is result.valid


@st.composite
def mutated_zones(draw: st.DrawFn) -> list[str]:
    """A specimen zone with a few characters replaced, as a damaged scan would have."""
    rows = list(draw(st.sampled_from(SPECIMEN_ZONES)))
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(rows[line]) - 1))
        char = draw(st.sampled_from(NOISY_ALPHABET if draw(st.booleans()) else MRZ_ALPHABET))
        rows[line] = rows[line][:column] + char + rows[line][column + 1 :]
    return rows


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.booleans())
def test_arbitrary_text_is_read_or_refused_with_mrz_error(text: str, ocr: bool) -> None:
    """Any text: parse_mrz raises nothing but MrzError."""
    read_or_refuse(text, ocr=ocr)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=MRZ_ALPHABET, min_size=28, max_size=46), min_size=1, max_size=4),
    st.booleans(),
)
def test_near_mrz_lines_are_read_or_refused_with_mrz_error(lines: list[str], ocr: bool) -> None:
    """Lines of MRZ characters near the right lengths: a result or MrzError, nothing else."""
    read_or_refuse(lines, ocr=ocr)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([30, 36, 44]).flatmap(
        lambda width: st.lists(
            st.text(alphabet=MRZ_ALPHABET, min_size=width, max_size=width),
            min_size=2 if width != 30 else 3,
            max_size=2 if width != 30 else 3,
        )
    ),
    st.booleans(),
)
def test_right_shaped_random_zones_are_read_or_refused(lines: list[str], ocr: bool) -> None:
    """Zones with exact dimensions but random content exercise every field reader."""
    read_or_refuse(lines, ocr=ocr)


@settings(max_examples=300, deadline=None)
@given(mutated_zones(), st.booleans())
def test_damaged_specimen_zones_are_read_or_refused(lines: list[str], ocr: bool) -> None:
    """A real zone with a few wrong characters: a result or MrzError, nothing else."""
    read_or_refuse(lines, ocr=ocr)
