"""A traveller's file is what its content says: PDF, PNG or JPEG that actually opens, within
the size limit; its name and declared type play no part."""

from __future__ import annotations

import pytest

from tests.border.evidence_samples import HTML, jpeg, mpo, pdf, png
from visabond.border.evidence_files import FileKind, evidence_file_read, megabytes
from visabond.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("make", "kind"), [(pdf, FileKind.PDF), (png, FileKind.PNG), (jpeg, FileKind.JPEG)]
)
def test_a_pdf_png_or_jpeg_is_read_by_its_content(make: object, kind: FileKind) -> None:
    content = make()  # type: ignore[operator]
    assert evidence_file_read(content) == evidence_file_read(content, field="x")
    assert evidence_file_read(content).kind is kind
    assert evidence_file_read(content).size == len(content)


def test_a_phones_multi_picture_jpeg_is_read_as_the_jpeg_it_is() -> None:
    content = mpo()
    assert evidence_file_read(content).kind is FileKind.JPEG
    with pytest.raises(InvalidInput) as truncated:
        evidence_file_read(content[: len(content) // 3])
    assert truncated.value.code == "file_unreadable"


def test_an_html_page_is_refused_naming_the_field_and_the_rule() -> None:
    with pytest.raises(InvalidInput) as refused:
        evidence_file_read(HTML, field="file")
    assert (refused.value.code, refused.value.field) == ("file_type", "file")
    assert "not its name" in refused.value.message


def test_a_file_with_the_right_signature_that_does_not_open_is_refused() -> None:
    truncated = png()[:30]
    with pytest.raises(InvalidInput) as refused:
        evidence_file_read(truncated)
    assert refused.value.code == "file_unreadable"
    with pytest.raises(InvalidInput) as fake_pdf:
        evidence_file_read(b"%PDF-1.7\nnot a document at all")
    assert fake_pdf.value.code == "file_unreadable"


def test_a_file_over_the_limit_is_refused_naming_the_limit() -> None:
    content = png()
    with pytest.raises(InvalidInput) as refused:
        evidence_file_read(content, max_bytes=len(content) - 1)
    assert refused.value.code == "file_too_large"
    assert evidence_file_read(content, max_bytes=len(content)).kind is FileKind.PNG
    with pytest.raises(InvalidInput) as five:
        evidence_file_read(b"\x89PNG\r\n\x1a\n" + bytes(5 * 1024 * 1024))
    assert "5 MB" in five.value.message


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        evidence_file_read(b"")
    assert refused.value.code == "file_empty"


def test_megabytes_are_written_as_people_write_them() -> None:
    assert megabytes(5 * 1024 * 1024) == "5 MB"
    assert megabytes(int(2.5 * 1024 * 1024)) == "2.5 MB"
