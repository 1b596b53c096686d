"""Turning the bytes of one interchange into text by the character set its UNB declares.

ISO 9735-1 §5 and the service code list of data element 0001 (syntax identifier):

| identifier | repertoire | read with |
|---|---|---|
| UNOA | level A: upper case, digits, space and `.,-()/='+:?!"%&*;<>` (ISO 646 subset) | ASCII |
| UNOB | level B: level A and lower case | ASCII |
| UNOC..UNOK | ISO 8859-1, -2, -5, -7, -3, -4, -6, -8, -9 (graphic characters) | that part |
| UNOL | ISO 8859-15 (added in later code lists) | ISO 8859-15 |
| UNOW, UNOY | ISO 10646 (UCS) in octets | UTF-8 |
| UNOX | ISO 2022 code extension with escape sequences | ISO-2022-JP-2 |

A character outside the declared set is never dropped. When the evidence is unambiguous,
the text is recovered: bytes that are valid UTF-8 holding multi-byte characters, declared as
a 7-bit level, or as an ISO 8859 part while holding bytes outside it (C1 controls 0x80-0x9F,
a code the part leaves undefined) or declared as ISO 8859-1 or -9 (whose 0xA0-0xBF hold no
letters, so a letter followed by one of them is how UTF-8 looks when read as 8859-1), are
read as UTF-8, a common carrier mistake. Otherwise each byte that does not fit is kept as the
character of the same code (U+0080..U+00FF) and its place is reported as uncertain: the
reader must not present such a value as clean.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass

_SYNTAX_IDENTIFIER = re.compile(rb"UNB\s*[^\w\s]\s*(UNO[A-Z])", re.IGNORECASE)
BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_NON_ASCII = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True, slots=True)
class CharacterSet:
    """A syntax identifier's repertoire: the codec that reads it and what belongs to it."""

    identifier: str
    codec: str
    # "level" (7-bit ISO 646 levels A and B), "8859", "ucs", "iso2022" or "unknown".
    kind: str
    description: str


# ISO 9735-1 Annex B: the punctuation of levels A and B (with space); level B adds a-z.
LEVEL_PUNCTUATION = " .,-()/='+:?!\"%&*;<>"
_LEVEL_A = "level A: A-Z, 0-9, space and . , - ( ) / = ' + : ? ! \" % & * ; < >"
_SETS = {
    "UNOA": CharacterSet("UNOA", "ascii", "level", _LEVEL_A),
    "UNOB": CharacterSet("UNOB", "ascii", "level", "level B: level A and a-z"),
    "UNOC": CharacterSet("UNOC", "latin-1", "8859", "ISO 8859-1: 0x20-0x7E, 0xA0-0xFF"),
    "UNOD": CharacterSet("UNOD", "iso8859-2", "8859", "ISO 8859-2: 0x20-0x7E, 0xA0-0xFF"),
    "UNOE": CharacterSet("UNOE", "iso8859-5", "8859", "ISO 8859-5: 0x20-0x7E, 0xA0-0xFF"),
    "UNOF": CharacterSet("UNOF", "iso8859-7", "8859", "ISO 8859-7 graphic characters"),
    "UNOG": CharacterSet("UNOG", "iso8859-3", "8859", "ISO 8859-3 graphic characters"),
    "UNOH": CharacterSet("UNOH", "iso8859-4", "8859", "ISO 8859-4: 0x20-0x7E, 0xA0-0xFF"),
    "UNOI": CharacterSet("UNOI", "iso8859-6", "8859", "ISO 8859-6 graphic characters"),
    "UNOJ": CharacterSet("UNOJ", "iso8859-8", "8859", "ISO 8859-8 graphic characters"),
    "UNOK": CharacterSet("UNOK", "iso8859-9", "8859", "ISO 8859-9: 0x20-0x7E, 0xA0-0xFF"),
    "UNOL": CharacterSet("UNOL", "iso8859-15", "8859", "ISO 8859-15: 0x20-0x7E, 0xA0-0xFF"),
    "UNOW": CharacterSet("UNOW", "utf-8", "ucs", "ISO 10646 as UTF-8"),
    "UNOX": CharacterSet("UNOX", "iso2022_jp_2", "iso2022", "ISO 2022 with escape sequences"),
    "UNOY": CharacterSet("UNOY", "utf-8", "ucs", "ISO 10646 as UTF-8"),
}
# Without a UNB the interchange is read as the most restrictive level (ISO 9735-1 §5).
_ASSUMED = CharacterSet("", "ascii", "level", "no UNB: level A assumed")
# In these parts 0xA0-0xBF hold symbols only, so valid UTF-8 read in them is mojibake.
_NO_LETTERS_AFTER_NBSP = frozenset({"UNOC", "UNOK"})


def character_set(syntax_identifier: str) -> CharacterSet:
    """The set a syntax identifier declares; an unknown one is read byte for byte."""
    found = _SETS.get(syntax_identifier)
    if found is not None:
        return found
    if not syntax_identifier:
        return _ASSUMED
    return CharacterSet(syntax_identifier, "latin-1", "unknown", "not a known syntax level")


def level_refuses(text: str, syntax_identifier: str) -> str | None:
    """The first character of `text` that level A (UNOA) or B (UNOB) does not hold, if any;
    None for the other sets, whose codec decides."""
    if syntax_identifier not in ("UNOA", "UNOB"):
        return None
    for char in text:
        if char.isascii() and (
            ("A" <= char <= "Z" or "0" <= char <= "9" or char in LEVEL_PUNCTUATION)
            or (syntax_identifier == "UNOB" and "a" <= char <= "z")
        ):
            continue
        return char
    return None


def encoding_for(syntax_identifier: str) -> str:
    """The Python codec for a syntax identifier (Latin-1 when unknown)."""
    return character_set(syntax_identifier).codec if syntax_identifier else "latin-1"


class ByteOffsets:
    """Maps an offset in the decoded text to the offset in the raw bytes of the whole input.

    `base` is where the decoded bytes start in the input. Where a character took more bytes
    than one (UTF-8, an ISO 2022 escape sequence before it), the surplus is recorded once at
    that place; a text offset adds the surplus of every place before it.
    """

    def __init__(self, *, base: int = 0) -> None:
        self.base = base
        self._places: list[int] = []
        self._surplus_before: list[int] = [0]

    @classmethod
    def of_utf8(cls, text: str, *, base: int, single_bytes: frozenset[int]) -> ByteOffsets:
        """Offsets of UTF-8 text; `single_bytes` are characters that stood for one raw byte."""
        offsets = cls(base=base)
        if text.isascii():
            return offsets
        surplus = 0
        for index, char in enumerate(text):
            if char > "\x7f" and index not in single_bytes:
                surplus += len(char.encode("utf-8")) - 1
                offsets._record(index, surplus)
        return offsets

    @classmethod
    def of_map(cls, byte_of_char: list[int], *, base: int) -> ByteOffsets:
        """Offsets from the byte at which each character starts."""
        offsets = cls(base=base)
        surplus = 0
        for index, byte in enumerate(byte_of_char):
            if byte - index != surplus:
                surplus = byte - index
                offsets._record(index - 1, surplus)
        return offsets

    def _record(self, place: int, surplus: int) -> None:
        self._places.append(place)
        self._surplus_before.append(surplus)

    def __call__(self, char_offset: int) -> int:
        if not self._places:
            return self.base + char_offset
        index = bisect.bisect_left(self._places, char_offset)
        return self.base + char_offset + self._surplus_before[index]


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of one interchange and what did not fit the set its UNB declares.

    `uncertain` lists the text offsets of characters whose reading is not established (a
    byte kept as is) and `recovered` those read as UTF-8 against the declaration; `note`
    says how the bytes departed from the declaration, for the warning.
    """

    text: str
    syntax_identifier: str
    character_set: CharacterSet
    encoding: str
    uncertain: tuple[int, ...]
    recovered: tuple[int, ...]
    note: str
    offsets: ByteOffsets


def syntax_identifier_of(data: bytes) -> str:
    """The UNB syntax identifier (0001) near the start of `data`, "" when there is no UNB."""
    found = _SYNTAX_IDENTIFIER.search(data[:4096])
    return found.group(1).decode("ascii").upper() if found else ""


def decode(data: bytes, *, base: int = 0, marked: bool = False) -> Decoded:
    """Decode one interchange by its UNB syntax identifier (level A assumed without UNB).

    `base` is where `data` starts in the input; `marked` says a UTF-8 byte-order mark
    preceded it, which is evidence of UTF-8 whatever the UNB declares.
    """
    identifier = syntax_identifier_of(data)
    declared = character_set(identifier)
    if data.isascii() and declared.kind != "iso2022":
        text = data.decode("ascii")
        return Decoded(text, identifier, declared, "ascii", (), (), "", ByteOffsets(base=base))
    if declared.kind == "ucs":
        return _decode_utf8(data, declared, base=base)
    if declared.kind == "iso2022":
        return _decode_iso2022(data, declared, base=base)
    return _decode_single_byte(data, declared, base=base, marked=marked)


def _decode_single_byte(data: bytes, declared: CharacterSet, *, base: int, marked: bool) -> Decoded:
    outside = _outside_bytes(data, declared)
    if _is_utf8_mojibake(data, declared, outside_found=bool(outside), marked=marked):
        text = data.decode("utf-8")
        recovered = tuple(i for i, char in enumerate(text) if char > "\x7f")
        note = f"bytes outside {_named(declared)} form valid UTF-8"
        offsets = ByteOffsets.of_utf8(text, base=base, single_bytes=frozenset())
        return Decoded(text, declared.identifier, declared, "utf-8", (), recovered, note, offsets)
    codec = declared.codec if declared.kind == "8859" else "latin-1"
    text = _decode_keeping_bytes(data, codec)
    note = f"outside {_named(declared)}" if outside else ""
    offsets = ByteOffsets(base=base)
    return Decoded(text, declared.identifier, declared, codec, tuple(outside), (), note, offsets)


def _decode_utf8(data: bytes, declared: CharacterSet, *, base: int) -> Decoded:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        offsets = ByteOffsets.of_utf8(text, base=base, single_bytes=frozenset())
        return Decoded(text, declared.identifier, declared, "utf-8", (), (), "", offsets)
    text, kept = _decode_utf8_keeping_bytes(data)
    offsets = ByteOffsets.of_utf8(text, base=base, single_bytes=frozenset(kept))
    note = f"not valid UTF-8 under {declared.identifier}"
    return Decoded(text, declared.identifier, declared, "utf-8", tuple(kept), (), note, offsets)


def _decode_iso2022(data: bytes, declared: CharacterSet, *, base: int) -> Decoded:
    """ISO 2022 text designates its sets by escape sequences (ISO 2375), so it reads as
    declared; ISO-2022-JP-2 knows the usual ones (ASCII, JIS X 0208/0212, GB 2312, KS C 5601,
    ISO 8859-1 and -7). Text it cannot read is kept byte for byte and marked uncertain."""
    decoder = codecs.getincrementaldecoder(declared.codec)()
    pieces: list[str] = []
    byte_of_char: list[int] = []
    try:
        for index in range(len(data)):
            piece = decoder.decode(data[index : index + 1])
            pieces.append(piece)
            byte_of_char.extend([index] * len(piece))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        uncertain = tuple(i for i, char in enumerate(text) if char > "\x7f" or char == "\x1b")
        note = "not readable as ISO 2022 (ISO-2022-JP-2) under UNOX"
        offsets = ByteOffsets(base=base)
        return Decoded(text, declared.identifier, declared, "latin-1", uncertain, (), note, offsets)
    text = "".join(pieces)
    offsets = ByteOffsets.of_map(byte_of_char, base=base)
    return Decoded(text, declared.identifier, declared, declared.codec, (), (), "", offsets)


def _outside_bytes(data: bytes, declared: CharacterSet) -> list[int]:
    """Offsets of non-ASCII bytes that do not belong to the declared single-byte set."""
    if declared.kind in ("level", "unknown"):
        return [match.start() for match in _NON_ASCII.finditer(data)]
    return [match.start() for match in _undefined_in(declared.codec).finditer(data)]


_UNDEFINED: dict[str, re.Pattern[bytes]] = {}


def _undefined_in(codec: str) -> re.Pattern[bytes]:
    """The C1 controls 0x80-0x9F and the codes an ISO 8859 part leaves undefined."""
    pattern = _UNDEFINED.get(codec)
    if pattern is None:
        holes = bytes(byte for byte in range(0xA0, 0x100) if not _defined(byte, codec))
        pattern = re.compile(b"[\\x80-\\x9f" + re.escape(holes) + b"]")
        _UNDEFINED[codec] = pattern
    return pattern


def _defined(byte: int, codec: str) -> bool:
    try:
        bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_mojibake(
    data: bytes, declared: CharacterSet, *, outside_found: bool, marked: bool
) -> bool:
    if not (
        outside_found
        or marked
        or declared.kind in ("level", "unknown")
        or declared.identifier in _NO_LETTERS_AFTER_NBSP
    ):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_keeping_bytes(data: bytes, codec: str) -> str:
    """Decode with `codec`; a byte it leaves undefined becomes the character of its code."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    pieces = []
    start = 0
    while start < len(data):
        try:
            pieces.append(data[start:].decode(codec))
            break
        except UnicodeDecodeError as error:
            pieces.append(data[start : start + error.start].decode(codec))
            pieces.append(chr(data[start + error.start]))
            start += error.start + 1
    return "".join(pieces)


def _decode_utf8_keeping_bytes(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 where valid; each invalid byte becomes the character of its code (U+0080..)."""
    pieces: list[str] = []
    kept: list[int] = []
    length = 0
    start = 0
    while start < len(data):
        try:
            piece = data[start:].decode("utf-8")
        except UnicodeDecodeError as error:
            piece = data[start : start + error.start].decode("utf-8")
            pieces.append(piece)
            length += len(piece)
            kept.append(length)
            pieces.append(chr(data[start + error.start]))
            length += 1
            start += error.start + 1
        else:
            pieces.append(piece)
            break
    return "".join(pieces), kept


def _named(declared: CharacterSet) -> str:
    if not declared.identifier:
        return "the assumed UNOA (no UNB)"
    return f"{declared.identifier} ({declared.description})"
