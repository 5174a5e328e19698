"""Reading a PDF back page by page: numbers, page counters, where the signature fell."""

import io

from pypdf import PdfReader


def pages(content: bytes) -> list[str]:
    """Each page's text with whitespace folded."""
    return [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(content)).pages
    ]


def assert_paged(texts: list[str], *, nomor: str = "") -> None:
    """'Halaman x dari y' (and the document number, when it has one) on every page."""
    for index, text in enumerate(texts, start=1):
        assert f"Halaman {index} dari {len(texts)}" in text, (index, text[-200:])
        if nomor:
            assert f"Nomor: {nomor}" in text, (index, text[:200])


def assert_signature_with_rows(texts: list[str], *, signer: str, row: str) -> None:
    """The page with the signer's name also holds table rows (`row` marks one)."""
    (page,) = [text for text in texts if signer in text]
    assert row in page, page
