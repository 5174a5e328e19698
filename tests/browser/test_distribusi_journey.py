"""distribusi receives a batch's cards, hands 10 to desa1's desa and downloads the
receipt; desa1 confirms that two citizens received theirs."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from distribusi.models import Kartu, SerahTerima
from rekap_bpjs.models import Batch

pytestmark = pytest.mark.browser


def test_distribusi_receives_hands_ten_to_desa1_and_desa1_confirms_two(
    demo, sign_in, live_server
):
    batch = Batch.objects.get(status=Batch.Status.HASIL)
    page = sign_in("distribusi")
    page.get_by_role("link", name="Terima kartu", exact=True).click()
    page.get_by_role("button", name="Terima semua").click()
    expect(
        page.get_by_text(f"kartu rekap {batch.periode} dicatat diterima")
    ).to_be_visible()
    pending = Kartu.objects.filter(desa__nama="Kalibukbuk", status="dinsos").count()
    assert pending > 10

    page.get_by_role("link", name="Serah terima", exact=True).click()
    page.get_by_role("link", name="Serahkan ke desa").click()
    page.get_by_role("link", name="Pilih Kalibukbuk").click()
    boxes = page.locator("input[name='kartu']")
    expect(boxes).to_have_count(pending)  # waits for the desa's page to load
    expect(boxes.first).to_be_checked()  # every ready card is chosen by default
    for index in range(10, pending):
        boxes.nth(index).uncheck()
    expect(page.locator("#jumlah-dipilih")).to_have_text("10")
    chosen = [boxes.nth(i).get_attribute("value") for i in range(10)]
    page.get_by_label("Nama penerima").fill("Kadek Wiranata")
    page.get_by_label("Jabatan").fill("Kasi Kesejahteraan")
    page.get_by_role("button", name="Serahkan 10 kartu").click()
    expect(page.get_by_text("10 kartu diserahkan ke Kalibukbuk: ")).to_be_visible()
    serah = SerahTerima.objects.get(kanal="desa", jumlah=10)
    expect(
        page.get_by_text(f"10 kartu diserahkan ke Kalibukbuk: {serah.nomor}")
    ).to_be_visible()
    expect(page.get_by_text("Belum ditandatangani")).to_be_visible()

    href = page.get_by_role("link", name="Cetak tanda terima (PDF)").get_attribute(
        "href"
    )
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
        ).split()
    )
    cards = list(Kartu.objects.filter(pk__in=chosen))
    assert len(cards) == 10 and all(card.noka in text for card in cards)
    assert serah.nomor in text and "10 kartu" in text

    desa = sign_in("desa1")
    desa.on("dialog", lambda dialog: dialog.accept())  # "cannot be undone": yes
    desa.get_by_text("Kartu di desa, belum dikonfirmasi diterima warga").click()
    for card in cards[:2]:
        desa.get_by_role(
            "button", name=f"Sudah diterima: kartu {card.anggota.nama}"
        ).click()
        expect(
            desa.get_by_text(f"Kartu {card.anggota.nama} diterima warga.")
        ).to_be_visible()
    for card in cards[:2]:
        card.refresh_from_db()
        assert card.status == Kartu.Status.DITERIMA_WARGA
    assert Kartu.objects.filter(pk__in=chosen, status="diserahkan").count() == 8
