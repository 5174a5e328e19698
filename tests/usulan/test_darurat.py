"""Urgent patients from a faskes: the faskes submits, sees only its own cases; the
verifier decides in hours; the desa of residence is told; nobody else sees them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import STAFF_ROLES, Role, faskes_kode
from notifikasi.models import Jenis, Pesan
from rekap_bpjs.selectors import members_ready
from tests.clock import frozen, wita
from tests.factories import DesaFactory, make_user
from tests.usulan.factories import make_usulan, new_kk, new_nik, pdf_file, upload_all
from usulan.access import darurat_for_user, usulan_for_user
from usulan.models import KasusDarurat, Usulan
from usulan.services import usulan_submit
from verifikasi.checklist import build_checklist
from verifikasi.services import keputusan_save

BIRTH = datetime.date(1975, 8, 17)


@pytest.fixture
def rsud(db):
    return make_user(
        Role.FASKES, username="rsud", kode_faskes="0902R001", nama_faskes="RSUD UJI"
    )


@pytest.fixture
def klinik(db):
    """The outsider: another faskes."""
    return make_user(
        Role.FASKES, username="klinik", kode_faskes="0902K002", nama_faskes="KLINIK B"
    )


def patient_post(desa, **extra) -> dict:
    data = {
        "nik": new_nik(desa, birth=BIRTH),
        "no_kk": new_kk(desa),
        "nama": "I KETUT DARURAT",
        "tempat_lahir": "SINGARAJA",
        "tanggal_lahir": BIRTH.isoformat(),
        "shdk": "1",
        "status_kawin": "2",
        "desa": desa.pk,
        "alamat": "BANJAR DINAS KELOD",
        "rt": "2",
        "fktp": "",
        "alasan": "Demam berdarah, dirawat inap sejak tadi malam",
        "telepon": "081234567891",
        "client_token": "6f1c3f1e-2f7a-4a8e-9c51-0d6f2b1c0a11",
        "surat": pdf_file("surat.pdf"),
    }
    data.update(extra)
    return data


def submit(client, user, desa, **extra) -> Usulan:
    client.force_login(user)
    response = client.post(
        reverse("usulan:darurat_create"), patient_post(desa, **extra)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Usulan.objects.get(darurat__isnull=False, created_by=user)


def test_staff_roles_leave_the_faskes_out():
    assert Role.FASKES not in STAFF_ROLES
    assert Role.OPERATOR_DESA not in STAFF_ROLES


def test_faskes_submits_urgent_case_straight_to_the_verifier(client, rsud, desa_a):
    with frozen(wita(2026, 11, 10, 21, 30)):
        usulan = submit(client, rsud, desa_a)
        page = client.get(reverse("usulan:darurat_detail", args=[usulan.pk]))
    assert page.status_code == 200
    assert "Diajukan, menunggu verifikasi" in page.content.decode()
    assert usulan.status == Usulan.Status.DIAJUKAN
    assert (usulan.sumber, usulan.jalur) == (Usulan.Sumber.FASKES, Usulan.Jalur.DARURAT)
    assert usulan.pengajuan_id is None and usulan.desa == desa_a
    kasus = usulan.darurat
    assert (kasus.kode_faskes, kasus.nama_faskes) == ("0902R001", "RSUD UJI")
    # The papers may follow within the profile's window (48 hours by default).
    assert kasus.berkas_tenggat == wita(2026, 11, 12, 21, 30)
    member = usulan.anggota_set.get()
    assert member.jenis_kelamin == "L" and member.kode_faskes == "0902R001"
    assert usulan.dokumen_set.get().requirement_kode == "surat_faskes"
    # The desa of residence is told in its inbox.
    pesan = Pesan.objects.get(desa=desa_a, jenis=Jenis.DARURAT)
    assert usulan.nomor in pesan.judul and "RSUD UJI" in pesan.judul


def test_window_is_an_office_setting(client, rsud, desa_a):
    profile = get_active_profile()
    profile.darurat_berkas_jam = 72
    profile.save(update_fields=["darurat_berkas_jam"])
    with frozen(wita(2026, 11, 10, 8)):
        usulan = submit(client, rsud, desa_a)
    assert usulan.darurat.berkas_tenggat == wita(2026, 11, 13, 8)


def test_double_post_makes_one_case(client, rsud, desa_a):
    data = patient_post(desa_a)
    client.force_login(rsud)
    client.post(reverse("usulan:darurat_create"), data)
    data["surat"] = pdf_file("surat.pdf")
    again = client.post(reverse("usulan:darurat_create"), data)
    assert again.status_code == 302
    assert KasusDarurat.objects.count() == 1


def test_letter_is_required_and_checked_by_content(client, rsud, desa_a):
    client.force_login(rsud)
    data = patient_post(desa_a)
    del data["surat"]
    page = client.post(reverse("usulan:darurat_create"), data)
    assert page.status_code == 200 and not Usulan.objects.exists()
    fake = SimpleUploadedFile("surat.pdf", b"not a pdf", content_type="application/pdf")
    page = client.post(
        reverse("usulan:darurat_create"), patient_post(desa_a, surat=fake)
    )
    assert page.status_code == 200 and not Usulan.objects.exists()


def test_another_faskes_sees_nothing(client, rsud, klinik, desa_a):
    usulan = submit(Client(), rsud, desa_a)
    client.force_login(klinik)
    assert not darurat_for_user(klinik).exists()
    assert not usulan_for_user(klinik).exists()
    page = client.get(reverse("usulan:darurat_list"))
    assert usulan.nomor not in page.content.decode()
    for name in ("usulan:darurat_detail", "usulan:darurat_berkas"):
        method = client.post if name.endswith("berkas") else client.get
        assert method(reverse(name, args=[usulan.pk])).status_code == 404


def test_faskes_user_is_no_staff(client, rsud, operator_a):
    """Regency-wide pages refuse the faskes; the desa's usulan stay out of reach."""
    desa_usulan = make_usulan(operator_a)
    client.force_login(rsud)
    for name in (
        "usulan:list",
        "verifikasi:queue",
        "laporan:dasbor",
        "wilayah:kecamatan_list",
        "rekap_bpjs:list",
        "distribusi:list",
        "pengaduan:list",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert (
        client.get(reverse("usulan:detail", args=[desa_usulan.pk])).status_code == 403
    )
    assert (
        client.get(reverse("usulan:darurat_detail", args=[desa_usulan.pk])).status_code
        == 404
    )
    assert not usulan_for_user(rsud).exists()


def test_faskes_without_faskes_sees_nothing(db, rsud, desa_a, client):
    submit(client, rsud, desa_a)
    bare = make_user(Role.FASKES, username="bare", kode_faskes="0902X009")
    bare.profile.kode_faskes = ""
    bare.profile.save()
    bare.refresh_from_db()
    assert faskes_kode(bare) == "-"
    assert not usulan_for_user(bare).exists()


def test_desa_of_residence_sees_it_another_desa_does_not(
    client, rsud, desa_a, operator_a, operator_b
):
    usulan = submit(client, rsud, desa_a)
    assert usulan in usulan_for_user(operator_a)
    client.force_login(operator_a)
    assert client.get(reverse("usulan:detail", args=[usulan.pk])).status_code == 200
    client.force_login(operator_b)
    assert not usulan_for_user(operator_b).filter(pk=usulan.pk).exists()
    assert client.get(reverse("usulan:detail", args=[usulan.pk])).status_code == 404
    assert not Pesan.objects.filter(desa=operator_b.profile.desa).exists()


def test_nik_taken_elsewhere_names_no_desa(client, rsud, operator_b):
    """A NIK already proposed by another desa: refused without saying where."""
    other = make_usulan(operator_b)
    nik = other.anggota_set.first().nik
    desa = DesaFactory(kecamatan=operator_b.profile.desa.kecamatan)
    client.force_login(rsud)
    page = client.post(
        reverse("usulan:darurat_create"),
        patient_post(desa, nik=nik, tanggal_lahir="1980-05-12"),
    )
    assert page.status_code == 200 and not KasusDarurat.objects.exists()
    errors = " ".join(page.context["form"].non_field_errors())
    assert "NIK" in errors
    assert operator_b.profile.desa.nama not in errors
    assert other.nomor not in page.content.decode()


def test_papers_follow_and_become_required_after_the_window(
    client, rsud, desa_a, verifikator
):
    with frozen(wita(2026, 11, 10, 9)):
        usulan = submit(client, rsud, desa_a)
        keys = [item.key for item in build_checklist(usulan).items]
        assert keys == ["surat_faskes", "data"]
    with frozen(wita(2026, 11, 12, 9, 1)):
        usulan.refresh_from_db()
        keys = [item.key for item in build_checklist(usulan).items]
        assert keys[:2] == ["surat_faskes", "kk"] and keys[2].startswith("ktp-")
        client.force_login(rsud)
        page = client.get(reverse("usulan:darurat_detail", args=[usulan.pk]))
        assert "sudah lewat" in page.content.decode()
        client.post(
            reverse("usulan:darurat_berkas", args=[usulan.pk]),
            {"kode": "kk", "berkas": pdf_file("kk.pdf")},
        )
    assert usulan.dokumen_set.filter(requirement_kode="kk").exists()


def test_verifier_queue_shows_hours_against_target(client, rsud, desa_a, verifikator):
    with frozen(wita(2026, 11, 10, 9)):
        usulan = submit(client, rsud, desa_a)
    with frozen(wita(2026, 11, 10, 21)):
        client.force_login(verifikator)
        page = client.get(reverse("verifikasi:queue")).content.decode()
        assert 'id="antrean-darurat"' in page and "12 jam" in page
        assert (
            "lewat target"
            not in page.split('id="antrean-darurat"')[1].split("</section>")[0]
        )
        home = client.get(reverse("home")).content.decode()
        assert "Pasien darurat dari faskes menunggu keputusan" in home
    with frozen(wita(2026, 11, 11, 10)):
        client.force_login(verifikator)
        page = client.get(reverse("verifikasi:queue")).content.decode()
        urgent = page.split('id="antrean-darurat"')[1].split("</section>")[0]
        assert "25 jam" in urgent and "lewat target" in urgent
        assert usulan.nomor in urgent


def test_accepted_urgent_case_skips_field_check_and_leads_the_batch(
    client, rsud, desa_a, operator_a, verifikator
):
    ordinary = make_usulan(operator_a)
    upload_all(ordinary, operator_a)
    usulan_submit(usulan_id=ordinary.pk, by=operator_a)
    with frozen(wita(2026, 11, 10, 9)):
        urgent = submit(client, rsud, desa_a)
    # Neither is in DTKS and the profile wants a field check for non-DTKS.
    assert get_active_profile().field_check_required
    for usulan in (ordinary, urgent):
        with frozen(wita(2026, 11, 10, 15)):
            keputusan_save(
                usulan_id=usulan.pk,
                by=verifikator,
                keputusan="terima",
                items={
                    item.key: {"ada": True, "valid": True, "bermeterai": True}
                    for item in build_checklist(usulan).items
                },
            )
    ordinary.refresh_from_db()
    urgent.refresh_from_db()
    assert ordinary.status == Usulan.Status.CEK_LAPANGAN
    assert urgent.status == Usulan.Status.SIAP
    assert urgent.darurat.diputus_at == wita(2026, 11, 10, 15)
    assert members_ready().first().usulan_id == urgent.pk


def test_an_urgent_case_is_not_returned(client, rsud, desa_a, verifikator):
    usulan = submit(client, rsud, desa_a)
    items = {
        item.key: {"ada": False, "alasan": "Surat buram"}
        for item in build_checklist(usulan).items
    }
    with pytest.raises(ValidationError, match="tidak dikembalikan"):
        keputusan_save(
            usulan_id=usulan.pk, by=verifikator, keputusan="kembalikan", items=items
        )
    keputusan_save(
        usulan_id=usulan.pk,
        by=verifikator,
        keputusan="tolak",
        items=items,
        alasan="NIK tidak sesuai surat faskes",
    )
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DITOLAK
    assert usulan.darurat.diputus_at is not None
    # The NIK is free again: the faskes submits the corrected case.
    assert not usulan.anggota_set.filter(aktif=True).exists()
