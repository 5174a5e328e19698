"""SIKS-NG's "Pemeringkatan Desil" export (No KK, NIK, desil, period) through the
DTKS importer: header spellings vary, Excel's number cells follow the usual rules."""

import io

import pytest
from openpyxl import Workbook

from dtks.imports import DtksFileError, import_dtks
from dtks.models import DtksRecord

from .test_import import KK, load, nik, person, text_file

pytestmark = pytest.mark.django_db


def ranking_xlsx(header: list[str], rows: list[list], *, title: bool = True) -> bytes:
    """A workbook as SIKS-NG exports the ranking: a title, then the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Pemeringkatan Desil"
    if title:
        ws.append(["PEMERINGKATAN DESIL KELUARGA - KAB. BULELENG"])
        ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def imported() -> dict[str, tuple[str, int | None]]:
    return {
        r.nik: (r.no_kk, r.desil)
        for r in DtksRecord.objects.filter(periode__kode="2026-Q3")
    }


@pytest.mark.parametrize(
    "header",
    [
        ["NO", "NO KK", "NIK", "DESIL", "PERIODE"],
        ["No.", "NOMOR KK", "NIK", "Desil Nasional", "Periode"],
        ["NO", "No KK", "nik", "PERINGKAT DESIL", "PERIODE DESIL"],
    ],
)
def test_the_ranking_is_imported_whatever_its_header_spellings(header):
    rows = [
        [1, KK, nik(1), 3, "2026-Q3"],
        [2, KK, nik(2), "03", "Triwulan III 2026"],
        [3, KK, nik(3), 10, "Agustus 2026"],
        [4, "5108040101200002", nik(4), None, None],  # not ranked
    ]
    result = load(ranking_xlsx(header, rows))
    assert (result.imported, result.rejected, result.warned) == (4, 0, 0)
    assert imported() == {
        nik(1): (KK, 3),
        nik(2): (KK, 3),
        nik(3): (KK, 10),
        nik(4): ("5108040101200002", None),
    }
    assert set(DtksRecord.objects.values_list("nama", flat=True)) == {""}


def test_a_row_of_another_period_is_refused_an_unreadable_one_kept_with_a_warning():
    rows = [
        [KK, nik(1), 3, "2026-Q2"],
        [KK, nik(2), 4, "Juni 2026"],
        [KK, nik(3), 5, "awal tahun"],
        [KK, nik(4), 6, "2026-09"],
    ]
    result = load(ranking_xlsx(["NO KK", "NIK", "DESIL", "PERIODE"], rows))
    assert set(imported()) == {nik(3), nik(4)}
    reasons = {item.baris: item.alasan for item in result.rejected_sample}
    assert reasons == {
        4: "Baris ini periode 2026-Q2, bukan periode 2026-Q3 yang diimpor: impor "
        "periode itu terpisah.",
        5: "Baris ini periode Juni 2026, bukan periode 2026-Q3 yang diimpor: impor "
        "periode itu terpisah.",
    }
    assert [w.alasan for w in result.warned_sample] == [
        'Periode "awal tahun" tidak dikenali: baris diimpor ke periode 2026-Q3.'
    ]


def test_excel_number_cells_follow_the_inexact_nik_rules():
    # An earlier DTKS period knows I WAYAN ANGKA (with his name).
    load(text_file([person(1, nama="I WAYAN ANGKA")]), periode="2026-Q2")
    rows = [
        # 15 digits and a zero, as Excel keeps a number: without a name column
        # the person cannot be told from a neighbour, so the row is held back.
        [int(KK), int(nik(1)[:15] + "0"), 4],
        # Text NIK, KK as a number cell: the KK is not kept as if exact.
        [int(KK), nik(2), 7],
        [KK, "'" + nik(3), "Desil 2"],
    ]
    result = load(ranking_xlsx(["NO KK", "NIK", "DESIL"], rows, title=False))
    assert (result.imported, result.rejected) == (2, 1)
    assert result.rejected_sample[0].alasan.startswith("Digit hilang")
    assert "berkas tanpa kolom nama" in result.rejected_sample[0].alasan
    assert imported() == {nik(2): ("", 7), nik(3): (KK, 2)}
    warned = {w.baris: w.alasan for w in result.warned_sample}
    assert "Kolom ini dikosongkan" in warned[3]  # the number-cell KK
    assert warned[4] == 'Desil "Desil 2" dibaca sebagai 2.'


def test_with_a_name_column_a_number_cell_nik_is_recovered_as_before():
    load(text_file([person(1, nama="I WAYAN ANGKA")]), periode="2026-Q2")
    rows = [[KK, int(nik(1)[:15] + "0"), "I Wayan Angka", 4]]
    result = load(ranking_xlsx(["NO KK", "NIK", "NAMA", "DESIL"], rows))
    assert result.imported == 1
    assert imported() == {nik(1): (KK, 4)}
    assert "dipulihkan" in result.warned_sample[0].alasan


def test_a_file_with_a_nik_but_neither_name_nor_desil_is_refused():
    load(text_file([person(1)]))
    content = ranking_xlsx(["NO KK", "NIK", "ALAMAT"], [[KK, nik(2), "JL. RAYA"]])
    with pytest.raises(DtksFileError, match="Kolom nama atau desil tidak ditemukan"):
        import_dtks(io.BytesIO(content), periode="2026-Q3")
    assert set(imported()) == {nik(1)}  # the period keeps its data


def test_a_ranking_sheet_is_read_beside_a_summary_sheet():
    wb = Workbook()
    wb.active.title = "Rekap"
    wb.active.append(["Desil", "Jumlah KK"])
    wb.active.append([1, 120])
    sheet = wb.create_sheet("Data")
    sheet.append(["NO KK", "NIK", "DESIL"])
    sheet.append([KK, nik(1), 5])
    other = wb.create_sheet("Catatan NIK")
    other.append(["NIK", "Keterangan"])
    other.append([nik(2), "pindah"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = load(buffer.getvalue())
    assert imported() == {nik(1): (KK, 5)}
    assert result.sheets_read == [("Data", 1)]
    assert [name for name, _ in result.sheets_skipped] == ["Rekap", "Catatan NIK"]


def test_a_title_block_naming_the_period_and_the_desa_is_not_taken_for_the_header():
    wb = Workbook()
    ws = wb.active
    ws.append(["PEMERINGKATAN DESIL"])
    ws.append(["Periode", "Triwulan III 2026"])
    ws.append(["Desa", "Kalibukbuk"])
    ws.append(["NO", "NO KK", "NIK", "DESIL"])
    ws.append([1, KK, nik(1), 4])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = load(buffer.getvalue())
    assert (result.imported, result.rejected) == (1, 0)
    assert imported() == {nik(1): (KK, 4)}


def test_a_text_ranking_with_a_period_line_above_its_header():
    content = (
        "Periode;Triwulan III 2026\r\n"
        "NO KK;NIK;PERINGKAT DESIL;PERIODE\r\n"
        f"{KK};{nik(1)};6;2026-Q3\r\n"
    ).encode("cp1252")
    result = load(content)
    assert (result.imported, result.rejected) == (1, 0)
    assert imported() == {nik(1): (KK, 6)}
