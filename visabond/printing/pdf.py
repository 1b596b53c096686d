"""PDF from the printed documents' HTML, with WeasyPrint (Pango lays out the text; fonts come
from fontconfig: OCR-B for the machine readable zone, DejaVu for the rest)."""

from __future__ import annotations

from weasyprint import HTML


def pdf_from_html(html: str) -> bytes:
    """The PDF of a self-contained HTML document (its style inline, no remote resources)."""
    document: bytes = HTML(string=html, base_url=None).write_pdf()
    return document
