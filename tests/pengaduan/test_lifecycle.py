"""A complaint from the desa through the office's handling to its resolution."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.workflow import InvalidTransition
from pengaduan.models import Lampiran, Pengaduan, Tanggapan
from pengaduan.services import pengaduan_assign, pengaduan_change_status
from tests.usulan.factories import pdf_file

from .factories import complaint, fake_pdf, usulan_of

pytestmark = pytest.mark.django_db


def test_operator_records_a_complaint_about_its_usulan_with_an_attachment(
    operator_a, login
):
    usulan = usulan_of(operator_a)
    nik = usulan.anggota_set.first().nik
    client = login(operator_a)
    response = client.post(
        reverse("pengaduan:create"),
        {
            "nomor_usulan": usulan.nomor.lower(),
            "nik_anggota": nik,
            "kategori": "terlambat",
            "uraian": "Sudah dua bulan belum ada kabar dari dinas.",
            "pelapor_nama": "Ketut Warga",
            "pelapor_telepon": "+62 812-3456-7890",
            "lampiran": pdf_file("surat.pdf"),
        },
    )
    pengaduan = Pengaduan.objects.get()
    assert response.status_code == 302
    assert response.url == pengaduan.get_absolute_url()
    assert pengaduan.sumber == Pengaduan.Sumber.DESA
    assert pengaduan.desa == operator_a.profile.desa
    assert pengaduan.usulan == usulan
    assert pengaduan.anggota.nik == nik
    assert pengaduan.pelapor_telepon == "081234567890"
    assert pengaduan.status == Pengaduan.Status.BARU
    assert pengaduan.created_by == operator_a
    # Target for "terlambat" is 7 days by default, from the day it arrived.
    arrived = timezone.localdate(pengaduan.created_at)
    assert pengaduan.tenggat == arrived + datetime.timedelta(days=7)
    item = Lampiran.objects.get()
    assert item.nama_asli == "surat.pdf"
    assert item.content_type == "application/pdf"
    page = client.get(pengaduan.get_absolute_url()).content.decode()
    assert pengaduan.nomor in page
    assert "surat.pdf" in page
    download = client.get(item.get_absolute_url())
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_target_days_come_from_the_setting(operator_a, settings):
    settings.KIS_PENGADUAN_TARGET_HARI = {"data_salah": 3}
    pengaduan = complaint(operator_a, kategori="data_salah")
    arrived = timezone.localdate(pengaduan.created_at)
    assert pengaduan.tenggat == arrived + datetime.timedelta(days=3)


def test_operator_cannot_link_another_desas_usulan(operator_a, operator_b, login):
    other = usulan_of(operator_b)
    response = login(operator_a).post(
        reverse("pengaduan:create"),
        {
            "nomor_usulan": other.nomor,
            "kategori": "terlambat",
            "uraian": "Mengapa belum ada kabar?",
            "pelapor_nama": "Ketut Warga",
        },
    )
    assert response.status_code == 200
    assert (
        f"Usulan dengan nomor {other.nomor} tidak ditemukan."
        in response.content.decode()
    )
    assert not Pengaduan.objects.exists()


def test_counter_records_for_a_desa_taken_from_the_usulan(operator_b, loket, login):
    usulan = usulan_of(operator_b)
    response = login(loket).post(
        reverse("pengaduan:create"),
        {
            "nomor_usulan": usulan.nomor,
            "kategori": "belum_dicetak",
            "uraian": "Warga datang ke loket menanyakan kartunya.",
            "pelapor_nama": "Wayan Datang",
        },
    )
    assert response.status_code == 302
    pengaduan = Pengaduan.objects.get()
    assert pengaduan.sumber == Pengaduan.Sumber.LOKET
    assert pengaduan.desa == operator_b.profile.desa


def test_attachment_is_checked_by_content_not_by_name(operator_a, login):
    response = login(operator_a).post(
        reverse("pengaduan:create"),
        {
            "kategori": "data_salah",
            "uraian": "Nama pada kartu salah ketik.",
            "pelapor_nama": "Ketut Warga",
            "lampiran": fake_pdf(),
        },
    )
    assert response.status_code == 200
    assert "Jenis berkas tidak diterima" in response.content.decode()
    assert not Pengaduan.objects.exists()
    assert not Lampiran.objects.exists()


def test_attachment_added_later_is_checked_too(operator_a, login):
    pengaduan = complaint(operator_a)
    client = login(operator_a)
    url = reverse("pengaduan:lampiran_tambah", args=[pengaduan.pk])
    page = client.post(url, {"berkas": fake_pdf("foto.jpg")}, follow=True)
    assert "Jenis berkas tidak diterima" in page.content.decode()
    assert not Lampiran.objects.exists()
    page = client.post(url, {"berkas": pdf_file("ktp.pdf")}, follow=True)
    assert "Lampiran ktp.pdf tersimpan." in page.content.decode()
    assert pengaduan.lampiran_set.count() == 1


def test_full_lifecycle_with_replies_visible_to_the_desa(
    operator_a, loket, verifikator, login, client
):
    pengaduan = complaint(operator_a)
    url = pengaduan.get_absolute_url()

    staff = login(loket)
    staff.post(
        reverse("pengaduan:tugaskan", args=[pengaduan.pk]),
        {"petugas": verifikator.pk},
    )
    pengaduan.refresh_from_db()
    assert pengaduan.petugas == verifikator
    assert pengaduan.status == Pengaduan.Status.DIPROSES

    staff.post(
        reverse("pengaduan:status", args=[pengaduan.pk]),
        {"status": "menunggu_bpjs", "alasan": "Ditanyakan ke BPJS."},
    )
    staff.post(
        reverse("pengaduan:tanggapi", args=[pengaduan.pk]),
        {"isi": "Sedang kami tanyakan ke BPJS.", "internal": ""},
    )
    staff.post(
        reverse("pengaduan:tanggapi", args=[pengaduan.pk]),
        {"isi": "CATATAN RAHASIA petugas", "internal": "on"},
    )
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.MENUNGGU_BPJS
    assert Tanggapan.objects.filter(internal=True).count() == 1

    # Closing needs the resolution written down.
    page = staff.post(
        reverse("pengaduan:status", args=[pengaduan.pk]),
        {"status": "selesai", "alasan": ""},
        follow=True,
    )
    assert "Tuliskan penyelesaiannya" in page.content.decode()
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.MENUNGGU_BPJS
    staff.post(
        reverse("pengaduan:status", args=[pengaduan.pk]),
        {"status": "selesai", "alasan": "Kartu sudah terbit, diambil di kantor."},
    )
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.SELESAI
    assert pengaduan.resolved_at is not None
    history = list(
        AuditEvent.objects.filter(
            object_id=str(pengaduan.pk), action=AuditEvent.Action.STATUS
        )
        .order_by("pk")
        .values_list("to_status", flat=True)
    )
    assert history == ["diproses", "menunggu_bpjs", "selesai"]

    client.logout()
    desa = login(operator_a)
    page = desa.get(url).content.decode()
    assert "Sedang kami tanyakan ke BPJS." in page
    assert "Kartu sudah terbit, diambil di kantor." in page
    assert "CATATAN RAHASIA" not in page
    # The desa answers too; its reply is never internal.
    desa.post(
        reverse("pengaduan:tanggapi", args=[pengaduan.pk]),
        {"isi": "Terima kasih, warga sudah mengambil.", "internal": "on"},
    )
    assert Tanggapan.objects.get(oleh=operator_a).internal is False


def test_transitions_are_enforced(operator_a, loket):
    pengaduan = complaint(operator_a)
    pengaduan_change_status(
        pengaduan_id=pengaduan.pk, to="selesai", alasan="Beres.", by=loket
    )
    with pytest.raises(InvalidTransition):
        pengaduan_change_status(
            pengaduan_id=pengaduan.pk, to="menunggu_bpjs", alasan="x", by=loket
        )
    with pytest.raises(ValidationError, match="dibuka kembali"):
        pengaduan_change_status(pengaduan_id=pengaduan.pk, to="diproses", by=loket)
    pengaduan_change_status(
        pengaduan_id=pengaduan.pk, to="diproses", alasan="Warga datang lagi.", by=loket
    )
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.DIPROSES
    assert pengaduan.resolved_at is None


def test_only_handlers_can_be_assigned(operator_a, loket, kadis):
    pengaduan = complaint(operator_a)
    with pytest.raises(ValidationError, match="Pilih petugas"):
        pengaduan_assign(pengaduan_id=pengaduan.pk, petugas=kadis, by=loket)
    pengaduan_assign(pengaduan_id=pengaduan.pk, petugas=loket, by=loket)
    pengaduan.refresh_from_db()
    assert pengaduan.petugas == loket


def test_kadis_reads_but_does_not_handle(operator_a, kadis, login):
    pengaduan = complaint(operator_a)
    client = login(kadis)
    assert client.get(pengaduan.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("pengaduan:status", args=[pengaduan.pk]),
        {"status": "diproses", "alasan": ""},
    )
    assert response.status_code == 403
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.BARU


def test_lapangan_has_no_access(lapangan, login):
    assert login(lapangan).get(reverse("pengaduan:list")).status_code == 403
