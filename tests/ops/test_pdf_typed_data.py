"""Markup typed into a citizen's data never makes a real PDF fetch or show anything.

The counter's receipt (tanda terima berkas) prints the household's address and
every member's name. Names here carry <img src="file:///etc/passwd">, an
http:// image, a remote stylesheet and a CSS background: the PDF shows them as
text, the renderer's fetcher is asked for nothing but the portal's own static
files, and the PDF holds no more images than the same receipt with plain names.
"""

import io
import socket
import urllib.request

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from kis_portal.pdf import PDF_ORIGIN, RefusedURL, StaticOnlyFetcher
from tests.usulan.factories import walk_in
from usulan.models import Anggota, Usulan

LOKET_URL = reverse("usulan:loket_create")

NAME_FILE = '<img src="file:///etc/passwd">'
NAME_HTTP = '<img src="http://127.0.0.1:9/foto.png">'
NAME_CSS = '<link rel="stylesheet" href="http://127.0.0.1:9/gaya.css">'
ADDRESS = '<div style="background:url(http://127.0.0.1:9/latar.png)">Jl. Mawar</div>'


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)


@pytest.fixture
def no_io(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network opened while rendering: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asked the fetcher for, and whether it was served."""
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


def receipt(client, usulan) -> PdfReader:
    response = client.get(reverse("usulan:loket_receipt", args=[usulan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(pdf: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def images_in(pdf: PdfReader) -> int:
    return sum(len(page.images) for page in pdf.pages)


def test_markup_in_names_and_address_is_printed_as_text_never_fetched(
    login, loket, desa_a, no_io, fetched
):
    client = login(loket)
    client.post(LOKET_URL, walk_in(desa_a))
    usulan = Usulan.objects.get()
    plain = receipt(client, usulan)
    plain_fetches = list(fetched)
    fetched.clear()
    # However a name reaches the database (form, import, admin), it is data.
    head, wife = Anggota.objects.filter(usulan=usulan).order_by("pk")
    Anggota.objects.filter(pk=head.pk).update(nama=f"I MADE {NAME_FILE}{NAME_HTTP}")
    Anggota.objects.filter(pk=wife.pk).update(nama=f"NI LUH {NAME_CSS}")
    Usulan.objects.filter(pk=usulan.pk).update(alamat=ADDRESS)

    hostile = receipt(client, usulan)

    text = text_of(hostile)
    assert NAME_FILE in text and NAME_HTTP in text and NAME_CSS in text
    assert "background:url(http://127.0.0.1:9/latar.png)" in text
    assert "root:" not in text
    # Only the portal's own static files were asked for, as with plain names.
    assert fetched == plain_fetches
    assert all(url.startswith(f"{PDF_ORIGIN}/static/") for url, _ in fetched)
    assert all(served for _, served in fetched)
    assert images_in(hostile) == images_in(plain)


def test_the_fetcher_would_refuse_those_urls_had_they_reached_it(no_io):
    """The second line of defence: the same URLs asked for directly are refused."""
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/foto.png",
        "http://127.0.0.1:9/gaya.css",
        "http://127.0.0.1:9/latar.png",
    ):
        with pytest.raises(RefusedURL):
            StaticOnlyFetcher().fetch(url)
