"""Security headers on every kind of response, and no cache for personal data."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kis_portal.jobs.models import Job
from tests.usulan.factories import make_usulan
from usulan.models import Dokumen

ROOT = Path(__file__).resolve().parents[2]


def csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_security_headers(response, *, secure: bool, framed_by_self=False):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if secure:
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
    else:
        assert "Strict-Transport-Security" not in response
    assert response["X-Frame-Options"] == ("SAMEORIGIN" if framed_by_self else "DENY")
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == (["'self'"] if framed_by_self else ["'none'"])
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("secure", [False, True])
def test_login_page(client, secure):
    response = client.get("/accounts/login/", secure=secure)
    assert response.status_code == 200
    assert_security_headers(response, secure=secure)
    assert_not_stored(response)


@pytest.mark.django_db
def test_a_list_and_a_detail_page(login, operator_a):
    usulan = make_usulan(operator_a)
    client = login(operator_a)
    for url in [reverse("usulan:list"), usulan.get_absolute_url()]:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response, secure=True)
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_pdf_document_download_and_its_framed_view(login, operator_a):
    call_command("load_profile", "buleleng", verbosity=0)  # the documents it asks
    usulan = make_usulan(operator_a, upload=True)
    dokumen = Dokumen.objects.filter(usulan=usulan).first()
    client = login(operator_a)

    download = client.get(dokumen.get_absolute_url(), secure=True)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert_security_headers(download, secure=True, framed_by_self=True)
    assert_not_stored(download)
    b"".join(download.streaming_content)

    # The verifier's document viewer frames it: the portal itself may, no one
    # else (X-Frame-Options SAMEORIGIN from the view, CSP to match).
    shown = client.get(dokumen.get_absolute_url() + "?lihat=1", secure=True)
    assert_security_headers(shown, secure=True, framed_by_self=True)
    assert_not_stored(shown)
    b"".join(shown.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_report_downloads(login, kadis, fmt, content_type):
    client = login(kadis)
    started = client.post(
        reverse("laporan:bulanan"),
        {
            "bulanan-bulan_dari": "2026-11",
            "bulanan-bulan_sampai": "2026-11",
            "format": fmt,
        },
        secure=True,
    )
    assert started.status_code == 302
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.SUCCEEDED, job.message
    response = client.get(reverse("jobs:download", args=[job.pk]), secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert_security_headers(response, secure=True)
    assert_not_stored(response)
    b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_public_status_check(client):
    response = client.get("/cek-status/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response, secure=True)
    assert_not_stored(response)


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz", secure=True)
    assert response.status_code == 200
    assert_security_headers(response, secure=True)
    assert_not_stored(response)


@pytest.mark.django_db
def test_healthz_answers_plain_http_probes_without_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # middleware reads the setting when the client starts
    assert client.get("/healthz").status_code == 200
    redirected = client.get("/accounts/login/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/accounts/login/"


@pytest.mark.django_db
def test_static_files_keep_their_cache_and_get_the_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    response = client.get("/static/js/portal.js", secure=True)
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert re.search(r"max-age=\d+", response["Cache-Control"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    b"".join(response.streaming_content)


INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)


def browser_templates():
    """Templates a browser renders (PDF templates go to WeasyPrint, not a browser)."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "pdf" not in path.relative_to(ROOT / "templates").parts:
            yield path


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in browser_templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group()}")
    assert offenders == []
    assert len(list(browser_templates())) > 50
