"""BPJS's result as offices really keep it: what is recovered, what is said (issue 19)."""

import datetime
import io

import pytest
import xlwt
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from kis_portal.offices.selectors import get_active_profile
from rekap_bpjs.imports import ResultFileError, parse_result, preview_result
from rekap_bpjs.services import batch_build, batch_lock
from tests.rekap_bpjs.factories import ready_household

pytestmark = pytest.mark.django_db

TMT = datetime.date(2027, 1, 1)


@pytest.fixture
def members(operator_a, rekap):
    call_command("load_profile", "sop-pbi", verbosity=0)
    first = ready_household(operator_a, minutes=1)
    second = ready_household(operator_a, minutes=2)
    batch_build(periode="2026-11", by=rekap)
    batch = batch_lock(periode="2026-11", by=rekap)
    return batch, first.anggota_set.get(), second.anggota_set.get()


def workbook(header: list, rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "written",
    [
        "1 Januari 2027",
        "01-Jan-2027",
        "01-01-27",
        "20270101",
        "46388",
        "January 1, 2027",
    ],
)
def test_a_tmt_in_any_usual_spelling_is_read_and_flagged(members, written):
    batch, a, _ = members
    content = workbook(
        ["NIK", "NAMA", "NOKA", "STATUS", "TMT"],
        [[a.nik, a.nama, "0002000000001", "BERHASIL", written]],
    )
    preview = preview_result(batch, parse_result(content, "h.xlsx"))
    (row,) = preview.enrolled
    assert row.tmt == TMT
    assert any("dibaca sebagai 01-01-2027" in note for note in row.notes)


def test_an_unreadable_tmt_never_holds_an_enrolled_row_back(members):
    batch, a, _ = members
    content = workbook(
        ["NIK", "NOKA", "STATUS", "TMT"],
        [[a.nik, 2000000001, "BERHASIL", "awal bulan"]],
    )
    preview = preview_result(batch, parse_result(content, "h.xlsx"))
    (row,) = preview.enrolled
    assert row.tmt == datetime.date(2026, 12, 1)  # the batch's default
    assert row.noka == "0002000000001"  # a number cell lost its zeros
    assert 'TMT "awal bulan" tidak terbaca: dipakai 01-12-2026.' in row.notes
    assert any("dilengkapi menjadi 13 angka" in note for note in row.notes)


def test_the_offices_own_header_spellings_come_from_its_profile(members):
    batch, a, _ = members
    content = workbook(
        ["NOMOR PENDUDUK", "HASIL VERIFIKASI", "KARTU BARU"],
        [[a.nik, "BERHASIL", "0002000000001"]],
    )
    with pytest.raises(ResultFileError, match="judul kolom tidak ditemukan"):
        parse_result(content, "h.xlsx")
    profile = get_active_profile()
    profile.header_sinonim_hasil = {
        "nik": ["NOMOR PENDUDUK"],
        "status": ["HASIL VERIFIKASI"],
        "noka": ["KARTU BARU"],
    }
    profile.full_clean()
    profile.save()

    preview = preview_result(batch, parse_result(content, "h.xlsx"))
    assert [r.noka for r in preview.enrolled] == ["0002000000001"]


def test_a_profile_refuses_synonyms_for_a_column_the_import_does_not_read():
    call_command("load_profile", "sop-pbi", verbosity=0)
    profile = get_active_profile()
    profile.header_sinonim_hasil = {"alamat": ["ALAMAT"]}
    with pytest.raises(ValidationError, match="Kunci tidak dikenal: alamat"):
        profile.full_clean()


def test_an_old_excel_answer_with_two_sheets_is_read(members):
    batch, a, b = members
    book = xlwt.Workbook()
    ok = book.add_sheet("BERHASIL")
    for c, text in enumerate(["NIK", "NAMA", "NOKA", "STATUS"]):
        ok.write(0, c, text)
    for c, value in enumerate([a.nik, a.nama, "0002000000001", "BERHASIL"]):
        ok.write(1, c, value)
    failed = book.add_sheet("GAGAL")
    for c, text in enumerate(["NIK", "NAMA", "STATUS", "KETERANGAN"]):
        failed.write(0, c, text)
    for c, value in enumerate([b.nik, b.nama, "GAGAL", "Data ganda"]):
        failed.write(1, c, value)
    buffer = io.BytesIO()
    book.save(buffer)

    preview = preview_result(batch, parse_result(buffer.getvalue(), "hasil.xls"))

    assert preview.sheets == [("BERHASIL", 1), ("GAGAL", 1)]
    assert [r.nik for r in preview.enrolled] == [a.nik]
    assert [(r.nik, r.keterangan) for r in preview.failed] == [(b.nik, "Data ganda")]


def test_the_preview_page_lists_sheets_recovered_rows_and_the_files_name(
    members, login, rekap
):
    batch, a, _ = members
    wb = Workbook()
    ok = wb.active
    ok.title = "BERHASIL"
    ok.append(["NIK", "NAMA", "NOKA", "STATUS"])
    ok.append([a.nik, a.nama, 2000000001, "BERHASIL"])
    ok.append(["5108011205800999", "I WAYAN ASING", 2000000002, "BERHASIL"])
    wb.create_sheet("GAGAL").append(["NIK", "STATUS"])
    wb.create_sheet("CATATAN").append(["Dikirim oleh cabang Singaraja"])
    buffer = io.BytesIO()
    wb.save(buffer)

    page = (
        login(rekap)
        .post(
            f"/rekap/{batch.periode}/hasil/",
            {"berkas": SimpleUploadedFile("hasil.xlsx", buffer.getvalue())},
        )
        .content.decode()
    )

    assert "BERHASIL: 2 baris" in page and "GAGAL: 0 baris" in page
    assert "CATATAN" in page  # passed over, and said so
    assert "Dipulihkan: 1" in page and "dilengkapi menjadi 13 angka" in page
    # An unmatched row shows the name the file gives.
    assert "I WAYAN ASING" in page
