"""A citizen checks their usulan on the public page with the number from the
receipt and a birth date; desa1 finds the matching message in its inbox."""

import pytest
from playwright.sync_api import expect

from distribusi.models import Kanal, Kartu
from notifikasi.models import Jenis, Pesan

pytestmark = pytest.mark.browser


def demo_card_at_a_desa() -> Kartu:
    """A demo card handed to a desa, whose owner is the first member born that day."""
    for kartu in Kartu.objects.filter(
        status=Kartu.Status.DISERAHKAN, serah_terima__kanal=Kanal.DESA
    ).select_related("anggota__usulan", "desa"):
        anggota = kartu.anggota
        first = (
            anggota.usulan.anggota_set.filter(tanggal_lahir=anggota.tanggal_lahir)
            .order_by("pk")
            .first()
        )
        if first == anggota:
            return kartu
    raise AssertionError("the demo has no card waiting at a desa")


def test_a_citizen_checks_the_status_and_the_desa_has_the_message(
    demo, page, sign_in, live_server
):
    kartu = demo_card_at_a_desa()
    anggota, usulan = kartu.anggota, kartu.anggota.usulan

    response = page.goto(f"{live_server.url}/cek-status/")
    assert "no-store" in response.headers["cache-control"]
    expect(
        page.get_by_role("heading", name="Cek status usulan JKN-KIS")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Keluar")).to_have_count(0)  # no login

    # A wrong birth date first: nothing is revealed.
    page.get_by_label("Nomor registrasi").fill(usulan.nomor)
    page.get_by_label("Tanggal lahir").fill("1901-01-01")
    page.get_by_role("button", name="Cek status").click()
    expect(page.get_by_text("Data tidak ditemukan")).to_be_visible()

    # The number stays filled in; the right birth date shows the stage.
    expect(page.get_by_label("Nomor registrasi")).to_have_value(usulan.nomor)
    page.get_by_label("Tanggal lahir").fill(anggota.tanggal_lahir.isoformat())
    page.get_by_role("button", name="Cek status").click()
    result = page.locator("#hasil-cek")
    expect(result.get_by_role("heading", name="Kartu siap diambil")).to_be_visible()
    expect(result).to_contain_text("Kartu siap diambil di kantor desa/kelurahan")
    expect(result).to_contain_text(f"atas nama {anggota.nama[0]}***")
    body = page.locator("body")
    expect(body).not_to_contain_text(anggota.nama)
    expect(body).not_to_contain_text(anggota.nik)
    expect(body).not_to_contain_text(kartu.desa.nama)

    # The desa operator of that card's desa has the hand-over in its inbox.
    pesan = Pesan.objects.get(
        jenis=Jenis.KARTU_SIAP, serah_terima=kartu.serah_terima, desa=kartu.desa
    )
    operator = kartu.desa.operator_profiles.select_related("user").first().user
    page = sign_in(operator.username)
    page.get_by_role("link", name="Pesan belum dibaca").click()
    message = page.get_by_role("link", name=pesan.judul)
    expect(message).to_be_visible()
    message.click()
    expect(page).to_have_url(f"{live_server.url}/distribusi/desa/")
    page.goto(f"{live_server.url}/notifikasi/?belum=1")
    expect(page.get_by_role("link", name=pesan.judul)).to_have_count(0)
