"""Documents: required per the office profile's conditions, checked by content."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from dtks.models import DtksPeriode, DtksRecord
from kis_portal.audit.models import AksesData
from usulan.models import Dokumen
from usulan.selectors import documents_for

from .factories import household, make_usulan, member, pdf_file


def kodes(usulan) -> list[str]:
    return sorted(
        f"{d.requirement.kode}:{d.anggota.nama if d.anggota else '-'}"
        for d in documents_for(usulan)
    )


def test_buleleng_needs_a_diagnosis_only_for_the_chronically_ill(operator_a, desa_a):
    sick = member(desa_a, kategori="kronis", nama="I MADE SAKIT")
    well = member(desa_a, sex="P", birth=datetime.date(1985, 3, 7), nama="NI LUH SEHAT")
    usulan = make_usulan(operator_a, members=[sick, well])
    assert kodes(usulan) == [
        "kk:-",
        "riwayat-sakit:I MADE SAKIT",
        "sktm:-",
        "sptjm:-",
        "surat-pengantar:-",
    ]


def test_sop_pbi_needs_a_pregnancy_letter_for_a_pregnant_member(operator_a, desa_a):
    call_command("load_profile", "sop-pbi", verbosity=0)
    mother = member(
        desa_a,
        sex="P",
        birth=datetime.date(1995, 8, 1),
        kategori="hamil",
        nama="NI KADEK HAMIL",
    )
    usulan = make_usulan(operator_a, members=[mother])
    assert "ket-hamil:NI KADEK HAMIL" in kodes(usulan)
    assert "ket-sakit:NI KADEK HAMIL" not in kodes(usulan)


def test_makassar_needs_sktm_only_when_not_in_dtks(operator_a, desa_a):
    call_command("load_profile", "makassar", verbosity=0)
    usulan = make_usulan(operator_a, members=[member(desa_a)])
    assert "sktm:-" in kodes(usulan)
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    DtksRecord.objects.create(
        periode=periode, nik=usulan.anggota_set.get().nik, nama="X", desil=2
    )
    assert "sktm:-" not in kodes(usulan)


def test_buleleng_always_needs_the_sktm_even_in_dtks(operator_a, desa_a):
    usulan = make_usulan(operator_a, members=[member(desa_a)])
    periode = DtksPeriode.objects.create(kode="2026-Q3")
    DtksRecord.objects.create(
        periode=periode, nik=usulan.anggota_set.get().nik, nama="X"
    )
    assert "sktm:-" in kodes(usulan)


def test_makassar_needs_the_last_premium_receipt_only_for_a_mandiri_transfer(
    operator_a, desa_a
):
    call_command("load_profile", "makassar", verbosity=0)
    mandiri = make_usulan(
        operator_a,
        household_data=household(
            desa_a, jenis="MIG37", noka_lama="0001261832477", segmen_asal="mandiri"
        ),
    )
    apbn = make_usulan(
        operator_a,
        household_data=household(
            desa_a, jenis="MIG37", noka_lama="0001261832478", segmen_asal="pbi_apbn"
        ),
    )
    new = make_usulan(operator_a)
    assert "bukti-iuran:-" in kodes(mandiri)
    assert "bukti-iuran:-" not in kodes(apbn) and "bukti-iuran:-" not in kodes(new)


def test_makassar_requires_phone_and_faskes_before_submitting(
    login, operator_a, desa_a
):
    call_command("load_profile", "makassar", verbosity=0)
    usulan = make_usulan(
        operator_a,
        household_data=household(desa_a, telepon=""),
        members=[member(desa_a, kode_faskes="", nama_faskes="")],
        upload=True,
    )
    html = (
        login(operator_a)
        .post(f"/usulan/{usulan.pk}/ajukan/", follow=True)
        .content.decode()
    )
    assert "Nomor HP wajib diisi" in html and "Faskes belum dipilih" in html


def upload(client, usulan, key, file):
    return client.post(
        f"/usulan/{usulan.pk}/dokumen/{key}/", {"berkas": file}, follow=True
    )


def test_a_pdf_is_stored_under_a_generated_name(login, operator_a, settings):
    usulan = make_usulan(operator_a)
    response = upload(login(operator_a), usulan, "kk", pdf_file("KK Budi.pdf"))
    assert "Kartu Keluarga tersimpan" in response.content.decode()
    doc = Dokumen.objects.get()
    assert doc.original_name == "KK Budi.pdf" and "Budi" not in doc.file.name
    assert doc.file.name.endswith(".pdf") and doc.content_type == "application/pdf"
    assert str(settings.MEDIA_ROOT) in doc.file.path


def test_a_file_is_judged_by_content_not_by_name(login, operator_a):
    usulan = make_usulan(operator_a)
    fake = SimpleUploadedFile(
        "kk.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf"
    )
    html = upload(login(operator_a), usulan, "kk", fake).content.decode()
    assert "Jenis berkas tidak diterima" in html
    assert not Dokumen.objects.exists()


def test_a_20_mb_photo_is_refused_with_its_size(login, operator_a):
    usulan = make_usulan(operator_a)
    big = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024))
    html = upload(login(operator_a), usulan, "kk", big).content.decode()
    assert (
        "20.0 MB melebihi batas 5 MB" in html or "20,0 MB melebihi batas 5 MB" in html
    )
    assert not Dokumen.objects.exists()


def test_a_large_photo_is_downscaled_and_stripped(login, operator_a):
    usulan = make_usulan(operator_a)
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 180, 160)).save(buffer, format="PNG")
    upload(
        login(operator_a), usulan, "kk", SimpleUploadedFile("kk.png", buffer.getvalue())
    )
    doc = Dokumen.objects.get()
    assert doc.content_type == "image/jpeg"
    with Image.open(doc.file.path) as stored:
        assert max(stored.size) == 2000


def test_a_corrupt_image_is_refused(login, operator_a):
    usulan = make_usulan(operator_a)
    broken = SimpleUploadedFile("kk.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50)
    html = upload(login(operator_a), usulan, "kk", broken).content.decode()
    assert "Gambar rusak" in html
    assert not Dokumen.objects.exists()


def test_replacing_a_document_keeps_one(login, operator_a):
    usulan = make_usulan(operator_a)
    client = login(operator_a)
    upload(client, usulan, "kk", pdf_file("lama.pdf"))
    upload(client, usulan, "kk", pdf_file("baru.pdf"))
    assert list(Dokumen.objects.values_list("original_name", flat=True)) == ["baru.pdf"]


def test_download_is_an_audited_attachment_for_allowed_users_only(
    login, operator_a, operator_b, verifikator, client
):
    usulan = make_usulan(operator_a)
    upload(login(operator_a), usulan, "kk", pdf_file())
    doc = Dokumen.objects.get()
    response = client.get(f"/usulan/dokumen/{doc.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AksesData.objects.filter(
        actor=operator_a, tindakan="unduh", subjek_tipe="dokumen"
    ).exists()
    staff = login(verifikator).get(f"/usulan/dokumen/{doc.pk}/")
    assert staff.status_code == 200
    assert b"".join(staff.streaming_content).startswith(b"%PDF")
    assert login(operator_b).get(f"/usulan/dokumen/{doc.pk}/").status_code == 404


@pytest.mark.parametrize("key", ["tidak-ada", "surat-pengantar"])
def test_unknown_or_wrong_level_keys_are_404(login, operator_a, key):
    usulan = make_usulan(operator_a)
    assert (
        login(operator_a)
        .post(f"/usulan/{usulan.pk}/dokumen/{key}/", {"berkas": pdf_file()})
        .status_code
        == 404
    )


def test_cover_letter_is_uploaded_on_the_pengajuan(login, operator_a):
    usulan = make_usulan(operator_a)
    client = login(operator_a)
    response = client.post(
        f"/usulan/pengajuan/{usulan.pengajuan_id}/dokumen/surat-pengantar/",
        {"berkas": pdf_file()},
        follow=True,
    )
    assert "Surat pengantar dari desa/kelurahan tersimpan" in response.content.decode()
    doc = Dokumen.objects.get()
    assert doc.pengajuan_id == usulan.pengajuan_id and doc.level == "pengajuan"
