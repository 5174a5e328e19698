"""rekap builds, previews, locks and downloads a batch, imports BPJS's result;
desa1 then sees its failed member with BPJS's reason."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from rekap_bpjs.models import Batch
from tests.browser.steps import next_periode
from usulan.models import Usulan

pytestmark = pytest.mark.browser


def result_file(path: Path, batch: Batch) -> list[Usulan]:
    items = list(batch.items.filter(diambil=True).select_related("anggota__usulan"))
    households = sorted({i.anggota.usulan for i in items}, key=lambda u: u.pk)
    enrolled, failed = households[0], households[-1]
    wb = Workbook()
    ws = wb.active
    ws.append(["UMPAN BALIK BPJS KESEHATAN"])
    ws.append(["NIK", "NO KARTU", "STATUS", "KETERANGAN", "TMT"])
    for item in items:
        if item.anggota.usulan_id == failed.pk:
            ws.append([item.nik, "", "GAGAL", "Faskes tidak valid", ""])
        else:
            ws.append([item.nik, f"0003{item.nik[-9:]}", "BERHASIL", "", "01-01-2027"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return [enrolled, failed]


def test_rekap_builds_locks_exports_imports_and_desa1_sees_the_failure(
    demo, sign_in, live_server, tmp_path
):
    periode = next_periode()
    page = sign_in("rekap")
    page.get_by_role("link", name="Rekap BPJS").click()
    page.get_by_label("Periode (YYYY-MM)").fill(periode)
    page.get_by_role("button", name="Susun rekap").click()
    # Building runs as a background job: its page, then on to the batch.
    expect(page.locator("#job-status")).to_have_text("Selesai")
    page.get_by_role("link", name=f"Kembali ke rekap {periode}").click()
    expect(page.get_by_role("heading", name=f"Rekap BPJS {periode}")).to_be_visible()
    expect(page.get_by_text("Masuk rekap").first).to_be_visible()

    page.get_by_role("link", name="Kunci dan kirim").click()
    page.get_by_role("button", name="Ya, kunci").click()
    # Locking runs as a background job: its page, then back to the batch.
    expect(page.locator("#job-status")).to_have_text("Selesai")
    expect(page.get_by_text(f"Rekap {periode} dikunci:")).to_be_visible()
    page.get_by_role("link", name=f"Kembali ke rekap {periode}").click()

    page.get_by_role("button", name="Buat berkas BPJS (XLSX + surat)").click()
    expect(page.locator("#job-status")).to_have_text("Selesai")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Unduh rekap-bpjs-{periode}.xlsx").click()
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    nik_cells = [
        row[2] for row in workbook.worksheets[0].iter_rows(min_row=2) if row[2].value
    ]
    assert nik_cells and all(c.data_type == "s" for c in nik_cells)

    batch = Batch.objects.get(periode=periode)
    upload = tmp_path / "hasil.xlsx"
    enrolled, failed = result_file(upload, batch)
    page.goto(f"{live_server.url}/rekap/{periode}/hasil/")
    page.get_by_label("Berkas hasil BPJS").set_input_files(str(upload))
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.get_by_text("Gagal: ")).to_be_visible()
    page.get_by_role("button", name="Terapkan hasil ini").click()
    expect(page.locator("#job-status")).to_have_text("Selesai")
    assert Usulan.objects.get(pk=failed.pk).status == Usulan.Status.GAGAL_BPJS
    assert Usulan.objects.get(pk=enrolled.pk).status == Usulan.Status.TERDAFTAR

    desa = sign_in("desa1")
    desa.goto(f"{live_server.url}{failed.get_absolute_url()}")
    expect(desa.get_by_text("Faskes tidak valid").first).to_be_visible()
