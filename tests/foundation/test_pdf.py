"""The PDF renderer loads the portal's own static files and nothing else."""

import io
import socket
import urllib.request

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from kis_portal import pdf
from kis_portal.pdf import PDF_ORIGIN, RefusedURL, StaticOnlyFetcher, html_to_pdf

HOSTILE = '<img src="file:///etc/passwd"> <img src="http://127.0.0.1:9/x.png">'


@pytest.fixture
def no_io(monkeypatch):
    """Fail the test if rendering opens a socket or goes through urllib."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network or file URL opened: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asked for, and whether it was served."""
    calls: list[tuple[str, bool]] = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except RefusedURL:
            calls.append((url, False))
            raise
        calls.append((url, True))
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    return calls


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/static/img/logo.svg",
        f"{PDF_ORIGIN}/static/../../../../etc/passwd",
        f"{PDF_ORIGIN}/static/%2e%2e/settings.py",
        f"{PDF_ORIGIN}/etc/passwd",
        "data:text/html,<h1>x</h1>",
        "data:image/png;base64," + "A" * 70_000,
    ],
)
def test_fetcher_refuses_anything_but_static_files(url, no_io):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_the_logo_from_static(no_io):
    response = StaticOnlyFetcher().fetch(f"{PDF_ORIGIN}/static/img/logo.svg")

    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")


def test_hostile_markup_is_neither_fetched_nor_rendered(db, no_io, fetched):
    """Raw tags are refused by the fetcher; typed data is printed as text."""
    content = html_to_pdf(f'<p>Kop</p>{HOSTILE}<img src="/static/img/logo.svg">')

    assert content.startswith(b"%PDF-")
    assert dict(fetched) == {
        "file:///etc/passwd": False,
        "http://127.0.0.1:9/x.png": False,
        f"{PDF_ORIGIN}/static/img/logo.svg": True,
    }

    fetched.clear()
    typed = {"letterhead": {**pdf.letterhead(), "nama_dinas": f"Dinas {HOSTILE}"}}
    text = pdf_text(pdf.render_pdf("pdf/base_letter.html", typed))

    assert 'Dinas <img src="file:///etc/passwd">' in text
    assert fetched == [(f"{PDF_ORIGIN}/static/img/logo.svg", True)]


def test_letter_has_the_office_letterhead_and_the_free_of_charge_footer(db, no_io):
    call_command("load_profile", "buleleng", verbosity=0)

    text = pdf_text(pdf.render_pdf("pdf/base_letter.html", {}))

    assert "Dinas Sosial" in text
    assert "Layanan ini tidak dipungut biaya" in text


def test_the_document_number_heads_every_page_whatever_it_holds(db, no_io):
    """A number typed in the admin's pattern cannot break out of the page style."""
    call_command("load_profile", "buleleng", verbosity=0)
    nomor = 'A"/</style><h1>X</h1>;\\1'
    content = pdf.render_pdf("pdf/base_letter.html", {}, nomor=nomor)
    text = pdf_text(content)
    assert f"Nomor: {nomor}" in text
    assert "Halaman 1 dari 1" in text
