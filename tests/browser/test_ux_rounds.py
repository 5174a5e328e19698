"""Issue 20, points 8 and 9: a returned usulan comes back fixed or answered, and the
verifier's second round starts where the first one ended (360 x 740 phone)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from demo.usulan_demo import demo_pdf
from tests.browser.steps import phone_size, tick_all
from usulan.models import Usulan

from .test_accessibility import AXE_OPTIONS

pytestmark = pytest.mark.browser

SKTM = "Surat Keterangan Tidak Mampu dari Perbekel/Lurah"


def _return_for_sktm(sign_in, live_server, usulan) -> None:
    page = sign_in("verifikator")
    phone_size(page)
    page.goto(f"{live_server.url}/verifikasi/")
    row = page.get_by_role("row").filter(has_text=usulan.nomor)
    expect(row.get_by_text("diajukan ulang")).to_have_count(0)
    row.get_by_role("button", name="Periksa").click()
    tick_all(page, except_stamp="sktm")
    page.get_by_label(f"Alasan {SKTM}").fill("SKTM belum bermeterai")
    page.get_by_role("button", name="Kembalikan ke desa").click()
    expect(page.get_by_text("Dikembalikan ke desa untuk diperbaiki")).to_be_visible()


def _no_wcag_violation(page) -> None:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]


def _in_view_and_above(page, upper, lower) -> None:
    assert upper.bounding_box()["y"] < lower.bounding_box()["y"]


def test_a_returned_usulan_is_resubmitted_only_when_fixed_and_round_two_builds_on_round_one(
    demo, sign_in, live_server, tmp_path
):
    usulan = (
        Usulan.objects.filter(created_by__username="desa1", status="diajukan")
        .order_by("-pk")
        .first()
    )
    _return_for_sktm(sign_in, live_server, usulan)

    # Point 8: the desa cannot send it back unchanged; told in the card it taps.
    desa = sign_in("desa1")
    phone_size(desa)
    desa.goto(f"{live_server.url}{usulan.get_absolute_url()}")
    card = desa.locator("#ajukan")
    expect(card).to_contain_text("Belum ada yang diperbaiki sejak usulan dikembalikan")
    expect(card.get_by_text("Semua persyaratan lengkap")).to_have_count(0)
    card.get_by_role("button", name="Ajukan ulang").click()
    refused = desa.get_by_role("alert").filter(has_text="belum dapat diajukan")
    expect(refused).to_be_in_viewport()
    expect(refused).to_contain_text("Belum ada yang diperbaiki")
    _no_wcag_violation(desa)
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DIKEMBALIKAN

    # A new scan of the SKTM and an answer: now it goes.
    scan = tmp_path / "sktm.pdf"
    scan.write_bytes(demo_pdf("SKTM bermeterai"))
    desa.get_by_label(f"Berkas {SKTM}").set_input_files(str(scan))
    desa.get_by_label(f"Berkas {SKTM}").locator("xpath=..").get_by_role(
        "button", name="Ganti"
    ).click()
    expect(desa.get_by_text(f"{SKTM} tersimpan.")).to_be_in_viewport()
    expect(card).to_contain_text(f"{SKTM}: diganti")
    sktm_row = desa.locator("li", has=desa.get_by_label(f"Berkas {SKTM}"))
    expect(sktm_row).to_contain_text("Catatan verifikator: SKTM belum bermeterai")
    expect(sktm_row.get_by_text("Sudah diganti sejak dikembalikan.")).to_be_visible()
    _no_wcag_violation(desa)
    card.get_by_label("Tanggapan untuk verifikator").fill(
        "SKTM sudah dibubuhi meterai dan dipindai ulang."
    )
    card.get_by_role("button", name="Ajukan ulang").click()
    expect(desa.get_by_text("diajukan ke Dinas Sosial")).to_be_visible()
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DIAJUKAN

    # Point 9: the queue marks it; the round starts from what was valid.
    page = sign_in("verifikator")
    phone_size(page)
    page.goto(f"{live_server.url}/verifikasi/")
    row = page.get_by_role("row").filter(has_text=usulan.nomor)
    expect(row.get_by_text("diajukan ulang")).to_be_visible()
    row.get_by_role("button", name="Periksa").click()

    previous = page.locator("#putaran-sebelumnya")
    expect(previous).to_contain_text("Putaran 1: Dikembalikan ke desa")
    expect(previous).to_contain_text("SKTM belum bermeterai")
    expect(previous).to_contain_text(f"{SKTM}: diganti")
    expect(previous).to_contain_text("SKTM sudah dibubuhi meterai dan dipindai ulang.")
    _in_view_and_above(page, previous, page.get_by_role("button", name="Terima"))
    _no_wcag_violation(page)

    sktm = page.locator("fieldset", has=page.locator("[name='ada-sktm']"))
    expect(sktm.get_by_text("diganti", exact=True)).to_be_visible()
    expect(sktm.locator("[name='ada-sktm']")).not_to_be_checked()
    expect(page.locator("[name='ada-data']")).to_be_checked()
    expect(page.locator("[name='valid-data']")).to_be_checked()
    others = page.locator(
        "input[type=checkbox][name^='ada-']:not([name='ada-sktm'])"
    ).all()
    assert len(others) >= 2
    for box in others:
        expect(box).to_be_checked()

    # On a phone "Lihat" opens a new tab: the checklist stays where it was.
    link = sktm.get_by_role("link", name="Lihat")
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as tab:
        link.click()
    tab.value.close()
    expect(sktm.locator("[name='ada-sktm']")).to_be_in_viewport()

    # On a desktop the viewer stays beside the checklist while it scrolls.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    link = page.locator("fieldset", has=page.locator("[name='ada-sktm']")).get_by_role(
        "link", name="Lihat"
    )
    expect(link).to_have_attribute("target", "viewer")
    page.get_by_role("button", name="Terima").scroll_into_view_if_needed()
    expect(page.locator("iframe[name=viewer]")).to_be_in_viewport()

    tick_all(page)
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_text(f"Usulan {usulan.nomor}: ")).to_be_visible()
    usulan.refresh_from_db()
    assert usulan.status in {Usulan.Status.CEK_LAPANGAN, Usulan.Status.SIAP}


def test_an_answer_alone_lets_a_returned_usulan_go_back(demo, sign_in, live_server):
    """Point 8: nothing to fix (the verifier was wrong) is answered, not faked."""
    usulan = (
        Usulan.objects.filter(created_by__username="desa1", status="diajukan")
        .order_by("-pk")
        .first()
    )
    _return_for_sktm(sign_in, live_server, usulan)
    desa = sign_in("desa1")
    phone_size(desa)
    desa.goto(f"{live_server.url}{usulan.get_absolute_url()}")
    card = desa.locator("#ajukan")
    card.get_by_label("Tanggapan untuk verifikator").fill(
        "Meterai ada di halaman 2 berkas yang sama."
    )
    card.get_by_role("button", name="Ajukan ulang").click()
    expect(desa.get_by_text("diajukan ke Dinas Sosial")).to_be_visible()

    page = sign_in("verifikator")
    phone_size(page)
    page.goto(f"{live_server.url}/verifikasi/{usulan.pk}/")
    previous = page.locator("#putaran-sebelumnya")
    expect(previous).to_contain_text("Tidak ada data atau dokumen yang diubah.")
    expect(previous).to_contain_text("Meterai ada di halaman 2 berkas yang sama.")
