"""verifikator returns an usulan with a reason; desa1 fixes and resubmits; accepted;
the non-DTKS household then goes through the field check and the head of office."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from demo.usulan_demo import demo_pdf
from tests.browser.steps import tick_all
from usulan.models import Usulan

pytestmark = pytest.mark.browser


def test_return_fix_resubmit_accept_field_check_and_approval(
    demo, sign_in, live_server, tmp_path, browser
):
    usulan = (
        Usulan.objects.filter(created_by__username="desa1", status="diajukan")
        .order_by("-pk")  # the newest: its members are not in the demo DTKS
        .first()
    )
    page = sign_in("verifikator")
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    row = page.get_by_role("row").filter(has_text=usulan.nomor)
    row.get_by_role("button", name="Periksa").click()
    expect(
        page.get_by_role("heading", name=f"Periksa usulan {usulan.nomor}")
    ).to_be_visible()

    tick_all(page, except_stamp="sktm")
    page.get_by_label("Alasan Surat Keterangan Tidak Mampu dari Perbekel/Lurah").fill(
        "SKTM belum bermeterai"
    )
    page.get_by_role("button", name="Kembalikan ke desa").click()
    expect(page.get_by_text("Dikembalikan ke desa untuk diperbaiki")).to_be_visible()

    # desa1 sees the reason next to the document, replaces it and resubmits.
    desa = sign_in("desa1")
    desa.goto(f"{live_server.url}{usulan.get_absolute_url()}")
    expect(
        desa.get_by_text("Catatan verifikator: SKTM belum bermeterai")
    ).to_be_visible()
    scan = tmp_path / "sktm.pdf"
    scan.write_bytes(demo_pdf("SKTM bermeterai"))
    label = "Surat Keterangan Tidak Mampu dari Perbekel/Lurah"
    desa.get_by_label(f"Berkas {label}").set_input_files(str(scan))
    desa.get_by_label(f"Berkas {label}").locator("xpath=..").get_by_role(
        "button", name="Ganti"
    ).click()
    expect(desa.get_by_text(f"{label} tersimpan.")).to_be_visible()
    desa.get_by_role("button", name="Ajukan ulang").click()
    expect(desa.get_by_text("diajukan ke Dinas Sosial")).to_be_visible()

    # verifikator accepts the second round: members are not in DTKS, so field check.
    page = sign_in("verifikator")
    page.goto(f"{live_server.url}/verifikasi/{usulan.pk}/")
    tick_all(page)
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_text("Menunggu cek lapangan")).to_be_visible()
    usulan.refresh_from_db()
    assert usulan.status == "cek_lapangan"

    # lapangan records the visit on a phone, with a photo of the house.

    photo = tmp_path / "rumah.jpg"
    Image.new("RGB", (640, 480), (150, 120, 90)).save(photo, format="JPEG")
    phone = sign_in("lapangan")
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.get_by_role("button", name="Buka menu").click()
    phone.get_by_role("link", name="Cek lapangan", exact=True).click()
    phone.locator(f"a[href='/verifikasi/lapangan/{usulan.pk}/']").click()
    phone.get_by_label("Temuan di lapangan").fill(
        "Rumah semi permanen, buruh harian lepas."
    )
    phone.get_by_label("Layak dibantu").check()
    phone.get_by_label("Foto rumah").set_input_files(str(photo))
    phone.get_by_role("button", name="Simpan dan teruskan ke Kepala Dinas").click()
    expect(
        phone.get_by_text(f"Cek lapangan usulan {usulan.nomor} tersimpan")
    ).to_be_visible()
    usulan.refresh_from_db()
    assert usulan.status == "menunggu_acc"

    # kadis approves it with one confirmation.
    page.set_viewport_size({"width": 1200, "height": 900})
    kadis = sign_in("kadis")
    kadis.get_by_role("link", name="Persetujuan", exact=True).click()
    kadis.locator(f"#usulan-{usulan.pk}").check()
    kadis.get_by_role("button", name="Setujui terpilih").click()
    kadis.get_by_role("button", name="Ya, setujui 1 usulan").click()
    expect(kadis.get_by_text("1 usulan disetujui.")).to_be_visible()
    usulan.refresh_from_db()
    assert usulan.status == "siap"
    assert not usulan.anggota_set.filter(siap_sejak__isnull=True).exists()
