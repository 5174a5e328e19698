"""The public status check: the stage for the right answer, nothing for the rest."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from distribusi.models import Kanal, Kartu
from distribusi.services import Penerima, kartu_receive_batch, serah_terima_create
from kis_portal.ratelimit.models import Percobaan
from kis_portal.ratelimit.services import KEEP
from usulan.services import usulan_return

from .conftest import apply_result, sent_batch, submitted

pytestmark = pytest.mark.django_db

URL = "/cek-status/"
BORN = datetime.date(1980, 5, 12)  # the first member's birth date in the builders


def check(client, nomor, born, ip="10.0.0.1"):
    return client.post(
        URL,
        {"nomor": nomor, "tanggal_lahir": born.isoformat()},
        REMOTE_ADDR=ip,
    )


def comparable(response, nomor) -> str:
    """The page without what differs legitimately: CSRF token and the typed number."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(nomor, "NOMOR")


@pytest.fixture
def usulan(operator_a):
    return submitted(operator_a)


def test_the_right_answer_shows_the_stage_and_what_to_do_next(client, usulan):
    page = client.get(URL)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = check(client, f" {usulan.nomor.lower()} ", BORN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Sedang diperiksa Dinas Sosial" in html
    assert "Tidak perlu melakukan apa-apa" in html
    assert "atas nama I***" in html
    member = usulan.anggota_set.order_by("pk").first()
    for personal in (member.nama, member.nik, usulan.no_kk, usulan.alamat):
        assert personal not in html
    assert usulan.desa.nama not in html
    assert BORN.isoformat() not in html  # the birth date is not echoed back


def test_any_member_birth_date_works(client, usulan):
    second = usulan.anggota_set.order_by("pk")[1]
    html = check(client, usulan.nomor, second.tanggal_lahir).content.decode()
    assert "Sedang diperiksa Dinas Sosial" in html and "atas nama N***" in html


def test_a_returned_usulan_tells_the_citizen_to_contact_the_desa(
    client, usulan, verifikator
):
    usulan_return(
        usulan_id=usulan.pk,
        by=verifikator,
        notes=[{"item": "kk", "item_label": "KK", "pesan": "Buram"}],
    )
    html = check(client, usulan.nomor, BORN).content.decode()
    assert "Perlu diperbaiki" in html and "Hubungi operator" in html
    assert "Buram" not in html  # the verifier's reason is for the desa


def test_wrong_birth_date_and_unknown_number_look_the_same(client, usulan):
    wrong = check(client, usulan.nomor, BORN + datetime.timedelta(days=1))
    unknown = check(client, "U2511-ZZZZZZ", BORN)
    assert wrong.status_code == unknown.status_code == 200
    assert "Data tidak ditemukan" in wrong.content.decode()
    assert comparable(wrong, usulan.nomor) == comparable(unknown, "U2511-ZZZZZZ")


def test_a_card_waiting_at_the_desa_says_where_to_collect_it(
    client, rekap, distribusi, operator_a, desa_a
):
    batch, (household,) = sent_batch(rekap, [(operator_a, 1, "")])
    apply_result(rekap, batch)
    html = check(client, household.nomor, datetime.date(1970, 1, 1)).content.decode()
    assert "Terdaftar sebagai peserta JKN-KIS" in html
    kartu_receive_batch(
        periode=batch.periode, tanggal=timezone.localdate(), by=distribusi
    )
    serah_terima_create(
        kartu_ids=[Kartu.objects.get().pk],
        kanal=Kanal.DESA,
        desa=desa_a,
        penerima=Penerima(nama="I Made Sukra"),
        by=distribusi,
    )
    html = check(client, household.nomor, datetime.date(1970, 1, 1)).content.decode()
    assert "Kartu siap diambil di kantor desa/kelurahan" in html


def test_attempts_are_limited_per_address(client, usulan, settings):
    settings.KIS_CEK_STATUS_MAKS_IP = 3
    for n in range(3):
        assert check(client, f"U2511-AAAAA{n}", BORN).status_code == 200
    blocked = check(client, usulan.nomor, BORN)  # even the right answer
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "Terlalu banyak percobaan" in html and "Sedang diperiksa" not in html
    # Another address is not affected.
    assert (
        "Sedang diperiksa"
        in check(client, usulan.nomor, BORN, ip="10.0.0.2").content.decode()
    )


def test_wrong_answers_are_limited_per_number_from_one_address(
    client, usulan, settings
):
    settings.KIS_CEK_STATUS_MAKS_NOMOR = 2
    wrong = BORN + datetime.timedelta(days=3)
    assert check(client, usulan.nomor, wrong, ip="10.0.1.1").status_code == 200
    assert check(client, usulan.nomor, wrong, ip="10.0.1.1").status_code == 200
    # That address guessed enough: even the right date is refused there.
    assert check(client, usulan.nomor, BORN, ip="10.0.1.1").status_code == 429
    # An unknown number is limited just the same, so the limit reveals nothing.
    for _ in range(2):
        check(client, "U2511-ZZZZZZ", BORN, ip="10.0.2.1")
    assert check(client, "U2511-ZZZZZZ", BORN, ip="10.0.2.1").status_code == 429


def test_old_attempts_stop_counting_and_nothing_personal_is_stored(
    client, usulan, settings
):
    settings.KIS_CEK_STATUS_MAKS_NOMOR = 1
    wrong = BORN + datetime.timedelta(days=3)
    check(client, usulan.nomor, wrong)
    assert check(client, usulan.nomor, BORN).status_code == 429
    for row in Percobaan.objects.all():
        stored = row.kunci + row.item
        assert usulan.nomor not in stored and "10.0.0.1" not in stored
    Percobaan.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert check(client, usulan.nomor, BORN).status_code == 200
    # Rows older than every limiter's window are purged on the way.
    Percobaan.objects.update(
        created_at=timezone.now() - KEEP - datetime.timedelta(minutes=1)
    )
    assert check(client, usulan.nomor, BORN).status_code == 200
    assert Percobaan.objects.count() == 1  # the old ones were purged; a right
    # answer counts against the address only


def test_the_form_needs_its_csrf_token_and_a_valid_date(usulan):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"nomor": usulan.nomor, "tanggal_lahir": "1980-05-12"})
    assert response.status_code == 403
    bad = Client().post(URL, {"nomor": usulan.nomor, "tanggal_lahir": "kemarin"})
    assert bad.status_code == 200 and not Percobaan.objects.exists()


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw(client, usulan, settings):
    settings.KIS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.KIS_CEK_STATUS_MAKS_IP = 1
    headers = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    data = {"nomor": "U2511-AAAAAA", "tanggal_lahir": "1980-05-12"}
    assert client.post(URL, data, **headers).status_code == 200
    assert (
        client.post(URL, data | {"nomor": "U2511-BBBBBB"}, **headers).status_code == 429
    )
    other = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.10"}
    assert (
        client.post(URL, data | {"nomor": "U2511-CCCCCC"}, **other).status_code == 200
    )
