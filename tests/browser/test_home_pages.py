"""Demo accounts log in through Chromium and land on their own home pages."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_desa1_lands_on_the_desa_home_and_cannot_reach_admin_or_another_desa(
    demo, sign_in, live_server
):
    page = sign_in("desa1")
    expect(
        page.get_by_role("heading", name="Selamat datang, Ketut Sutama")
    ).to_be_visible()
    expect(page.get_by_text("Operator desa: mengajukan usulan")).to_be_visible()
    expect(page.get_by_text("Kalibukbuk")).to_be_visible()
    expect(page.get_by_text("tidak dipungut biaya")).to_be_visible()

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    expect(page.locator("body")).not_to_contain_text("Profil kantor")

    response = page.goto(f"{live_server.url}/wilayah/desa/51.08.02.2001/")
    assert response.status == 404
    expect(page.get_by_text("Halaman tidak ditemukan")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Unggahan")

    response = page.goto(f"{live_server.url}/pengguna/")
    assert response.status == 403


def test_verifikator_lands_on_the_verifier_home_and_can_browse_regions(
    demo, sign_in, live_server
):
    page = sign_in("verifikator")
    expect(
        page.get_by_text("Verifikator: memeriksa kelengkapan berkas")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Usulan menunggu verifikasi")).to_be_visible()
    page.get_by_role("link", name="Wilayah").click()
    expect(page.get_by_role("cell", name="Gerokgak")).to_be_visible()
    page.get_by_label("Cari nama/kode").fill("Unggahan")
    page.get_by_role("button", name="Cari desa").click()
    page.get_by_role("link", name="Desa Unggahan").click()
    expect(page.get_by_role("heading", name="Desa Unggahan")).to_be_visible()
    expect(page.get_by_text("Wayan Kariasa")).to_be_visible()


def test_home_is_usable_on_a_360px_phone(demo, sign_in, page):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in("desa1")
    menu = page.get_by_role("button", name="Buka menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Desa saya")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
