"""desa1 proposes a household of two in Chromium, uploads its documents, submits."""

import pytest
from playwright.sync_api import expect

from demo.usulan_demo import demo_pdf
from tests.browser.steps import fill_member

pytestmark = pytest.mark.browser


def test_desa1_creates_submits_and_sees_the_usulan_locked(
    demo, sign_in, live_server, tmp_path
):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(demo_pdf("scan"))
    page = sign_in("desa1")
    page.get_by_role("link", name="Usulan", exact=True).first.click()
    page.get_by_role("link", name="Usulan baru").click()

    page.get_by_label("Nomor KK").fill("5108060403199001")
    page.get_by_label("Alamat").fill("BANJAR DINAS KAJA")
    page.locator("[name=rt]").fill("2")
    page.locator("[name=rw]").fill("1")
    fill_member(
        page,
        0,
        nik="5108061205809001",
        nama="I Made Uji Coba",
        sex="L",
        shdk="1",
        kawin="2",
    )
    fill_member(
        page,
        1,
        nik="5108064703859002",
        nama="Ni Luh Uji Coba",
        sex="P",
        shdk="3",
        kawin="2",
    )
    page.get_by_role("button", name="Simpan draf").click()

    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()
    members = page.locator("#anggota")
    expect(members.get_by_role("cell", name="I MADE UJI COBA")).to_be_visible()
    expect(members.get_by_role("cell", name="NI LUH UJI COBA")).to_be_visible()
    expect(page.get_by_text("Dokumen belum diunggah: Kartu Keluarga.")).to_be_visible()

    for label in ["Kartu Keluarga", "Surat Keterangan Tidak Mampu dari Perbekel/Lurah"]:
        page.get_by_label(f"Berkas {label}").set_input_files(str(scan))
        page.get_by_label(f"Berkas {label}").locator("xpath=..").get_by_role(
            "button", name="Unggah"
        ).click()
        expect(page.get_by_text(f"{label} tersimpan.")).to_be_visible()

    expect(page.get_by_text("Semua persyaratan lengkap.")).to_be_visible()
    page.get_by_role("button", name="Ajukan", exact=True).click()
    expect(page.get_by_text("diajukan ke Dinas Sosial")).to_be_visible()
    expect(page.get_by_text("Usulan terkunci")).to_be_visible()
    expect(page.get_by_role("link", name="Ubah data")).to_have_count(0)
    expect(page.get_by_role("button", name="Unggah")).to_have_count(0)
