"""The counter registers a walk-in family and downloads the receipt PDF."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_loket_registers_a_walk_in_and_downloads_the_receipt(demo, sign_in):
    page = sign_in("loket")
    page.get_by_role("link", name="Loket").click()
    page.get_by_label("Desa/kelurahan domisili").select_option(label="Desa Kalibukbuk")
    page.get_by_label("Nomor KK").fill("5108060403198001")
    page.get_by_label("Alamat").fill("BANJAR DINAS KELOD")
    page.locator("[name=rt]").fill("4")
    page.get_by_label("Nomor HP keluarga").fill("+62 812 3456 7890")
    prefix = "anggota_set-0-"
    page.locator(f"[name='{prefix}nik']").fill("5108061205808001")
    page.locator(f"[name='{prefix}nik']").dispatch_event("change")
    page.locator(f"[name='{prefix}nama']").fill("I Wayan Datang Langsung")
    page.locator(f"[name='{prefix}tempat_lahir']").fill("SINGARAJA")
    page.locator(f"[name='{prefix}shdk']").select_option("1")
    page.locator(f"[name='{prefix}status_kawin']").select_option("2")
    page.locator(f"[name='{prefix}kategori']").select_option("miskin")
    page.get_by_role("checkbox", name="Kartu Keluarga").check()
    page.get_by_role(
        "checkbox", name="Surat Keterangan Tidak Mampu dari Perbekel/Lurah"
    ).check()
    page.get_by_role("button", name="Simpan dan ajukan").click()

    expect(page.get_by_text("terdaftar dan diajukan ke verifikasi")).to_be_visible()
    nomor = (
        page.get_by_role("heading", level=1)
        .inner_text()
        .removeprefix("Usulan ")
        .strip()
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="Tanda terima (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"tanda-terima-{nomor}.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert nomor in text
    assert "tidak dipungut biaya" in text.lower()
    assert "5108********8001" in text and "5108061205808001" not in text
    assert "Kartu Keluarga" in text
