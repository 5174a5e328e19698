"""An urgent patient, on a 360 px phone: the hospital's admission desk submits it,
the verifier decides it from the urgent queue, it leads the month's batch, BPJS
enrols it, and the faskes and the desa of residence see it enrolled."""

import pytest
from playwright.sync_api import expect

from demo.usulan_demo import demo_pdf
from kis_portal.wilayah.models import Desa
from notifikasi.models import Jenis, Pesan
from rekap_bpjs.models import Batch
from tests.browser.steps import bpjs_result, next_periode, phone_size, tick_all
from usulan.models import KasusDarurat, Usulan

pytestmark = pytest.mark.browser

NIK = "5108061708759011"  # Kalibukbuk's kecamatan, born 17-08-1975, male
NAMA = "I Nyoman Darurat Uji"


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_urgent_patient_from_the_admission_desk_to_enrolment(
    demo, sign_in, live_server, page, tmp_path
):
    url = live_server.url
    phone_size(page)
    letter = tmp_path / "surat-rsud.pdf"
    letter.write_bytes(demo_pdf("Surat rawat inap"))
    kalibukbuk = Desa.objects.get(kode="51.08.06.2001")

    # 1. The admission desk, on a phone: the form, the letter, send.
    page = sign_in("faskes")
    phone_size(page)
    page.get_by_role("link", name="Ajukan pasien darurat").click()
    expect(page.get_by_label("NIK pasien")).to_be_visible()  # the form has loaded
    fits_the_phone(page)
    page.get_by_label("NIK pasien").fill(NIK)
    page.get_by_label("Nomor KK").fill("5108060403199021")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill(NAMA)
    page.get_by_label("Tempat lahir").fill("SINGARAJA")
    page.get_by_label("Tanggal lahir").fill("1975-08-17")
    page.get_by_label("Status kawin").select_option("2")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option(str(kalibukbuk.pk))
    page.get_by_label("Alamat (dusun/banjar, jalan)").fill("BANJAR DINAS KAJA")
    page.get_by_label("RT").fill("4")
    page.get_by_label("Alasan masuk perawatan").fill(
        "Serangan jantung, dirawat di ICU; keluarga tanpa jaminan."
    )
    page.get_by_label("Surat keterangan faskes (foto/PDF)").set_input_files(str(letter))
    page.get_by_role("button", name="Kirim ke Dinas Sosial").click()
    expect(page.get_by_text("Pasien darurat terkirim ke Dinas Sosial")).to_be_visible()
    expect(page.locator("#status-kasus")).to_have_text("Diajukan, menunggu verifikasi")
    fits_the_phone(page)
    usulan = Usulan.objects.get(anggota_set__nik=NIK)
    assert usulan.jalur == Usulan.Jalur.DARURAT
    assert usulan.sumber == Usulan.Sumber.FASKES

    # 2. The verifier: the urgent queue on top, hours waiting; decide.
    page = sign_in("verifikator")
    phone_size(page)
    # The home page says an urgent patient waits (the menu is folded on a phone).
    page.get_by_role(
        "link", name="Pasien darurat dari faskes menunggu keputusan"
    ).click()
    urgent = page.locator("#antrean-darurat")
    expect(urgent).to_contain_text(usulan.nomor)
    expect(urgent.locator(f"[data-darurat='{usulan.pk}']")).to_contain_text(
        "0 jam menunggu"
    )
    urgent.locator(f"[data-darurat='{usulan.pk}']").get_by_role(
        "button", name="Periksa"
    ).click()
    tick_all(page)
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_text(f"Usulan {usulan.nomor}: ")).to_be_visible()
    usulan.refresh_from_db()
    # No field check and no head's approval for an urgent patient: ready at once.
    assert usulan.status == Usulan.Status.SIAP

    # 3. Rekap builds the month's batch: the urgent patient comes first.
    periode = next_periode()
    page = sign_in("rekap")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Rekap BPJS").click()
    page.get_by_label("Periode (YYYY-MM)").fill(periode)
    page.get_by_role("button", name="Susun rekap").click()
    # Building runs as a background job: its page, then on to the batch.
    expect(page.locator("#job-status")).to_have_text("Selesai")
    page.get_by_role("link", name=f"Kembali ke rekap {periode}").click()
    expect(page.get_by_role("cell", name=NAMA.upper())).to_be_visible()
    batch = Batch.objects.get(periode=periode)
    first = batch.items.filter(diambil=True).order_by("urutan").first()
    assert first.anggota.usulan_id == usulan.pk
    assert batch.items.filter(diambil=True).count() > 1  # first among others
    page.get_by_role("link", name="Kunci dan kirim").click()
    page.get_by_role("button", name="Ya, kunci").click()
    # Locking runs as a background job too.
    expect(page.locator("#job-status")).to_have_text("Selesai")
    page.get_by_role("link", name=f"Kembali ke rekap {periode}").click()
    page.get_by_role("button", name="Buat berkas BPJS (XLSX + surat)").click()
    expect(page.locator("#job-status")).to_have_text("Selesai")

    # 4. BPJS's result is imported.
    result = tmp_path / "hasil.xlsx"
    bpjs_result(result, batch)
    page.goto(f"{url}/rekap/{periode}/hasil/")
    page.get_by_label("Berkas hasil BPJS").set_input_files(str(result))
    page.get_by_role("button", name="Pratinjau").click()
    page.get_by_role("button", name="Terapkan hasil ini").click()
    expect(page.locator("#job-status")).to_have_text("Selesai")
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.TERDAFTAR
    noka = usulan.anggota_set.get().noka
    kasus = KasusDarurat.objects.get(usulan=usulan)
    assert kasus.diputus_at and kasus.terdaftar_at

    # 5. The faskes sees its patient enrolled, with the card number.
    page = sign_in("faskes")
    phone_size(page)
    page.get_by_role("link", name="Pasien darurat faskes ini").click()
    case = page.locator("#kasus-darurat li", has_text=usulan.nomor)
    expect(case).to_contain_text("Terdaftar di BPJS")
    case.get_by_role("link", name=usulan.nomor).click()
    expect(page.locator("#status-kasus")).to_have_text("Terdaftar di BPJS")
    expect(page.get_by_text(noka)).to_be_visible()
    fits_the_phone(page)

    # 6. The desa of residence was told, and sees the patient enrolled.
    assert Pesan.objects.filter(
        desa=kalibukbuk, jenis=Jenis.DARURAT, usulan_id=usulan.pk
    ).exists()
    page = sign_in("desa1")
    phone_size(page)
    page.goto(f"{url}/notifikasi/")
    expect(page.get_by_text(f"Pasien darurat {usulan.nomor} dari RSUD")).to_be_visible()
    page.goto(f"{url}{usulan.get_absolute_url()}")
    expect(page.get_by_text("Terdaftar di BPJS").first).to_be_visible()
    expect(page.get_by_text(NAMA.upper()).first).to_be_visible()
