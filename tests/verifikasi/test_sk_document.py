"""The SK penetapan as printed: considerations and legal bases from the office
profile, the head of office's signature, the number and page on every page."""

import datetime

import pytest
from django.core.management import call_command

from kis_portal.offices.selectors import get_active_profile
from kis_portal.pdf import render_pdf
from tests.pdf_pages import assert_paged, assert_signature_with_rows, pages
from usulan.models import Anggota, Usulan
from verifikasi.approval import sk_context
from verifikasi.models import SkPenetapan

pytestmark = pytest.mark.django_db

NOMOR = "SK/007/DINSOS/2026"


def decree(profile, kadis, desa, size: int) -> bytes:
    sk = SkPenetapan(
        nomor=NOMOR,
        tahun=2026,
        urut=7,
        periode="2026-11",
        tanggal=datetime.date(2026, 11, 30),
        kadis=kadis,
    )
    household = Usulan(desa=desa)
    members = [
        Anggota(
            usulan=household,
            nik=f"5108064{n:09d}",
            nama=f"WARGA PENERIMA {n:03d}",
            kategori="miskin",
        )
        for n in range(1, size + 1)
    ]
    return render_pdf(
        "verifikasi/pdf/sk_penetapan.html",
        sk_context(sk, members, profile, kadis),
        nomor=sk.nomor,
    )


def test_the_decree_has_considerations_legal_bases_and_its_dictum(kadis, desa_a):
    call_command("load_profile", "lombok-timur", verbosity=0)
    profile = get_active_profile()
    texts = pages(decree(profile, kadis, desa_a, 3))
    text = " ".join(texts)
    assert_paged(texts, nomor=NOMOR)
    menimbang, mengingat, memutuskan = (
        text.index("Menimbang"),
        text.index("Mengingat"),
        text.index("MEMUTUSKAN"),
    )
    assert menimbang < mengingat < memutuskan
    # Seed 004's legal bases, in the profile shipped for Lombok Timur.
    assert "Undang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial" in text
    assert "Nomor 188.45/537/KES/2018" in text
    assert "KESATU" in text and "KEDUA" in text
    # No head of office in the shipped profile: the Kepala Dinas issuing it signs.
    assert "Ditetapkan di Selong" in text
    assert "Kepala Dinas Sosial Kabupaten Lombok Timur," in text


def test_the_decree_prints_the_head_of_office_from_the_profile(kadis, desa_a):
    call_command("load_profile", "lombok-timur", verbosity=0)
    profile = get_active_profile()
    profile.kepala_nama = "H. LALU CONTOH, S.Sos., M.M."
    profile.kepala_nip = "196805121990031004"
    profile.kepala_pangkat = "Pembina Utama Muda (IV/c)"
    profile.sk_diktum = "Menetapkan peserta.\nMenugaskan Sekretaris.\nBerlaku."
    profile.save()
    text = " ".join(pages(decree(profile, kadis, desa_a, 2)))
    assert "H. LALU CONTOH, S.Sos., M.M." in text
    assert "Pembina Utama Muda (IV/c) NIP. 196805121990031004" in text
    assert "KETIGA : Berlaku." in text


def test_a_long_decree_keeps_its_signature_with_the_last_rows(kadis, desa_a):
    call_command("load_profile", "lombok-timur", verbosity=0)
    profile = get_active_profile()
    signer = kadis.get_full_name() or kadis.username
    # From two pages to three: one of these sizes ends where the signature
    # would otherwise stand alone.
    for size in range(28, 52, 3):
        texts = pages(decree(profile, kadis, desa_a, size))
        assert_paged(texts, nomor=NOMOR)
        assert_signature_with_rows(texts, signer=signer, row="WARGA PENERIMA")
