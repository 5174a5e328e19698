"""A citizen complains on the public page without logging in; the counter takes it
and resolves it; desa1 reads the answer. The counter also records a visitor."""

import re

import pytest
from playwright.sync_api import expect

from pengaduan.models import BukuTamu, Pengaduan

pytestmark = pytest.mark.browser


def test_public_complaint_handled_by_the_counter_and_read_by_desa1(
    demo, page, sign_in, live_server
):
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_label("Nama lengkap").fill("Made Pelapor Uji")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234500011")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option(
        label="Desa Kalibukbuk"
    )
    page.get_by_label("Kategori").select_option(value="tidak_diterima")
    page.get_by_label("Uraian pengaduan").fill("Kartu KIS saya belum sampai ke rumah.")
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_text("Pengaduan Anda sudah kami terima")).to_be_visible()
    pengaduan = Pengaduan.objects.get(pelapor_nama="Made Pelapor Uji")
    expect(page.get_by_text(pengaduan.nomor)).to_be_visible()

    sign_in("loket")
    page.goto(f"{live_server.url}/pengaduan/?status=baru")
    page.get_by_role("link", name=pengaduan.nomor).click()
    page.get_by_role("button", name="Tangani sendiri").click()
    expect(page.get_by_text("Pengaduan ditugaskan ke")).to_be_visible()
    page.get_by_label("Status baru").select_option(value="selesai")
    page.get_by_label("Keterangan").fill("Kartu dititipkan ke kantor desa Kalibukbuk.")
    page.get_by_role("button", name="Ubah status").click()
    expect(
        page.get_by_text(re.compile(r"Status pengaduan .*: Selesai"))
    ).to_be_visible()
    pengaduan.refresh_from_db()
    assert pengaduan.status == Pengaduan.Status.SELESAI

    page.goto(f"{live_server.url}/pengaduan/buku-tamu/")
    page.get_by_label("Nama tamu").fill("Ketut Tamu Uji")
    page.get_by_label("Keperluan").select_option(value="konsultasi")
    page.get_by_role("button", name="Catat", exact=True).click()
    expect(page.get_by_text("Tamu Ketut Tamu Uji tercatat.")).to_be_visible()
    expect(page.get_by_role("cell", name="Ketut Tamu Uji")).to_be_visible()
    assert BukuTamu.objects.filter(nama="Ketut Tamu Uji").exists()

    sign_in("desa1")
    page.goto(f"{live_server.url}/pengaduan/")
    page.get_by_role("link", name=pengaduan.nomor).click()
    expect(
        page.get_by_text("Selesai: Kartu dititipkan ke kantor desa Kalibukbuk.")
    ).to_be_visible()
