"""The one reader of incoming files: formats, encodings, delimiters, headers, row errors."""

import datetime
import io

import pytest
import xlwt
from openpyxl import Workbook

from kis_portal.incoming import (
    Column,
    Columns,
    Format,
    IncomingError,
    Inexact,
    open_table,
    read_table,
    read_tables,
    sniff,
    text_value,
)

NIK = "5108061203850001"
KK = "5108060101850001"
COLUMNS = Columns(
    Column("nik", ("NIK", "nomor_nik", "No KTP"), required=True),
    Column("nama", ("NAMA", "nama lengkap"), required=True),
    Column("kode_desa", ("KODE DESA", "desa"), label="KODE DESA"),
    Column("no_kk", ("NO KK", "nomor kartu keluarga")),
    hint="Gunakan berkas dari SIKS-NG.",
)


def text(lines: list[str], *, encoding: str = "utf-8", end: str = "\r\n") -> bytes:
    return (end.join(lines) + end).encode(encoding)


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read(content: bytes, **kwargs):
    return read_table(content, columns=COLUMNS, max_rows=100, **kwargs)


def values(table) -> list[list]:
    return [values for _, values, _ in table.rows]


# --- What a file is -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"PK\x03\x04rest", Format.XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", Format.XLS),
        (b"\xff\xfeN\x00I\x00K\x00", Format.UTF16),
        (b"NIK;NAMA\n", Format.TEXT),
        (b"%PDF-1.7", Format.BINARY),
        (b"MZ\x90\x00\x03\x00", Format.BINARY),
        (b"  \r\n\n", Format.EMPTY),
    ],
)
def test_the_content_tells_what_a_file_is(head, expected):
    assert sniff(head) is expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Berkas kosong"),
        (b"%PDF-1.7\n%%EOF", "bukan XLSX maupun teks"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel lama (.xls)"),
        (b"PK\x03\x04 a truncated workbook", "rusak"),
        (b"a;b\n1;2\n", "Baris judul kolom tidak ditemukan di 20 baris pertama"),
    ],
    ids=["empty", "pdf", "xls", "broken-xlsx", "no-header"],
)
def test_a_file_that_cannot_be_read_is_refused_in_indonesian(content, message):
    with pytest.raises(IncomingError) as caught:
        read(content)
    assert message in caught.value.message


def test_text_is_refused_where_only_xlsx_is_accepted():
    with pytest.raises(IncomingError, match="Berkas bukan XLSX"):
        read(text(["NIK,NAMA", f"{NIK},I MADE"]), text=False)


def test_size_and_row_limits_hold_for_text_too():
    lines = ["NIK,NAMA"] + [f"{NIK},I MADE"] * 101
    with pytest.raises(IncomingError, match="lebih dari 100 baris"):
        read(text(lines))
    with pytest.raises(IncomingError, match="Ukuran berkas melebihi batas 1 MB"):
        read(text(["NIK,NAMA", "x" * 2_000_000]), max_bytes=1024 * 1024)


# --- Encodings and delimiters --------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_encodings_are_detected(encoding, bom):
    content = bom + text(["NIK;NAMA", f"{NIK};I MADE RÉSA"], encoding=encoding)

    table = read(content)

    assert table.header == ["NIK", "NAMA"]
    assert values(table) == [[NIK, "I MADE RÉSA"]]


def test_each_line_is_decoded_by_itself():
    """Extracts are stitched from files saved differently: UTF-8 and 1252 lines."""
    content = (
        b"NIK,NAMA\r\n"
        + f"{NIK},NI LUH ÉKA\r\n".encode()
        + f"{KK},I MADE RÉSA\r\n".encode("cp1252")
    )
    assert [row[1] for row in values(read(content))] == ["NI LUH ÉKA", "I MADE RÉSA"]


def test_excel_unicode_text_utf16_is_read():
    content = text(["NIK\tNAMA", f"{NIK}\tNI WAYAN ĆANTIK"]).decode().encode("utf-16")
    table = read(content)
    assert table.format is Format.UTF16
    assert values(table) == [[NIK, "NI WAYAN ĆANTIK"]]


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_the_delimiter_is_the_one_that_splits_the_header(delimiter):
    # Commas inside values do not fool it: the header decides.
    content = text(
        [
            delimiter.join(["NIK", "NAMA", "ALAMAT"]),
            delimiter.join([NIK, '"I MADE, S.Pd"', "JL. RAYA, NO 1"]),
        ]
    )

    table = read(content)

    assert table.header == ["NIK", "NAMA", "ALAMAT"]
    assert values(table)[0][:2] == [NIK, "I MADE, S.Pd"]


# --- Headers and columns -------------------------------------------------------------


def test_the_header_may_sit_below_title_rows_and_rows_keep_their_file_numbers():
    content = text(
        [
            "DATA DTKS KABUPATEN BULELENG;;",
            "Triwulan III 2026",
            "",
            "No;NIK;Nama",
            f"1;{NIK};I MADE",
            ";;",
            f"2;{KK};I KETUT",
        ]
    )

    table = read(content)

    assert table.header == ["No", "NIK", "Nama"]
    assert [number for number, _, _ in table.rows] == [5, 7]
    sheet = read(workbook([["HASIL VERIFIKASI"], [], ["NIK", "NAMA"], [NIK, "I MADE"]]))
    assert list(sheet.rows) == [(4, [NIK, "I MADE"], {})]


def test_a_header_below_the_twentieth_row_is_not_searched_for():
    lines = [f"catatan {n}" for n in range(20)] + ["NIK,NAMA", f"{NIK},I MADE"]
    with pytest.raises(IncomingError) as caught:
        read(text(lines))
    assert caught.value.message == (
        "Baris judul kolom tidak ditemukan di 20 baris pertama: tidak ada judul yang "
        "dikenali (misalnya NIK, NAMA). Gunakan berkas dari SIKS-NG."
    )
    with pytest.raises(IncomingError) as sheet:
        read(workbook([[f"catatan {n}"] for n in range(20)] + [["NIK", "NAMA"]]))
    assert sheet.value.message == caught.value.message


def test_synonyms_are_matched_loosely_and_the_preferred_spelling_wins():
    # "Desa" (a name) comes first, "Kode_Desa" is the spelling preferred.
    content = text(
        [
            "Nomor_NIK|Nama Lengkap|Desa|Kode_Desa|Nomor Kartu Keluarga (KK)|Catatan",
            f"{NIK}|I MADE|SUKASADA|51.08.04.2009|{KK}|-",
        ]
    )

    table = read(content)

    assert table.columns == {"nik": 0, "nama": 1, "kode_desa": 3, "no_kk": 4}
    assert table.duplicated == ["kode_desa"]
    assert table.unknown == ["Catatan"]
    assert table.label(3) == "Kode_Desa" and table.label(7) == "kolom H"


def test_missing_required_columns_are_named_with_what_was_read():
    with pytest.raises(IncomingError) as caught:
        read(text(["No KTP;Alamat", f"{NIK};JL. RAYA"]))
    assert caught.value.message == (
        "Kolom wajib tidak ditemukan: NAMA. Judul kolom yang terbaca: No KTP, Alamat. "
        "Gunakan berkas dari SIKS-NG."
    )


# --- Values and per-row errors --------------------------------------------------------


def test_text_cells_are_cleaned_as_the_xlsx_reader_cleans_them():
    assert text_value("  I MADE\u00a0 ") == "I MADE"
    assert text_value("'0812345") == "0812345"
    assert text_value(f'="{NIK}"') == NIK
    assert text_value("   ") is None
    content = text(["NIK,NAMA,NO KK", f"'{NIK}, I MADE ,", ",,", f'="{KK}",  ,'])
    assert values(read(content)) == [[NIK, "I MADE", None], [KK, None, None]]


def test_xlsx_row_errors_name_their_cell_and_the_row_is_still_given():
    content = workbook(
        [
            ["NIK", "NAMA", "TANGGAL"],
            # A number too long for a float: written in exponent form, digits lost.
            [5.108061203850002e16, "I MADE", datetime.date(1985, 3, 12)],
            ["'" + NIK, "#N/A", None],  # an Excel error value
            # A 16-digit whole number: Excel keeps 15 digits, so it is inexact too.
            [int(KK), "I KETUT", None],
        ]
    )

    (number, first, first_errors), (_, second, second_errors), third = read(
        content
    ).rows

    assert number == 2 and first[2] == datetime.date(1985, 3, 12)
    assert first[0] == "51080612038500016" and "digit hilang" in first_errors[0]
    assert second[0] == NIK and list(second_errors) == [1]
    assert "galat Excel (#N/A)" in second_errors[1]
    assert third[:2] == (4, [KK, "I KETUT", None])
    assert "digit hilang" in third[2][0]


def test_a_formula_refuses_a_previewed_file_but_is_a_cell_error_when_streamed():
    content = workbook(
        [["NIK", "NAMA"], [NIK, '=CONCAT("I ","MADE")'], [KK, "I KETUT"]]
    )
    with pytest.raises(IncomingError, match="rumus"):
        read(content)

    with open_table(
        io.BytesIO(content), columns=COLUMNS, max_bytes=10**6, max_unpacked_bytes=10**7
    ) as table:
        rows = list(table.rows)

    (_, values, errors), second = rows
    assert values == [NIK, None] and list(errors) == [1] and "rumus" in errors[1]
    assert second == (3, [KK, "I KETUT"], {})


# --- Streaming -----------------------------------------------------------------------


def test_open_table_streams_text_and_reports_how_far_it_has_read():
    lines = ["NIK,NAMA"] + [f"{NIK},  I MADE {n}" for n in range(5000)]
    stream = io.BytesIO(text(lines))

    with open_table(
        stream, columns=COLUMNS, max_bytes=1, max_unpacked_bytes=1, clean=False
    ) as table:
        first = next(iter(table.rows))
        halfway = table.fraction()
        count = 1 + sum(1 for _ in table.rows)
        end = table.fraction()

    # Text is read line by line whatever max_bytes says; cells stay as written.
    assert first == (2, [NIK, "  I MADE 0"], {})
    assert count == 5000 and halfway < 0.5 and end == 1.0
    assert not stream.closed


def test_an_unclosed_quote_that_swallows_the_file_is_refused_while_streaming():
    lines = ["NIK,NAMA", f'{NIK},"I MADE'] + ["x" * 1000] * 200
    with open_table(
        io.BytesIO(text(lines)),
        columns=COLUMNS,
        max_bytes=1,
        max_unpacked_bytes=1,
    ) as table:
        with pytest.raises(IncomingError, match="tanda petik"):
            list(table.rows)


def test_a_file_without_line_breaks_is_refused():
    content = b"NIK,NAMA\n" + f"{NIK},".encode() * 70_000
    with pytest.raises(IncomingError, match="Baris 2 lebih panjang dari 1 MB"):
        with open_table(
            io.BytesIO(content), columns=COLUMNS, max_bytes=1, max_unpacked_bytes=1
        ) as table:
            list(table.rows)


# --- Every sheet, merged cells, old workbooks (issue 19) ----------------------------


def two_sheet_workbook() -> bytes:
    wb = Workbook()
    ok = wb.active
    ok.title = "BERHASIL"
    ok.append(["Hasil pendaftaran"])
    ok.append(["NIK", "NAMA", "KODE DESA"])
    ok.append([NIK, "I MADE", "BERHASIL"])
    ok.append([KK, "NI LUH", None])  # under a value merged over the household
    ok.merge_cells("C3:C4")
    failed = wb.create_sheet("GAGAL")
    failed.append(["NIK", "NAMA"])
    failed.append(["\u2018" + NIK[:-1] + "9", "I KETUT"])  # a curly quote before it
    wb.create_sheet("REKAP").append(["JUMLAH", 3])  # no header: passed over
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_every_sheet_is_read_and_a_merged_value_applies_to_each_row():
    tables = read_tables(two_sheet_workbook(), columns=COLUMNS, max_rows=100)

    assert [(t.sheet, len(list(t.rows))) for t in tables.tables] == [
        ("BERHASIL", 2),
        ("GAGAL", 1),
    ]
    assert [name for name, _ in tables.skipped] == ["REKAP"]
    ok, failed = tables.tables
    assert values(ok) == [
        [NIK, "I MADE", "BERHASIL"],
        [KK, "NI LUH", "BERHASIL"],
    ]
    assert ok.merged == {(4, 2)}
    assert values(failed) == [[NIK[:-1] + "9", "I KETUT"]]


def test_a_merged_value_is_filled_by_the_exact_reader_too():
    wb = Workbook()
    ws = wb.active
    ws.append(["NIK", "NAMA", "KODE DESA"])
    # An exponent sends the sheet to openpyxl, which reads no merges in read-only mode.
    ws.append([NIK, "I MADE", "BERHASIL", 1.5e20])
    ws.append([KK, "NI LUH", None])
    ws.merge_cells("C2:C3")
    buffer = io.BytesIO()
    wb.save(buffer)

    (table,) = read_tables(buffer.getvalue(), columns=COLUMNS, max_rows=10).tables

    assert [v[:3] for v in values(table)] == [
        [NIK, "I MADE", "BERHASIL"],
        [KK, "NI LUH", "BERHASIL"],
    ]
    assert table.merged == {(3, 2)}


def test_the_row_limit_counts_the_rows_of_every_sheet():
    with pytest.raises(IncomingError, match="lebih dari 2 baris"):
        read_tables(two_sheet_workbook(), columns=COLUMNS, max_rows=2)


def xls_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_old_excel_workbook_is_read_with_every_sheet():
    content = xls_bytes(
        {
            "BERHASIL": [["NIK", "NAMA"], [NIK, "I MADE"], [float(KK), "NI LUH"]],
            "GAGAL": [["NIK", "NAMA"], [NIK[:-1] + "9", "I KETUT"]],
        }
    )
    assert sniff(content[:8]) is Format.XLS

    tables = read_tables(content, columns=COLUMNS, max_rows=10)

    assert [t.format for t in tables.tables] == [Format.XLS, Format.XLS]
    ok, failed = tables.tables
    (_, first, _), (_, second, errors) = ok.rows
    assert first == [NIK, "I MADE"]
    # A number cell of 16 digits: Excel 97 kept 15 of them, and says so.
    assert isinstance(second[0], Inexact) and "digit hilang" in errors[0]
    assert values(failed) == [[NIK[:-1] + "9", "I KETUT"]]
    assert values(read(content)) == values(ok)


def test_a_locked_or_broken_old_workbook_is_refused_with_what_to_do():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(IncomingError, match="simpan sebagai"):
        read_tables(content, columns=COLUMNS, max_rows=10)
