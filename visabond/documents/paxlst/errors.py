"""The one error a PAXLST parse raises: input that cannot be read at all, with its position.

ISO 9735-1 (syntax rules, version 4) §4 defines segments, separators and the release
character; the WCO/IATA/ICAO PAXLST Message Implementation Guide §4 the message structure.
Everything short of a check that decides is tolerated and reported as a warning instead.
"""

from __future__ import annotations

from visabond.core.errors import InvalidInput


class PaxlstError(InvalidInput):
    """A PAXLST interchange that cannot be parsed, naming where and which rule it breaks.

    `segment_number` counts the segments of the input from 1 (a UNA service string advice
    included); `byte_offset` is where that segment starts in the raw bytes.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        segment_number: int,
        byte_offset: int,
        source: str = "",
    ) -> None:
        position = f"segment {segment_number} (byte {byte_offset})"
        super().__init__(f"{position}: {message}", code=f"paxlst.{rule}", field=source or None)
        self.rule = rule
        self.segment_number = segment_number
        self.byte_offset = byte_offset
        self.source = source
