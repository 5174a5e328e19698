"""A desa operator never sees another desa's complaint."""

import pytest
from django.urls import reverse

from kis_portal.uploads import check_upload
from pengaduan.models import Lampiran, Pengaduan, Tanggapan
from pengaduan.services import lampiran_add
from tests.usulan.factories import pdf_file

from .factories import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(operator_b):
    pengaduan = complaint(operator_b, uraian="Masalah milik desa B saja.")
    lampiran_add(
        pengaduan_id=pengaduan.pk, checked=check_upload(pdf_file()), by=operator_b
    )
    return pengaduan


def test_list_shows_only_the_operators_desa(operator_a, theirs, login):
    mine = complaint(operator_a)
    page = login(operator_a).get(reverse("pengaduan:list")).content.decode()
    assert mine.nomor in page
    assert theirs.nomor not in page


def test_search_by_number_does_not_reach_another_desa(operator_a, theirs, login):
    response = login(operator_a).get(
        reverse("pengaduan:list"), {"q": theirs.nomor}, follow=True
    )
    assert list(response.context["page_obj"].object_list) == []
    assert theirs.get_absolute_url() not in response.content.decode()
    assert "Tidak ada pengaduan yang cocok." in response.content.decode()


def test_another_desas_complaint_is_404_by_id(operator_a, theirs, login):
    client = login(operator_a)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    lampiran = Lampiran.objects.get(pengaduan=theirs)
    assert client.get(lampiran.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("pengaduan:tanggapi", args=[theirs.pk]), {"isi": "Menyusup"}
    )
    assert response.status_code == 404
    assert not Tanggapan.objects.exists()
    response = client.post(
        reverse("pengaduan:lampiran_tambah", args=[theirs.pk]), {"berkas": pdf_file()}
    )
    assert response.status_code == 404
    assert theirs.lampiran_set.count() == 1


def test_operator_cannot_change_status_or_assign(operator_a, login):
    mine = complaint(operator_a)
    client = login(operator_a)
    response = client.post(
        reverse("pengaduan:status", args=[mine.pk]),
        {"status": "selesai", "alasan": "Sendiri"},
    )
    assert response.status_code == 403
    response = client.post(reverse("pengaduan:tugaskan", args=[mine.pk]), {"saya": "1"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.status == Pengaduan.Status.BARU
    assert mine.petugas is None


def test_operator_always_records_for_its_own_desa(operator_a, desa_b, login):
    login(operator_a).post(
        reverse("pengaduan:create"),
        {
            "desa": desa_b.pk,
            "kategori": "lainnya",
            "uraian": "Mencoba mengadu atas nama desa lain.",
            "pelapor_nama": "Ketut Warga",
        },
    )
    assert Pengaduan.objects.get().desa == operator_a.profile.desa


def test_staff_see_every_desa(operator_a, theirs, verifikator, login):
    mine = complaint(operator_a)
    page = login(verifikator).get(reverse("pengaduan:list")).content.decode()
    assert mine.nomor in page
    assert theirs.nomor in page


def test_anonymous_is_sent_to_login(theirs, client):
    response = client.get(theirs.get_absolute_url())
    assert response.status_code == 302
    assert reverse("login") in response.url
