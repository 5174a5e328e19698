"""The verifier looks a person up in DTKS by the words of the name (or by NIK)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dtks.models import DtksPeriode, DtksRecord
from dtks.selectors import dtks_search_nama, find_in_latest
from tests.factories import DesaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dtks(db):
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    desa = DesaFactory(nama="Kalibukbuk", kode="51.08.06.2001")
    people = [
        ("5108062303800001", "I PUTU EKA SUARDANA"),
        ("5108066304850002", "NI LUH PUTU ARIANI"),
        ("5108061205700003", "I MADE SUARDANA WIBAWA"),
        ("5108064101900004", "NI KADEK ARIANI"),
    ]
    for nik, nama in people:
        DtksRecord.objects.create(
            periode=periode,
            nik=nik,
            nama=nama,
            kode_desa=desa.kode,
            tanggal_lahir=datetime.date(1980, 3, 23),
            desil=2,
        )
    return periode


def names(term: str) -> list[str]:
    found, _ = dtks_search_nama(term)
    return [r.nama for r in found]


def test_every_word_counts_in_any_order_and_whole_words_only(dtks):
    assert names("suardana putu") == ["I PUTU EKA SUARDANA"]
    assert names("SUARDANA") == ["I MADE SUARDANA WIBAWA", "I PUTU EKA SUARDANA"]
    assert names("ni ariani") == ["NI KADEK ARIANI", "NI LUH PUTU ARIANI"]
    assert names("i ariani") == []  # I and NI are words of their own
    assert names("SUARD") == []
    assert names("wayan") == []


def test_only_the_latest_period_is_searched(dtks):
    DtksPeriode.objects.create(kode="2026-Q4")
    assert names("suardana") == []


def test_the_page_lists_matches_with_masked_niks_and_their_desa(
    client, login, verifikator, dtks
):
    page = login(verifikator).post("/dtks/cari/", {"nama": "  ariani  "})
    html = page.content.decode()
    assert page.status_code == 200
    assert "NI KADEK ARIANI" in html and "NI LUH PUTU ARIANI" in html
    assert "I PUTU EKA SUARDANA" not in html
    assert "5108********0002" in html and "5108066304850002" not in html
    assert "Kalibukbuk" in html and "2 orang bernama" in html


def test_a_common_name_shows_50_and_says_there_are_more(
    client, login, verifikator, dtks
):
    DtksRecord.objects.bulk_create(
        DtksRecord(periode=dtks, nik=f"5108070101{i:06d}", nama="I WAYAN SUDIARTA")
        for i in range(51)
    )
    found, more = dtks_search_nama("wayan sudiarta")
    assert len(found) == 50 and more
    html = login(verifikator).post("/dtks/cari/", {"nama": "WAYAN SUDIARTA"})
    assert "Lebih dari 50 orang" in html.content.decode()


def test_a_search_needs_a_nik_or_one_whole_word(client, login, verifikator, dtks):
    client = login(verifikator)
    empty = client.post("/dtks/cari/", {"nik": "", "nama": ""}).content.decode()
    short = client.post("/dtks/cari/", {"nama": "I NI"}).content.decode()
    assert "Isi NIK atau nama" in empty
    assert "minimal satu kata nama yang utuh" in short


def test_the_nik_lookup_is_one_query(dtks):
    with CaptureQueriesContext(connection) as captured:
        record = find_in_latest("5108062303800001")
    assert record.nama == "I PUTU EKA SUARDANA" and record.periode.kode == "2026-Q3"
    assert len(captured) == 1
    assert find_in_latest("5108062303800099") is None


@pytest.mark.postgres
def test_on_postgresql_the_name_search_uses_the_word_index(dtks):
    # Enough other people that reading the table is no longer the cheap way.
    DtksRecord.objects.bulk_create(
        DtksRecord(periode=dtks, nik=f"5108070101{i:06d}", nama=f"I GEDE NAMA{i}")
        for i in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE verifikasi_dtksrecord")
    with CaptureQueriesContext(connection) as captured:
        assert names("putu suardana") == ["I PUTU EKA SUARDANA"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on verifikasi_dtks_nama_words" in plan, plan
