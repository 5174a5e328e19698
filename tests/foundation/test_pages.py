"""Base layout, error pages and the health endpoint."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches

from kis_portal.offices.models import OfficeProfile


def test_login_page_is_light_and_says_the_service_is_free(client, db):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "tidak dipungut biaya" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    # Every asset is vendored: no src/href leaves the site (a random CSRF token
    # once contained the letters "cdn", so look at the attributes, not the text).
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets
    assert "https://" not in html


def test_unknown_page_is_a_404_in_indonesian(login, verifikator):
    response = login(verifikator).get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_forbidden_page_is_a_403_in_indonesian(login, operator_a):
    response = login(operator_a).get("/pengguna/")
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_server_error_page_is_plain_indonesian(settings, db):
    settings.ROOT_URLCONF = "tests.foundation.urls_broken"
    clear_url_caches()
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_accessibility_statement_is_public_linked_from_the_footer_with_the_contact(
    client, db
):
    call_command("load_profile", "buleleng")
    OfficeProfile.objects.filter(slug="buleleng").update(
        telepon="(0362) 21234", email="dinsos@bulelengkab.go.id"
    )
    login_page = client.get("/accounts/login/").content.decode()
    assert '<a class="link-dark" href="/aksesibilitas/">' in login_page

    response = client.get("/aksesibilitas/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h4">Pernyataan aksesibilitas</h1>' in html
    assert "WCAG 2.2 tingkat AA" in html
    assert "axe-core" in html and "360" in html
    assert '<a href="tel:(0362) 21234">(0362) 21234</a>' in html
    assert "mailto:dinsos@bulelengkab.go.id" in html
    assert client.post("/aksesibilitas/").status_code == 405
