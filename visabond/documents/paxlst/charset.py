"""Turning the raw bytes into text by the character set the UNB syntax identifier declares.

ISO 9735-1 §5 and Annex B: UNOA (upper case, digits, some punctuation) and UNOB (adds lower
case) are subsets of ASCII; UNOC..UNOK name ISO 8859 parts; UNOW and UNOY are UTF-8.
Bytes outside the declared set are kept, never dropped: the text is read as UTF-8 when the
bytes form valid UTF-8 (a sender that wrote UTF-8 but declared UNOA), else as Latin-1.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_SYNTAX_IDENTIFIER = re.compile(rb"UNB\s*[^\w\s]\s*(UNO[A-Z])")
_ENCODINGS = {
    "UNOA": "latin-1",
    "UNOB": "latin-1",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
ASCII_ONLY = frozenset({"UNOA", "UNOB"})
_NON_ASCII = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text, the declared syntax identifier and what did not fit the declared set."""

    text: str
    syntax_identifier: str
    encoding: str
    foreign_byte_offset: int | None
    foreign_note: str
    offsets: ByteOffsets


class ByteOffsets:
    """Maps an offset in the decoded text to the offset in the raw bytes.

    Identical for single-byte encodings; for UTF-8 with multi-byte characters, each such
    character before the offset adds its extra bytes (a table built once).
    """

    def __init__(self, text: str, encoding: str) -> None:
        self.identity = encoding != "utf-8" or text.isascii()
        self._wide_positions: list[int] = []
        self._extra_before: list[int] = [0]
        if not self.identity:
            extra = 0
            for index, char in enumerate(text):
                if char > "\x7f":
                    self._wide_positions.append(index)
                    extra += len(char.encode("utf-8")) - 1
                    self._extra_before.append(extra)

    def __call__(self, char_offset: int) -> int:
        if self.identity:
            return char_offset
        return (
            char_offset + self._extra_before[bisect.bisect_left(self._wide_positions, char_offset)]
        )


def encoding_for(syntax_identifier: str) -> str:
    """The Python codec for a syntax identifier (Latin-1 when unknown)."""
    return _ENCODINGS.get(syntax_identifier, "latin-1")


def decode(data: bytes) -> Decoded:
    """Decode by the UNB syntax identifier; UNOA is assumed when there is no UNB."""
    found = _SYNTAX_IDENTIFIER.search(data[:4096])
    syntax_identifier = found.group(1).decode("ascii") if found else ""
    encoding = _ENCODINGS.get(syntax_identifier, "latin-1")
    foreign = _first_foreign_byte(data, syntax_identifier)
    if foreign is None:
        text = data.decode(encoding)
        return Decoded(text, syntax_identifier, encoding, None, "", ByteOffsets(text, encoding))
    encoding, note = _fallback_encoding(data, syntax_identifier, encoding)
    text = data.decode(encoding)
    return Decoded(text, syntax_identifier, encoding, foreign, note, ByteOffsets(text, encoding))


def _first_foreign_byte(data: bytes, syntax_identifier: str) -> int | None:
    if syntax_identifier in ASCII_ONLY or not syntax_identifier:
        if data.isascii():
            return None
        found = _NON_ASCII.search(data)
        return found.start() if found else None
    if _ENCODINGS.get(syntax_identifier) == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            return error.start
    return None


def _fallback_encoding(data: bytes, syntax_identifier: str, encoding: str) -> tuple[str, str]:
    declared = syntax_identifier or "no UNB (UNOA assumed)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1", f"bytes outside {declared}, kept as Latin-1 characters"
    if encoding == "utf-8":
        return "utf-8", ""
    return "utf-8", f"bytes outside {declared} form valid UTF-8 and were read as UTF-8"
