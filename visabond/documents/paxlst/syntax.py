"""The service characters of an interchange, read from the UNA service string advice.

ISO 9735-1 §7.1: UNA is optional and, when present, is exactly `UNA` plus six characters:
component data element separator, data element separator, decimal mark, release character,
repetition separator (reserved, a space, before syntax version 4) and segment terminator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from visabond.documents.paxlst.errors import PaxlstError

UNA_LENGTH = 9
_UNZ = re.compile(rb"(?i)UNZ")
# Line ends and blanks that transport and editors add between segments (not data).
LINE_END_CHARACTERS = "\r\n"
BLANK_CHARACTERS = " \t\r\n\f\v"


@dataclass(frozen=True, slots=True)
class Separators:
    """The six UNA characters. A release character of "" means none is in use."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "
    terminator: str = "'"

    @property
    def service_characters(self) -> str:
        """The characters a data value must escape with the release character."""
        return (
            self.component
            + self.element
            + self.release
            + self.repetition_if_used
            + (self.terminator)
        )

    @property
    def repetition_if_used(self) -> str:
        return "" if self.repetition == " " else self.repetition

    def una(self) -> str:
        release = self.release or " "
        return (
            f"UNA{self.component}{self.element}{self.decimal}{release}"
            f"{self.repetition}{self.terminator}"
        )


DEFAULT_SEPARATORS = Separators()


def read_service_string_advice(
    text: str,
    *,
    source: str = "",
    byte_offset: Callable[[int], int] = int,
    first_number: int = 1,
) -> tuple[Separators, int, int]:
    """The separators and where the segments start: (separators, UNA offset, body offset).

    Blanks before UNA are skipped (seen in real files). Without UNA the ISO 9735 defaults
    `:+.? '` apply and the offset of the UNA is -1. `byte_offset` maps a text offset to the
    input's bytes and `first_number` is the UNA's segment number, for the error it can raise.
    """
    start = len(text) - len(text.lstrip(BLANK_CHARACTERS))
    if not text.startswith("UNA", start):
        return DEFAULT_SEPARATORS, -1, 0
    advice = text[start : start + UNA_LENGTH]
    if len(advice) < UNA_LENGTH:
        raise PaxlstError(
            "UNA service string advice is cut short: it needs six characters after 'UNA'",
            rule="una-length",
            segment_number=first_number,
            byte_offset=byte_offset(start),
            source=source,
        )
    separators = _separators_from(
        advice, segment_number=first_number, byte_offset=byte_offset(start), source=source
    )
    return separators, start, start + UNA_LENGTH


def _separators_from(
    advice: str, *, segment_number: int, byte_offset: int, source: str
) -> Separators:
    component, element, decimal, release, repetition, terminator = list(advice[3:UNA_LENGTH])
    # A space in the release position means no release character is used.
    release = "" if release == " " else release
    significant = [component, element, terminator, *([release] if release else [])]
    if len(set(significant)) != len(significant) or any(c.isalnum() for c in significant):
        raise PaxlstError(
            f"UNA separators {advice[3:]!r} are not distinct non-alphanumeric characters "
            "(ISO 9735-1 §7.1)",
            rule="una-separators",
            segment_number=segment_number,
            byte_offset=byte_offset,
            source=source,
        )
    return Separators(component, element, decimal, release, repetition, terminator)


def interchange_end(data: bytes, begin: int) -> int:
    """The byte just after the UNZ segment (and its line end) that closes the interchange
    starting at `begin`, or the end of the data when none does (a body without envelope, a
    missing UNZ).

    Found on the bytes, before decoding, so that each interchange is decoded by its own UNB.
    A UNZ counts when an unreleased terminator (blanks aside) stands before it. The parser
    cuts here only when the rest of a file cannot be split into segments.
    """
    separators = _separators_at(data, begin)
    terminator = separators.terminator.encode("latin-1")
    element = separators.element.encode("latin-1")
    release = separators.release.encode("latin-1")
    for match in _UNZ.finditer(data, begin):
        at = match.start()
        if data[at + 3 : at + 4] not in (element, terminator):
            continue
        before = len(data[begin:at].rstrip(BLANK_CHARACTERS.encode("ascii"))) + begin - 1
        if before < begin or data[before : before + 1] != terminator:
            continue
        if _released(data, before, release, begin):
            continue
        closing = _next_terminator(data, at + 3, terminator, release, begin)
        if closing < 0:
            return len(data)
        # The line end after UNZ belongs to it, as after every segment of the file.
        for line_end in (b"\r\n", b"\n", b"\r"):
            if data.startswith(line_end, closing + 1):
                return closing + 1 + len(line_end)
        return closing + 1
    return len(data)


def _separators_at(data: bytes, begin: int) -> Separators:
    head = data[begin : begin + 512].decode("latin-1")
    try:
        separators, _, _ = read_service_string_advice(head)
    except PaxlstError:
        return DEFAULT_SEPARATORS  # reported with its position when the interchange is read
    return separators


def _next_terminator(data: bytes, start: int, terminator: bytes, release: bytes, begin: int) -> int:
    position = data.find(terminator, start)
    while position >= 0 and _released(data, position, release, begin):
        position = data.find(terminator, position + 1)
    return position


def _released(data: bytes, position: int, release: bytes, begin: int) -> bool:
    """Whether the byte at `position` follows an odd run of release characters."""
    if not release:
        return False
    run = 0
    while position - run - 1 >= begin and data[position - run - 1 : position - run] == release:
        run += 1
    return run % 2 == 1
