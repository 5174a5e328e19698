"""DTKS import of workbooks with several sheets, and of old Excel (.xls) extracts."""

import io

import pytest
import xlwt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from dtks.imports import (
    MSG_NIK_DUPLICATE,
    DtksFileError,
    import_dtks,
    rejected_workbook,
)
from dtks.models import DtksRecord
from kis_portal.jobs.models import Job

from .test_import import HEADER, nik, person

pytestmark = pytest.mark.django_db


def kecamatan_workbook() -> bytes:
    """A summary sheet first, then one sheet per kecamatan under a title row."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Ringkasan"
    summary.append(["Kecamatan", "Jumlah"])
    summary.append(["Kec. A", 3])
    a = wb.create_sheet("Kec. A")
    a.append(["Ekstrak DTKS Kecamatan A"])
    a.append(HEADER)
    for p in [person(1), person(2, nomor_nik="123"), person(3)]:
        a.append([p[name] for name in HEADER])
    b = wb.create_sheet("Kec. B")
    b.append(HEADER)
    # Person 1 again: the first sheet's row wins, this one is a duplicate.
    for p in [person(4), person(1, nama="I WAYAN LAIN"), person(5, desil="Desil 4")]:
        b.append([p[name] for name in HEADER])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xls_workbook() -> bytes:
    book = xlwt.Workbook()
    notes = book.add_sheet("Catatan")
    notes.write(0, 0, "Ekstrak SIKS-NG, lihat lembar berikutnya")
    for title, people in [
        ("Kec. A", [person(1), person(2)]),
        ("Kec. B", [person(3), person(2, nama="NI KADEK GANDA")]),
    ]:
        sheet = book.add_sheet(title)
        for c, name in enumerate(HEADER):
            sheet.write(0, c, name)
        for r, p in enumerate(people, start=1):
            for c, name in enumerate(HEADER):
                sheet.write(r, c, p[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(content: bytes, periode: str = "2026-Q3"):
    return import_dtks(io.BytesIO(content), periode=periode)


def cells(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def test_every_sheet_with_the_dtks_header_is_imported_and_others_passed_over():
    result = load(kecamatan_workbook())

    assert (result.imported, result.rejected, result.warned) == (4, 2, 1)
    assert set(
        DtksRecord.objects.filter(periode__kode="2026-Q3").values_list("nik", flat=True)
    ) == {nik(1), nik(3), nik(4), nik(5)}
    assert DtksRecord.objects.get(nik=nik(1)).nama == "I WAYAN UJI 1"  # first wins
    assert result.sheets_read == [("Kec. A", 3), ("Kec. B", 3)]
    assert [name for name, _ in result.sheets_skipped] == ["Ringkasan"]
    assert result.sheets_message() == (
        "Lembar dibaca: Kec. A (3 baris), Kec. B (3 baris). "
        "Lembar dilewati (tanpa kolom NIK, atau tanpa nama dan desil): Ringkasan."
    )

    report = load_workbook(io.BytesIO(rejected_workbook(result)))
    ditolak, peringatan, lembar = report.worksheets
    assert cells(ditolak) == [
        ["Kec. A baris 4", "***", "NIK harus 16 angka (sekarang 3)."],
        ["Kec. B baris 3", "5108********0001", MSG_NIK_DUPLICATE],
    ]
    assert [row[0] for row in cells(peringatan)] == ["Kec. B baris 4"]
    rows = cells(lembar)
    assert rows[:2] == [["Kec. A", 3, "Dibaca"], ["Kec. B", 3, "Dibaca"]]
    assert rows[2][0] == "Ringkasan" and rows[2][2].startswith("Dilewati:")


def test_a_workbook_whose_sheets_all_lack_the_header_is_refused():
    wb = Workbook()
    wb.active.append(["Kecamatan", "Jumlah"])
    wb.create_sheet("Kosong")
    buffer = io.BytesIO()
    wb.save(buffer)

    with pytest.raises(DtksFileError, match="NIK"):
        load(buffer.getvalue())
    assert not DtksRecord.objects.exists()


def test_an_old_excel_extract_is_read_on_every_sheet():
    result = load(xls_workbook())

    assert (result.imported, result.rejected) == (3, 1)
    assert result.sheets_read == [("Kec. A", 2), ("Kec. B", 2)]
    assert [name for name, _ in result.sheets_skipped] == ["Catatan"]
    (duplicate,) = result.rejected_sample
    assert (duplicate.tempat, duplicate.alasan) == ("Kec. B baris 3", MSG_NIK_DUPLICATE)
    assert DtksRecord.objects.get(nik=nik(2)).nama == "I WAYAN UJI 2"
    assert DtksRecord.objects.get(nik=nik(3)).desil == 3


def test_an_old_excel_extract_over_its_size_limit_is_refused_before_reading(
    monkeypatch,
):
    monkeypatch.setattr("dtks.imports.XLS_MAX_MB", 0)  # any file is over it

    with pytest.raises(DtksFileError, match="melebihi batas"):
        load(xls_workbook())


def test_the_job_message_names_the_sheets_and_the_report_lists_them(login, rekap):
    client = login(rekap)
    client.post(
        "/dtks/",
        {
            "periode": "2026-Q3",
            "berkas": SimpleUploadedFile("dtks.xlsx", kecamatan_workbook()),
        },
    )

    job = Job.objects.get(kind="dtks_import")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "Lembar dibaca: Kec. A (3 baris), Kec. B (3 baris)." in job.message
    assert (
        "Lembar dilewati (tanpa kolom NIK, atau tanpa nama dan desil): Ringkasan."
        in job.message
    )
    report = load_workbook(job.result_file.path)
    assert report.sheetnames[-1] == "Lembar"
    assert cells(report.worksheets[0])[0][0] == "Kec. A baris 4"


def test_the_command_prints_the_sheets_and_rows_by_sheet(tmp_path):
    path = tmp_path / "dtks.xlsx"
    path.write_bytes(kecamatan_workbook())
    out = io.StringIO()

    call_command("import_dtks", str(path), periode="2026-Q3", stdout=out, verbosity=0)

    assert "Lembar dibaca: Kec. A (3 baris), Kec. B (3 baris)." in out.getvalue()
    assert "Kec. A baris 4: ***: NIK harus 16 angka" in out.getvalue()


def test_an_old_excel_extract_is_uploaded_and_imported(login, rekap):
    client = login(rekap)
    client.post(
        "/dtks/",
        {
            "periode": "2026-Q3",
            "berkas": SimpleUploadedFile("dtks.xls", xls_workbook()),
        },
    )

    job = Job.objects.get(kind="dtks_import")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.message.startswith("Periode 2026-Q3: 3 baris diimpor, 1 baris ditolak.")
    assert (
        "Lembar dilewati (tanpa kolom NIK, atau tanpa nama dan desil): Catatan."
        in job.message
    )


def test_an_old_excel_upload_over_its_limit_is_refused_on_the_form(
    login, rekap, monkeypatch
):
    monkeypatch.setattr("dtks.imports.XLS_MAX_MB", 0)
    client = login(rekap)
    page = client.post(
        "/dtks/",
        {
            "periode": "2026-Q3",
            "berkas": SimpleUploadedFile("dtks.xls", xls_workbook()),
        },
    )

    assert "Berkas Excel lama (.xls) melebihi batas 0 MB" in page.content.decode()
    assert not Job.objects.filter(kind="dtks_import").exists()
