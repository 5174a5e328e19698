"""The admin brings a kecamatan's desa on board; a new operator starts with the slip."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

SLIP = re.compile(r"Nama pengguna:\s*(\S+)\s+Kata sandi sekali pakai:\s*(\S+)")
OWN_PASSWORD = "Kopi-Pagi-Pemuteran-27"  # noqa: S105


def test_admin_creates_a_kecamatans_accounts_and_a_new_operator_starts_with_the_slip(
    demo, sign_in, page, live_server
):
    page = sign_in("admin")
    page.get_by_role("link", name="Pengguna", exact=True).click()
    page.get_by_role("link", name="Akun massal").click()
    expect(page.get_by_role("cell", name="Gerokgak")).to_be_visible()
    page.get_by_label("Buat untuk").select_option(label="Kecamatan Gerokgak")
    page.get_by_role("button", name="Buat akun operator").click()

    expect(page.get_by_text("14 akun operator dibuat.")).to_be_visible()
    expect(page.get_by_role("cell", name="desa.pemuteran")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh slip (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("slip-akun-")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    credentials = dict(SLIP.findall(text))
    assert len(credentials) == 14 and "Kecamatan Gerokgak · 14 akun" in text
    assert "Ganti kata sandi saat pertama masuk." in text and "Layanan gratis" in text
    # Shown once: the page no longer offers it.
    page.reload()
    expect(page.get_by_text("Slip sudah diunduh atau kedaluwarsa")).to_be_visible()
    expect(page.get_by_role("button", name="Unduh slip (PDF)")).to_have_count(0)

    # The admin's pages fit a 360 px phone (wide tables scroll inside their box).
    page.set_viewport_size({"width": 360, "height": 740})
    slip_url = page.url
    for url in (slip_url, "/pengguna/massal/", "/pengguna/?status=belum_masuk"):
        page.goto(url if url.startswith("http") else f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
    expect(page.get_by_role("cell", name="desa.pemuteran")).to_be_visible()

    # The new operator, on a phone, with the slip in hand.
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in("desa.pemuteran", credentials["desa.pemuteran"])
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    expect(page.get_by_text("kata sandi sementara dari slip")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Sandi lama").fill(credentials["desa.pemuteran"])
    page.locator("[name=new_password1]").fill(OWN_PASSWORD)
    page.get_by_label("Konfirmasi sandi baru").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Kata sandi baru tersimpan.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Selamat datang, Operator Desa Pemuteran")
    ).to_be_visible()
    expect(page.get_by_text("Operator desa: mengajukan usulan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The slip's password is spent; the operator's own opens the portal.
    sign_in("desa.pemuteran", credentials["desa.pemuteran"])
    expect(page.get_by_text("sandi yang benar")).to_be_visible()
    sign_in("desa.pemuteran", OWN_PASSWORD)
    expect(
        page.get_by_role("heading", name=re.compile("Selamat datang"))
    ).to_be_visible()
