"""desa1 proposes a household of three with the keyboard only: Tab, Enter, Space, typing.

No click anywhere: each control is reached by pressing Tab (so it is in the tab order
and its focus is visible), then typed into or activated with Enter/Space. A file is
chosen by the browser's own dialog, which a test cannot drive: the file input is
reached by Tab and its file set on the focused element.
"""

import pytest
from playwright.sync_api import expect

from demo.usulan_demo import demo_pdf

pytestmark = pytest.mark.browser

MAX_TABS = 400


def tab_to(page, locator) -> None:
    """Press Tab until `locator` has the focus, and check that the focus is visible."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            outline = page.evaluate(
                "el => getComputedStyle(el).outlineStyle + ' '"
                " + getComputedStyle(el).boxShadow",
                target,
            )
            assert outline != "none none", f"focus is not visible on {locator}"
            return
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def choose(page, locator, value: str) -> None:
    """Pick an option of a <select> with the arrow keys."""
    tab_to(page, locator)
    page.keyboard.press("Home")
    for _ in range(40):
        if locator.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value!r} not reachable with the arrow keys in {locator}")


def fill_member_by_keyboard(
    page, index: int, *, nik: str, nama: str, shdk: str, kawin: str = "2"
):
    prefix = f"anggota_set-{index}-"
    field = lambda name: page.locator(f"[name='{prefix}{name}']")  # noqa: E731
    type_into(page, field("nik"), nik)
    type_into(page, field("nama"), nama)  # leaving the NIK fills birth date and sex
    type_into(page, field("tempat_lahir"), "SINGARAJA")
    choose(page, field("shdk"), shdk)
    choose(page, field("status_kawin"), kawin)
    choose(page, field("kategori"), "miskin")
    type_into(page, field("kode_faskes"), "09020107")
    expect(field("tanggal_lahir")).not_to_have_value("")


def test_desa1_proposes_a_household_of_three_with_the_keyboard_only(
    demo, page, live_server, tmp_path
):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(demo_pdf("scan"))
    page.on("dialog", lambda dialog: dialog.accept())  # Enter on a confirmation
    page.goto(f"{live_server.url}/accounts/login/")
    type_into(page, page.get_by_label("Nama pengguna"), "desa1")
    type_into(page, page.get_by_label("Sandi"), "demo12345")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The first Tab of a page lands on the skip link.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi halaman")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Usulan", exact=True).first)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Usulan baru"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Usulan baru")).to_be_visible()

    type_into(page, page.get_by_label("Nomor KK"), "5108060403199001")
    type_into(page, page.get_by_label("Alamat"), "BANJAR DINAS KAJA")
    type_into(page, page.locator("[name=rt]"), "2")
    type_into(page, page.locator("[name=rw]"), "1")
    fill_member_by_keyboard(
        page, 0, nik="5108061205809001", nama="I Made Uji Coba", shdk="1"
    )
    fill_member_by_keyboard(
        page, 1, nik="5108064703859002", nama="Ni Luh Uji Coba", shdk="3"
    )
    tab_to(page, page.get_by_role("button", name="Simpan draf"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()

    # The third member: the form shows one empty row more after a save.
    tab_to(page, page.get_by_role("link", name="Ubah data"))
    page.keyboard.press("Enter")
    fill_member_by_keyboard(
        page, 2, nik="5108060507109003", nama="Putu Uji Coba", shdk="4", kawin="1"
    )
    tab_to(page, page.get_by_role("button", name="Simpan draf"))
    page.keyboard.press("Space")
    for name in ["I MADE UJI COBA", "NI LUH UJI COBA", "PUTU UJI COBA"]:
        expect(page.locator("#anggota").get_by_role("cell", name=name)).to_be_visible()

    for label in ["Kartu Keluarga", "Surat Keterangan Tidak Mampu dari Perbekel/Lurah"]:
        chooser = page.get_by_label(f"Berkas {label}")
        tab_to(page, chooser)
        chooser.set_input_files(str(scan))
        expect(chooser).to_be_focused()
        tab_to(page, chooser.locator("xpath=..").get_by_role("button", name="Unggah"))
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"{label} tersimpan.")).to_be_visible()

    expect(page.get_by_text("Semua persyaratan lengkap.")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Ajukan", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("diajukan ke Dinas Sosial")).to_be_visible()
    expect(page.get_by_text("Usulan terkunci")).to_be_visible()
