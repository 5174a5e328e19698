"""Left open before issue 21: uploads shown in place (the verifier's document viewer,
a signed scan, a photo) are served inline only as a PDF or an image, and then with
`Content-Security-Policy: sandbox`; anything else is a download."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kis_portal.http import stored_file
from tests.usulan.factories import make_usulan
from usulan.models import Dokumen

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in policy.split(";")
        if part.strip()
    }


def fetch(client, url, **query):
    """The response, its file read to the end and closed."""
    response = client.get(url, query)
    b"".join(response.streaming_content)
    response.close()
    return response


@pytest.fixture
def dokumen(operator_a):
    call_command("load_profile", "sop-pbi", verbosity=0)
    make_usulan(operator_a, upload=True)
    return Dokumen.objects.order_by("pk").first()


def test_the_document_viewer_shows_a_pdf_in_a_sandbox(login, verifikator, dokumen):
    url = reverse("usulan:dokumen_download", args=[dokumen.pk])

    shown = fetch(login(verifikator), url, lihat="1")

    assert shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Type"] == "application/pdf"
    policy = directives(shown)
    assert "sandbox" in policy
    assert policy["frame-ancestors"] == "frame-ancestors 'self'"  # still framable
    assert shown["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_of_another_type_is_only_ever_downloaded(
    login, verifikator, dokumen
):
    Dokumen.objects.filter(pk=dokumen.pk).update(content_type="text/html")
    url = reverse("usulan:dokumen_download", args=[dokumen.pk])

    response = fetch(login(verifikator), url, lihat="1")

    assert response["Content-Disposition"].startswith("attachment")


def test_a_download_stays_a_download(login, verifikator, dokumen):
    url = reverse("usulan:dokumen_download", args=[dokumen.pk])
    response = fetch(login(verifikator), url)
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("content_type", "inline"),
    [
        ("application/pdf", True),
        ("image/jpeg", True),
        ("image/png", True),
        ("text/html", False),
        ("image/svg+xml", False),
        ("application/octet-stream", False),
    ],
)
def test_only_pdfs_and_images_are_shown_in_place(content_type, inline):
    response = stored_file(
        io.BytesIO(b"x"), filename="berkas", content_type=content_type, inline=True
    )
    response.close()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment")
    assert (getattr(response, "_csp_update", None) == {"sandbox": True}) is inline
    assert response["Cache-Control"] == "private, no-store"
