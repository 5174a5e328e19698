"""Issue 20's points as a village operator meets them on a 360 x 740 phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.usulan_demo import demo_pdf
from distribusi.models import Kartu
from rekap_bpjs.models import Batch
from rekap_bpjs.services import batch_build
from tests.browser.steps import fill_member, next_periode, phone_size
from usulan.models import Anggota, Usulan

pytestmark = pytest.mark.browser


def _new_usulan_form(page, live_server):
    page.goto(f"{live_server.url}/usulan/baru/")
    page.get_by_label("Nomor KK").fill("5108060403199001")
    page.get_by_label("Alamat").fill("BANJAR DINAS KAJA")
    page.locator("[name=rt]").fill("2")
    page.locator("[name=rw]").fill("1")


def test_the_only_error_in_member_2_is_summarised_at_the_top_and_links_to_it(
    demo, sign_in, live_server
):
    """Point 6: the summary is in view and focused; its link lands on the field."""
    page = sign_in("desa1")
    phone_size(page)
    taken = (
        Anggota.objects.filter(
            aktif=True,
            usulan__desa_id=get_user_model()
            .objects.get(username="desa1")
            .profile.desa_id,
        )
        .values_list("nik", flat=True)
        .first()
    )
    assert taken, "the demo has a proposed member in desa1's desa"
    _new_usulan_form(page, live_server)
    fill_member(
        page, 0, nik="5108061205809001", nama="I Made Uji", sex="L", shdk="1", kawin="2"
    )
    page.locator("[name='anggota_set-1-nik']").fill(taken)
    page.locator("[name='anggota_set-1-nama']").fill("Ni Luh Uji")
    page.get_by_role("button", name="Simpan draf").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    link = summary.get_by_role("link", name="Anggota 2 · NIK: NIK ini sudah diusulkan")
    expect(link).to_be_visible()
    link.click()
    nik_2 = page.locator("[name='anggota_set-1-nik']")
    expect(nik_2).to_be_focused()
    expect(nik_2).to_be_in_viewport()
    expect(nik_2).to_have_value(taken)


def _draft_with_two_members(page, live_server):
    _new_usulan_form(page, live_server)
    fill_member(
        page, 0, nik="5108061205809001", nama="I Made Uji", sex="L", shdk="1", kawin="2"
    )
    fill_member(
        page, 1, nik="5108064703859002", nama="Ni Luh Uji", sex="P", shdk="3", kawin="2"
    )
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()


def test_a_refused_replacement_is_told_on_its_row_and_keeps_no_green_badge(
    demo, sign_in, live_server, tmp_path
):
    """Point 1: the refusal is in view where the page lands; the row says Ditolak."""
    scan = tmp_path / "kk.pdf"
    scan.write_bytes(demo_pdf("scan"))
    word = tmp_path / "kk-word.pdf"  # a .docx renamed to .pdf
    word.write_bytes(
        b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml" + b"\x00" * 200
    )
    page = sign_in("desa1")
    phone_size(page)
    _draft_with_two_members(page, live_server)
    row = page.locator("li", has=page.get_by_label("Berkas Kartu Keluarga"))

    row.get_by_label("Berkas Kartu Keluarga").set_input_files(str(scan))
    row.get_by_role("button", name="Unggah").click()
    saved = page.get_by_role("alert").filter(has_text="Kartu Keluarga tersimpan.")
    expect(saved).to_be_in_viewport()
    expect(row.get_by_text("Ada", exact=True)).to_be_visible()

    row.get_by_label("Berkas Kartu Keluarga").set_input_files(str(word))
    row.get_by_role("button", name="Ganti").click()
    refused = page.get_by_role("alert").filter(has_text="Kartu Keluarga:")
    expect(refused).to_be_in_viewport()
    expect(refused).to_contain_text("Berkas baru tidak disimpan")
    expect(row.get_by_text("Ditolak", exact=True)).to_be_visible()
    expect(row.get_by_text("Ada", exact=True)).to_have_count(0)

    page.reload()  # told once: afterwards the row shows what is stored
    expect(page.get_by_role("alert").filter(has_text="Kartu Keluarga:")).to_have_count(
        0
    )
    expect(row.get_by_text("Ada", exact=True)).to_be_visible()


def test_an_empty_faskes_looks_empty_and_is_not_sent_to_bpjs_unnoticed(
    demo, sign_in, live_server
):
    """Point 2: no example inside the box; the lock page names who has no faskes."""
    page = sign_in("desa1")
    phone_size(page)
    page.goto(f"{live_server.url}/usulan/baru/")
    faskes = page.get_by_label("Kode faskes").first
    expect(faskes).to_have_value("")
    assert faskes.get_attribute("placeholder") is None
    expect(page.get_by_text("Contoh: 09020107").first).to_be_visible()

    periode = next_periode()
    ready = Anggota.objects.filter(usulan__status=Usulan.Status.SIAP).first()
    Anggota.objects.filter(pk=ready.pk).update(kode_faskes="", nama_faskes="")
    rekap = get_user_model().objects.get(username="rekap")
    batch_build(periode=periode, by=rekap)
    page = sign_in("rekap")
    phone_size(page)
    page.goto(f"{live_server.url}/rekap/{periode}/kunci/")
    warning = page.locator("#tanpa-faskes")
    expect(warning).to_contain_text("1 orang belum punya kode faskes")
    expect(warning).to_contain_text(ready.nama)
    page.get_by_role("button", name="Ya, kunci").click()  # the tick is required
    expect(
        page.get_by_label("Saya tahu 1 orang dikirim tanpa kode faskes")
    ).to_be_visible()
    assert Batch.objects.get(periode=periode).status == Batch.Status.DRAFT
    page.get_by_label("Saya tahu 1 orang dikirim tanpa kode faskes").check()
    page.get_by_role("button", name="Ya, kunci").click()
    # Locking runs as a background job: its page, then back to the batch.
    expect(page.locator("#job-status")).to_have_text("Selesai")
    expect(page.get_by_text(f"Rekap {periode} dikunci:")).to_be_visible()
    page.get_by_role("link", name=f"Kembali ke rekap {periode}").click()


def test_a_desa_usulan_gives_the_citizen_a_number_a_receipt_and_a_whatsapp_text(
    demo, sign_in, live_server, settings
):
    """Point 3: number, printable receipt and a short text with the status address."""
    settings.KIS_ALAMAT_PORTAL = "https://kis.bulelengkab.go.id"
    page = sign_in("desa1")
    phone_size(page)
    _draft_with_two_members(page, live_server)
    nomor = Usulan.objects.latest("pk").nomor

    block = page.locator("#tanda-terima")
    block.get_by_text("Nomor registrasi untuk warga").click()
    text = block.get_by_label("Teks tanda terima untuk WhatsApp")
    expect(text).to_be_in_viewport()
    expect(text).to_have_value(re.compile(rf"Nomor registrasi: {re.escape(nomor)}"))
    expect(text).to_have_value(
        re.compile(r"https://kis\.bulelengkab\.go\.id/cek-status/")
    )
    expect(block.get_by_role("link", name="Kirim lewat WhatsApp")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/")
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="Tanda terima (PDF)").click()
    pdf = PdfReader(info.value.path())
    flat = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert nomor in flat
    assert "https://kis.bulelengkab.go.id/cek-status/" in flat


FAMILY = [
    ("5108061205809001", "I Made Satu", "L", "1", "2"),
    ("5108064703859002", "Ni Luh Dua", "P", "3", "2"),
    ("5108060101109003", "I Putu Tiga", "L", "4", "1"),
    ("5108064202129004", "Ni Kadek Empat", "P", "4", "1"),
    ("5108060303149005", "I Komang Lima", "L", "4", "1"),
    ("5108064404169006", "Ni Ketut Enam", "P", "4", "1"),
    ("5108060505189007", "I Wayan Tujuh", "L", "4", "1"),
]


def test_member_rows_are_added_and_removed_in_the_page_without_a_reload(
    demo, sign_in, live_server
):
    """Point 4: five people typed in one pass; a removed new row is not saved."""
    page = sign_in("desa1")
    phone_size(page)
    _new_usulan_form(page, live_server)
    page.evaluate("window.sameDocument = true")
    add = page.get_by_role("button", name="Tambah baris anggota")
    for _ in range(4):  # two rows to start with, six in all
        add.click()
    expect(page.locator(".anggota-form:visible")).to_have_count(6)
    expect(page.get_by_role("group", name="Anggota 6")).to_be_visible()
    for index, (nik, nama, sex, shdk, kawin) in enumerate(FAMILY[:6]):
        fill_member(page, index, nik=nik, nama=nama, sex=sex, shdk=shdk, kawin=kawin)
    page.get_by_role("group", name="Anggota 4").get_by_role(
        "button", name="Hapus baris ini"
    ).click()
    expect(page.locator(".anggota-form:visible")).to_have_count(5)
    expect(page.get_by_role("group", name="Anggota 5")).to_contain_text("Anggota 5")
    assert page.evaluate("window.sameDocument") is True  # no page load so far

    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()
    saved = Usulan.objects.latest("pk")
    assert sorted(saved.anggota_set.values_list("nama", flat=True)) == sorted(
        nama.upper() for _, nama, *_ in FAMILY[:6] if nama != "Ni Kadek Empat"
    )


def test_a_session_that_ends_mid_form_loses_none_of_seven_members(
    demo, sign_in, live_server
):
    """Point 5: the session expires while 7 members are typed; after logging in
    again every value is back, with a message, and saving keeps all seven."""
    page = sign_in("desa1")
    phone_size(page)
    _new_usulan_form(page, live_server)
    add = page.get_by_role("button", name="Tambah baris anggota")
    for _ in range(5):
        add.click()
    for index, (nik, nama, sex, shdk, kawin) in enumerate(FAMILY):
        fill_member(page, index, nik=nik, nama=nama, sex=sex, shdk=shdk, kawin=kawin)
    page.locator("[name='anggota_set-6-telepon']").fill("081234567890")

    Session.objects.all().delete()  # 30 idle minutes, or midnight
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    expect(page.get_by_text("Isian yang belum tersimpan masih ada")).to_be_visible()
    page.get_by_label("Nama pengguna").fill("desa1")
    page.get_by_label("Sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_text("Isian yang belum tersimpan dipulihkan")).to_be_visible()
    expect(page.get_by_label("Nomor KK")).to_have_value("5108060403199001")
    expect(page.get_by_label("Alamat")).to_have_value("BANJAR DINAS KAJA")
    for index, (nik, nama, sex, shdk, kawin) in enumerate(FAMILY):
        prefix = f"anggota_set-{index}-"
        expect(page.locator(f"[name='{prefix}nik']")).to_have_value(nik)
        expect(page.locator(f"[name='{prefix}nama']")).to_have_value(nama)
        expect(page.locator(f"[name='{prefix}jenis_kelamin']")).to_have_value(sex)
        expect(page.locator(f"[name='{prefix}shdk']")).to_have_value(shdk)
        expect(page.locator(f"[name='{prefix}status_kawin']")).to_have_value(kawin)
        expect(page.locator(f"[name='{prefix}kode_faskes']")).to_have_value("09020107")
    expect(page.locator("[name='anggota_set-6-telepon']")).to_have_value("081234567890")

    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("tersimpan. Lengkapi dokumen lalu ajukan.")).to_be_visible()
    assert Usulan.objects.latest("pk").anggota_set.count() == 7
    kept = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('kis-draft:'))"
    )
    assert kept == []  # saved: the copy on the device is gone


def _fits(page, locator) -> None:
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, wide


def test_lists_name_the_family_and_keep_status_in_view_at_360_px(
    demo, sign_in, live_server
):
    """Point 7: each row is a card with the head's name and the status on screen."""
    page = sign_in("desa1")
    phone_size(page)
    page.goto(f"{live_server.url}/usulan/")
    first = Usulan.objects.filter(
        desa_id=get_user_model().objects.get(username="desa1").profile.desa_id
    ).order_by("-created_at", "-pk")[0]
    head = first.anggota_set.order_by("shdk", "pk")[0].nama
    row = page.locator("table.table-cards tbody tr").first
    expect(row.locator("td[data-label='Kepala keluarga']")).to_have_text(head)
    _fits(page, row.locator("td[data-label='Kepala keluarga']"))
    _fits(page, row.locator("td[data-label='Status']"))

    page = sign_in("verifikator")
    phone_size(page)
    page.goto(f"{live_server.url}/pengaduan/")
    row = page.locator("table.table-cards tbody tr").first
    expect(row.locator("td[data-label='Status']")).to_be_visible()
    _fits(page, row.locator("td[data-label='Status']"))
    _fits(page, row.locator("td[data-label='Target']"))


def test_confirming_a_card_asks_first_and_photos_may_come_from_the_gallery(
    demo, sign_in, live_server
):
    """Point 12: "Sudah diterima" cannot be undone, so it asks; no forced camera."""
    page = sign_in("desa1")
    phone_size(page)
    page.goto(f"{live_server.url}/distribusi/desa/")
    button = page.get_by_role(
        "button", name=re.compile("^Sudah diterima: kartu ")
    ).first
    nama = button.get_attribute("aria-label").removeprefix("Sudah diterima: kartu ")
    kartu = Kartu.objects.get(anggota__nama=nama, status=Kartu.Status.DISERAHKAN)
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    button.click()
    expect(button).to_be_visible()
    assert "tidak dapat dibatalkan" in asked[0]
    kartu.refresh_from_db()
    assert kartu.status == Kartu.Status.DISERAHKAN

    page.once("dialog", lambda d: answer(d, True))
    button.click()
    expect(
        page.get_by_text(f"Kartu {kartu.anggota.nama} diterima warga.")
    ).to_be_visible()
    kartu.refresh_from_db()
    assert kartu.status == Kartu.Status.DITERIMA_WARGA

    usulan = Usulan.objects.filter(status=Usulan.Status.CEK_LAPANGAN).first()
    if usulan is None:
        return
    page = sign_in("lapangan")
    phone_size(page)
    page.goto(f"{live_server.url}/verifikasi/lapangan/{usulan.pk}/")
    photos = page.locator("input[type=file][name=foto]")
    expect(photos).to_have_attribute("accept", "image/*")
    assert photos.get_attribute("capture") is None


def test_a_file_too_big_is_refused_before_it_is_sent(
    demo, sign_in, live_server, settings, tmp_path
):
    """Point 13: the browser checks size and type first; nothing goes over the wire."""
    settings.KIS_UPLOAD_MAX_MB = 1
    big = tmp_path / "kk-besar.pdf"
    big.write_bytes(demo_pdf("scan") + b"\n%" + b"0" * (3 * 1024 * 1024 // 2))
    page = sign_in("desa1")
    phone_size(page)
    _draft_with_two_members(page, live_server)
    uploads = []
    page.on(
        "request",
        lambda r: uploads.append(r.url) if r.method == "POST" else None,
    )
    row = page.locator("li", has=page.get_by_label("Berkas Kartu Keluarga"))
    row.get_by_label("Berkas Kartu Keluarga").set_input_files(str(big))
    problem = row.get_by_role("alert")
    expect(problem).to_contain_text("kk-besar.pdf terlalu besar (1,5 MB)")
    expect(problem).to_contain_text("paling besar 1 MB")
    expect(problem).to_be_in_viewport()
    expect(row.get_by_label("Berkas Kartu Keluarga")).to_have_value("")
    row.get_by_role("button", name="Unggah").click()  # the emptied input is required
    expect(row.get_by_text("Belum ada", exact=True)).to_be_visible()
    assert uploads == []


def test_home_pages_lead_to_the_main_task_and_the_favicon_is_found(
    demo, sign_in, live_server
):
    """Point 15 (part): a button for the main task in view at 360 px; no 404 icon."""
    page = sign_in("desa1")
    phone_size(page)
    button = page.get_by_role("link", name="Usulan baru")
    expect(button).to_be_in_viewport()
    button.click()
    expect(page.get_by_role("heading", name="Usulan baru")).to_be_visible()

    page = sign_in("loket")
    phone_size(page)
    button = page.get_by_role("link", name="Daftarkan warga")
    expect(button).to_be_in_viewport()
    button.click()
    expect(
        page.get_by_role("heading", name="Pendaftaran warga di loket")
    ).to_be_visible()

    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.ok and icon.url.endswith(".svg")


def test_the_public_complaint_form_shows_every_problem_in_one_send(
    demo, page, live_server
):
    """Point 15 (part): /lapor/ used to show one error per send."""
    phone_size(page)
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_label("Nama lengkap").fill("Ni Made Warga")
    page.get_by_label("Nomor HP/WhatsApp").fill("12345")
    page.get_by_label("Uraian").fill("belum")
    page.get_by_role("button", name="Kirim pengaduan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    for text in (
        "Nomor HP/WhatsApp:",
        "Desa/kelurahan tempat tinggal:",
        "Kategori:",
        "Uraian",
    ):
        expect(summary).to_contain_text(text)
