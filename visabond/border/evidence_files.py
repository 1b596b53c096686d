"""What a traveller's evidence file is, read from its content: a PDF, a PNG or a JPEG image.

Plain Python, no Django. The name a browser sends and the type it declares are the sender's
to write, so neither is trusted: the first bytes must be the format's signature (PDF 1.7,
ISO 32000-1 §7.5.2 "%PDF-"; PNG, ISO/IEC 15948 §5.2; JPEG, ITU T.81 Annex B SOI marker), and
the file must then open in the library that reads that format (pypdf for a PDF, Pillow for
an image), so a file that merely starts with the right bytes is refused too. A PNG named
`.pdf` is read as the PNG it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from visabond.core.errors import InvalidInput

# Five megabytes: a phone's photograph of a boarding pass or a scanned page is well below.
MAX_BYTES = 5 * 1024 * 1024
# An image with more pixels than this is a decompression bomb, not a photographed document.
MAX_PIXELS = 40_000_000


class FileKind(StrEnum):
    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"

    @property
    def extension(self) -> str:
        return {FileKind.PDF: ".pdf", FileKind.PNG: ".png", FileKind.JPEG: ".jpg"}[self]


# The formats Pillow reads each kind as. A phone's photograph is often a multi-picture JPEG
# (CIPA DC-007: a JPEG whose first image is a plain baseline JPEG followed by others, e.g. a
# depth map), which Pillow names "MPO": it is the JPEG it starts with.
FORMATS: dict[FileKind, frozenset[str]] = {
    FileKind.PNG: frozenset({"PNG"}),
    FileKind.JPEG: frozenset({"JPEG", "MPO"}),
}

SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind.PDF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
)


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """A file read by its content: its kind and its size in bytes."""

    kind: FileKind
    size: int


def evidence_file_read(
    content: bytes, *, field: str = "file", max_bytes: int = MAX_BYTES
) -> EvidenceFile:
    """Which of PDF, PNG or JPEG `content` is (see the module), and its size.

    Raises `InvalidInput` naming `field`: `file_empty`, `file_too_large` (naming the limit in
    megabytes; a caller may pass only the first `max_bytes + 1` bytes of a larger file), `file_type` (the content is none of the three, whatever its name says) or
    `file_unreadable` (the signature is right but the file does not open).
    """
    if not content:
        raise InvalidInput("the file is empty", code="file_empty", field=field)
    if len(content) > max_bytes:
        raise InvalidInput(
            f"the file is larger than {megabytes(max_bytes)}, the most accepted",
            code="file_too_large",
            field=field,
        )
    kind = next((k for signature, k in SIGNATURES if content.startswith(signature)), None)
    if kind is None:
        raise InvalidInput(
            "the file is not a PDF, PNG or JPEG (read from its content, not its name)",
            code="file_type",
            field=field,
        )
    if not _opens(content, kind):
        raise InvalidInput(
            f"the file starts like a {kind.name} but does not open as one",
            code="file_unreadable",
            field=field,
        )
    return EvidenceFile(kind=kind, size=len(content))


def _opens(content: bytes, kind: FileKind) -> bool:
    if kind is FileKind.PDF:
        try:
            reader = PdfReader(io.BytesIO(content), strict=False)
            return len(reader.pages) > 0
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
            return False
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in FORMATS[kind] or image.width * image.height > MAX_PIXELS:
                return False
            image.verify()  # reads the whole stream: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def megabytes(size: int) -> str:
    """`size` bytes in megabytes (MiB) as people write them: "5 MB", "2.5 MB"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
