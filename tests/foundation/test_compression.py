"""Pages travel gzip-compressed to browsers that accept it; downloads do not."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(login, operator_a):
    client = login(operator_a)
    response = client.get("/usulan/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "</html>" in html
    assert len(response.content) < len(html) / 2


def test_a_page_is_plain_for_a_client_without_gzip(login, operator_a):
    response = login(operator_a).get("/usulan/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content


def test_a_spreadsheet_download_is_sent_as_it_is(login, operator_a):
    response = login(operator_a).get(
        "/usulan/impor/templat.xlsx", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.content[:2] == b"PK"  # the XLSX zip, untouched
