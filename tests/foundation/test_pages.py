"""Base layout, error pages and the health endpoint."""

import re

import pytest
from django.test import Client
from django.urls import clear_url_caches


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
