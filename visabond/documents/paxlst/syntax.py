"""The service characters of an interchange, read from the UNA service string advice.

ISO 9735-1 §7.1: UNA is optional and, when present, is exactly `UNA` plus six characters:
component data element separator, data element separator, decimal mark, release character,
repetition separator (reserved, a space, before syntax version 4) and segment terminator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from visabond.documents.paxlst.errors import PaxlstError

UNA_LENGTH = 9
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
