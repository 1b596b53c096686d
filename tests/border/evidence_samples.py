"""Evidence files as travellers send them, made here: a PNG, a JPEG, a one-page PDF."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def mpo() -> bytes:
    """A multi-picture JPEG as phones write them: a JPEG, then a second image."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (40, 20), "white"), Image.new("RGB", (40, 20), "black")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
