"""The public complaint form: no login, rate-limited per IP address in the database."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from kis_portal.ratelimit.models import Percobaan
from pengaduan.models import Pengaduan
from pengaduan.services import lapor_boleh
from tests.clock import frozen, wita
from tests.usulan.factories import pdf_file

from .factories import fake_pdf, usulan_of

pytestmark = pytest.mark.django_db
URL = "/lapor/"


def form(desa, **extra) -> dict:
    data = {
        "pelapor_nama": "Made Warga",
        "pelapor_telepon": "0812 3456 7890",
        "desa": desa.pk,
        "nomor_usulan": "",
        "kategori": "tidak_diterima",
        "uraian": "Kartu saya belum sampai padahal sudah lama.",
        "website": "",
    }
    data.update(extra)
    return data


def test_url_names():
    assert reverse("lapor:form") == URL


def test_form_opens_without_login(client, desa_a):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sampaikan pengaduan JKN-KIS" in page
    assert desa_a.nama in page


def test_citizen_sends_a_complaint_and_gets_its_number(client, desa_a):
    response = client.post(URL, form(desa_a, lampiran=pdf_file()), follow=True)
    pengaduan = Pengaduan.objects.get()
    assert pengaduan.sumber == Pengaduan.Sumber.PUBLIK
    assert pengaduan.created_by is None
    assert pengaduan.desa == desa_a
    assert pengaduan.pelapor_telepon == "081234567890"
    assert pengaduan.lampiran_set.count() == 1
    page = response.content.decode()
    assert "Pengaduan Anda sudah kami terima" in page
    assert pengaduan.nomor in page
    # The thank-you page is shown once; a reload goes back to the form.
    assert client.get(reverse("lapor:terkirim")).status_code == 302


def test_public_complaint_is_visible_to_its_desa_and_staff(
    client, desa_a, operator_a, operator_b, loket, login
):
    client.post(URL, form(desa_a))
    pengaduan = Pengaduan.objects.get()
    assert login(operator_a).get(pengaduan.get_absolute_url()).status_code == 200
    page = client.get(pengaduan.get_absolute_url()).content.decode()
    assert "formulir publik" in page
    assert login(operator_b).get(pengaduan.get_absolute_url()).status_code == 404
    assert login(loket).get(pengaduan.get_absolute_url()).status_code == 200


def test_usulan_number_links_only_within_the_chosen_desa(
    client, operator_a, operator_b
):
    usulan = usulan_of(operator_a)
    client.post(URL, form(operator_a.profile.desa, nomor_usulan=usulan.nomor))
    client.post(URL, form(operator_b.profile.desa, nomor_usulan=usulan.nomor))
    first, second = Pengaduan.objects.order_by("pk")
    assert first.usulan == usulan
    assert second.usulan is None
    assert second.desa == operator_b.profile.desa


def test_phone_is_required_and_checked(client, desa_a):
    response = client.post(URL, form(desa_a, pelapor_telepon="12345"))
    assert response.status_code == 200
    assert "Nomor HP tidak valid" in response.content.decode()
    assert not Pengaduan.objects.exists()


def test_a_field_error_is_tied_to_its_field_for_screen_readers(client, desa_a):
    html = client.post(URL, form(desa_a, pelapor_telepon="12345")).content.decode()
    field = re.search(r'<input[^>]*name="pelapor_telepon"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    assert "id_pelapor_telepon_error" in described
    error = re.search(r'id="id_pelapor_telepon_error"[^>]*>(.*?)</div>', html, re.S)
    assert "Nomor HP tidak valid" in error.group(1)
    assert 'aria-invalid="true"' not in re.search(
        r'<input[^>]*name="pelapor_nama"[^>]*>', html
    ).group(0)


def test_attachment_checked_by_content(client, desa_a):
    response = client.post(URL, form(desa_a, lampiran=fake_pdf()))
    assert "Jenis berkas tidak diterima" in response.content.decode()
    assert not Pengaduan.objects.exists()


def test_hidden_field_filled_by_a_bot_stores_nothing(client, desa_a):
    response = client.post(URL, form(desa_a, website="http://spam.example"))
    assert response.status_code == 302
    assert not Pengaduan.objects.exists()


def test_rate_limited_per_ip_with_a_clear_message(client, desa_a, settings):
    settings.KIS_PENGADUAN_PUBLIK_PER_JAM = 2
    for _ in range(2):
        response = client.post(URL, form(desa_a), REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    response = client.post(URL, form(desa_a), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Terlalu banyak pengaduan dikirim dari jaringan Anda" in page
    assert "coba lagi sekitar satu jam lagi" in page
    assert Pengaduan.objects.count() == 2
    # Another address is not affected.
    response = client.post(URL, form(desa_a), REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 302
    assert Pengaduan.objects.count() == 3
    # Counted in the database (shared by every server process), never the address:
    # 10.1.1.1 twice sent and once refused, 10.2.2.2 once.
    counts = Counter(Percobaan.objects.values_list("kunci", flat=True))
    assert sorted(counts.values()) == [1, 3]
    assert not any("10.1.1.1" in kunci for kunci in counts)


def test_invalid_attempts_count_too(client, desa_a, settings):
    settings.KIS_PENGADUAN_PUBLIK_PER_JAM = 1
    client.post(URL, form(desa_a, uraian=""), REMOTE_ADDR="10.3.3.3")
    response = client.post(URL, form(desa_a), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert not Pengaduan.objects.exists()


def test_the_limit_counts_the_last_sixty_minutes_not_the_clock_hour(db, settings):
    """A patient sender cannot spend one hour's allowance at 10:59 and the next
    at 11:00; whoever keeps trying waits an hour after the last try."""
    settings.KIS_PENGADUAN_PUBLIK_PER_JAM = 2
    with frozen(wita(2026, 11, 2, 10, 59)):
        assert lapor_boleh("10.4.4.4") and lapor_boleh("10.4.4.4")
    with frozen(wita(2026, 11, 2, 11, 0)):
        assert not lapor_boleh("10.4.4.4")  # a new clock hour, the same last hour
    with frozen(wita(2026, 11, 2, 11, 58)):
        assert not lapor_boleh("10.4.4.4")  # 11:00's refused try is within the hour
    with frozen(wita(2026, 11, 2, 13, 0)):
        assert lapor_boleh("10.4.4.4")
        assert lapor_boleh("10.5.5.5")  # every address has its own count


def test_proxy_header_names_the_client(client, desa_a, settings):
    settings.KIS_PENGADUAN_PUBLIK_PER_JAM = 1
    settings.KIS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    first = client.post(
        URL, form(desa_a), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="1.1.1.1"
    )
    second = client.post(
        URL, form(desa_a), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="2.2.2.2"
    )
    assert (first.status_code, second.status_code) == (302, 302)
    third = client.post(
        URL, form(desa_a), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="1.1.1.1"
    )
    assert third.status_code == 429


def test_one_send_shows_every_problem_of_the_public_form(client, db):
    """Issue 20 point 15: the service's checks no longer wait for the form's."""
    response = client.post(
        "/lapor/",
        {"pelapor_nama": "Ni Made Warga", "pelapor_telepon": "12345", "uraian": "x"},
    )
    page = response.content.decode()
    assert "paling sedikit 10 huruf" in page
    assert "Nomor HP tidak valid" in page
