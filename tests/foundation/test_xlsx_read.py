"""The one XLSX reader: values come back exact, hostile files are refused fast."""

import datetime
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from openpyxl import Workbook

from kis_portal import xlsx_read
from kis_portal.xlsx_read import Inexact, XlsxError, read_xlsx_rows

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rebuild(content: bytes, *, parts: dict[str, bytes]) -> bytes:
    """The same workbook with some zip members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def read(content: bytes, **kwargs):
    return read_xlsx_rows(content, max_rows=kwargs.pop("max_rows", 100), **kwargs)


def test_identifiers_come_back_as_exact_text_and_dates_as_dates():
    content = workbook_bytes(
        [
            ["Daftar usulan Desa Kalibukbuk"],  # a title row above the header
            [],
            ["NIK", "Tanggal lahir", "RT", "Nama"],
            [5108061234560001, datetime.date(1985, 3, 12), 3.0, "  I MADE  "],
            ["'5108064703850002", "12-03-1985", "003", "Ni\u00a0Luh"],
            [],
            [5108061234560000, None, 2.5, None],
        ]
    )
    # What Excel or a CSV conversion leaves of a NIK typed into a number cell.
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    content = rebuild(
        content,
        parts={
            SHEET: sheet.replace(
                b"<v>5108061234560000</v>", b"<v>5.10806123456E+15</v>"
            )
        },
    )
    header, rows = read(content, header_names=["NIK"])

    assert header == ["NIK", "Tanggal lahir", "RT", "Nama"]
    assert [row.number for row in rows] == [4, 5, 7]
    assert rows[0].values == [
        "5108061234560001",
        datetime.date(1985, 3, 12),
        "3",
        "I MADE",
    ]
    assert rows[1].values == ["5108064703850002", "12-03-1985", "003", "Ni Luh"]
    # A 16-digit number stored as a float may have lost digits: the digits come
    # marked inexact, with an error for readers that do not look for the mark.
    assert rows[2].values[0] == "5108061234560000"
    assert isinstance(rows[2].values[0], Inexact)
    assert rows[2].values[0].surviving == "510806123456000"
    assert "digit hilang" in rows[2].errors[0]
    assert rows[2].values[2] == "2.5"


def test_the_header_must_be_in_the_top_rows_when_names_are_given():
    content = workbook_bytes([["Judul"], ["Nama", "Alamat"], ["A", "B"]])
    with pytest.raises(XlsxError, match="misalnya NIK"):
        read(content, header_names=["NIK"])
    assert read(content)[0] == ["Judul"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "Berkas bukan XLSX"),
        (b"NIK;NAMA\n5108061234560001;I MADE\n", "Berkas bukan XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel lama"),
        (b"PK\x03\x04 broken", "rusak"),
    ],
    ids=["pdf", "csv", "xls-or-password", "broken-zip"],
)
def test_files_that_are_not_xlsx_are_named_as_such(content, message):
    with pytest.raises(XlsxError, match=message):
        read(content)


def test_a_zip_that_is_not_a_workbook_is_not_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(XlsxError, match="Berkas bukan XLSX"):
        read(out.getvalue())


def test_oversize_files_are_refused_before_reading_them():
    content = workbook_bytes([["NIK"], ["1"]])
    with pytest.raises(XlsxError, match="melebihi batas 1 MB"):
        read(content + b"\0" * MB, max_bytes=MB)


def test_macros_are_refused_by_content_not_by_name():
    content = workbook_bytes([["NIK"], ["1"]])
    with_vba = rebuild(content, parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    with pytest.raises(XlsxError, match="makro"):
        read(with_vba)

    types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml")
    renamed = rebuild(
        content,
        parts={
            "[Content_Types].xml": types.replace(
                b"</Types>",
                b'<Override PartName="/xl/code.dat" ContentType="application/'
                b'vnd.ms-office.vbaProject"/></Types>',
            ),
            "xl/code.dat": b"\0" * 64,
        },
    )
    with pytest.raises(XlsxError, match="makro"):
        read(renamed)


def test_a_highly_compressed_part_is_refused_as_a_zip_bomb_without_inflating_it():
    content = workbook_bytes([["NIK"], ["1"]])
    bomb = rebuild(content, parts={"xl/styles.xml": b" " * (20 * MB)})
    with pytest.raises(XlsxError, match="zip bomb"):
        read(bomb)


def test_the_unpacked_total_has_a_limit_too():
    rows = [["NIK", "NAMA"]] + [[str(n), f"NAMA {n}"] for n in range(3000)]
    with pytest.raises(XlsxError, match="zip bomb"):
        read(workbook_bytes(rows), max_unpacked_bytes=64 * 1024, max_rows=5000)


@pytest.mark.parametrize(
    "extra",
    # As it is and with an error cell: a DTD alone keeps a file off the fast
    # reader, so both go to openpyxl, whose defusedxml parser refuses it.
    [b"", b'<row r="2"><c r="A2" t="e"><v>#N/A</v></c></row>'],
    ids=["calamine", "openpyxl"],
)
def test_xml_entity_attacks_are_refused_by_defusedxml(extra):
    assert xlsx_read.xml_functions.iterparse.__module__.startswith("defusedxml")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
        b"</row>" + extra + b"</sheetData></worksheet>"
    )
    content = rebuild(workbook_bytes([["NIK"]]), parts={SHEET: laughs})
    fast = xlsx_read._calamine_reads_exactly(zipfile.ZipFile(io.BytesIO(content)))
    assert fast is False
    with pytest.raises(XlsxError, match="rusak"):
        read(content)


def test_the_reader_refuses_to_load_without_defusedxml(monkeypatch):
    monkeypatch.setattr("openpyxl.xml.DEFUSEDXML", False)
    with pytest.raises(ImproperlyConfigured, match="defusedxml"):
        xlsx_read.assert_defused()


def test_formulas_are_refused_with_their_row_and_column():
    content = workbook_bytes(
        [["NIK", "NAMA", "UMUR"], ["1", "A", 3], ["2", "B", "=1+1"]]
    )
    with pytest.raises(XlsxError, match="baris 3 kolom C"):
        read(content)


def test_reading_stops_at_the_row_limit():
    rows = [["NIK"]] + [[str(n)] for n in range(5000)]
    content = workbook_bytes(rows)
    with pytest.raises(XlsxError, match="lebih dari 2.000 baris"):
        read(content, max_rows=2000)
    header, data = read(content, max_rows=5000)
    assert len(data) == 5000 and data[-1].values == ["4999"]


def test_parsing_stops_when_the_time_budget_is_spent():
    with pytest.raises(XlsxError, match="terlalu rumit"):
        read(workbook_bytes([["NIK"], ["1"]]), time_budget=0)


def test_excel_error_cells_are_reported_per_cell():
    header, rows = read(workbook_bytes([["NIK", "NAMA"], ["#N/A", "A"]]))
    assert rows[0].values == [None, "A"]
    assert rows[0].errors == {0: "Sel berisi galat Excel (#N/A)."}


def test_two_thousand_rows_of_twenty_columns_are_read_in_full():
    rows = [[f"COL{n}" for n in range(20)]] + [
        [f"510806120385{n:04d}", f"NAMA {n}", "Singaraja", "12-03-1985", "L"]
        + [f"nilai {n}"] * 15
        for n in range(2000)
    ]
    header, data = read(workbook_bytes(rows), max_rows=2000)
    assert len(header) == 20 and len(data) == 2000


# --- The fast path (python-calamine) reads what openpyxl reads --------------------


def both_ways(content: bytes, **kwargs):
    """(fast path used?, rows by read_xlsx_rows, rows by openpyxl alone)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    fast = xlsx_read._calamine_reads_exactly(archive)
    options = {
        "deadline": float("inf"),
        "sheet": kwargs.get("sheet"),
        "every_sheet": False,
        "max_rows": 100,
        "max_columns": xlsx_read.MAX_COLUMNS,
        "header_names": kwargs.get("header_names", ()),
    }
    (slow,), _ = xlsx_read._parse(content, **options)
    return fast, read(content, **kwargs), (slow.header, slow.rows)


def as_tuples(result):
    header, rows = result
    return header, [(r.number, r.values, r.errors) for r in rows]


def test_the_fast_reader_gives_exactly_what_openpyxl_gives():
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["B2"] = "Daftar hasil"  # a title, away from A1
    ws.append([])
    ws.append([None, "NIK", "Tanggal", "Jam", "RT", "Nama", "Aktif", "Nilai"])
    ws.append(
        [
            None,
            5108061234560001,  # a 16-digit number cell: inexact, both ways
            datetime.date(1985, 3, 12),
            datetime.datetime(2026, 11, 2, 9, 30),  # noqa: DTZ001 - as Excel holds it
            3.0,
            "  I MADE\u00a0 ",
            True,
            2.5,
        ]
    )
    ws.append([None, "'5108064703850002", "12-03-1985", None, "003", "", False, -7])
    ws.append([None, None, None, None, None, None, None, None, "di luar judul"])
    ws.append([None, 9007199254740991, None, None, 0.1])  # 2**53 - 1: exact
    wb.create_sheet("Lain").append(["x"])
    buffer = io.BytesIO()
    wb.save(buffer)

    fast, result, slow = both_ways(buffer.getvalue(), header_names=["NIK"])

    assert fast
    assert as_tuples(result) == as_tuples(slow)
    header, rows = result
    assert header == ["", "NIK", "Tanggal", "Jam", "RT", "Nama", "Aktif", "Nilai"]
    assert rows[0].values[1:] == [
        "5108061234560001",
        datetime.date(1985, 3, 12),
        datetime.datetime(2026, 11, 2, 9, 30),  # noqa: DTZ001
        "3",
        "I MADE",
        "YA",
        "2.5",
    ]
    assert [r.number for r in rows] == [5, 6, 8]
    assert rows[2].values[1] == "9007199254740991"
    assert rows[2].values[4] == "0.1"


def test_a_named_sheet_is_read_by_the_fast_reader_too():
    wb = Workbook()
    wb.active.append(["Petunjuk"])
    data = wb.create_sheet("Data")
    data.append(["NIK", "NAMA"])
    data.append(["5108061234560001", "A"])
    buffer = io.BytesIO()
    wb.save(buffer)
    fast, result, slow = both_ways(buffer.getvalue(), sheet="Data")
    assert fast and as_tuples(result) == as_tuples(slow)
    assert result[1][0].values == ["5108061234560001", "A"]


def sheet_xml(rows: bytes) -> bytes:
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )


def test_cells_at_opposite_corners_never_reach_the_fast_reader():
    # Calamine would allocate 1,048,576 x 16,384 cells for this 2 KB file and
    # abort the process; openpyxl streams it, skipping the empty rows cheaply,
    # and the far cell lies outside the columns read.
    corners = rebuild(
        workbook_bytes([["NIK"]]),
        parts={
            SHEET: sheet_xml(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
                b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
            )
        },
    )
    assert not xlsx_read._calamine_reads_exactly(zipfile.ZipFile(io.BytesIO(corners)))
    header, rows = read(corners, time_budget=1)
    assert header == ["NIK"]
    assert rows == []


@pytest.mark.parametrize(
    "rows",
    [
        # Cells without a position: calamine would place them itself.
        b'<row r="1"><c t="inlineStr"><is><t>NIK</t></is></c></row>'
        b'<row r="2"><c t="inlineStr"><is><t>5108061234560001</t></is></c></row>',
        # A position that is not the first attribute.
        b'<row r="1"><c t="inlineStr" r="A1"><is><t>NIK</t></is></c></row>'
        b'<row r="2"><c t="inlineStr" r="A2"><is><t>5108061234560001</t></is></c></row>',
        # A cell beyond column AZ: the grid would be as wide.
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>5108061234560001</t></is></c>'
        b'<c r="BZ2"/></row>',
    ],
    ids=["no-position", "position-not-first", "far-column"],
)
def test_files_the_fast_reader_cannot_bound_or_read_exactly_go_to_openpyxl(rows):
    content = rebuild(workbook_bytes([["NIK"]]), parts={SHEET: sheet_xml(rows)})
    assert not xlsx_read._calamine_reads_exactly(zipfile.ZipFile(io.BytesIO(content)))
    header, data = read(content)
    assert header == ["NIK"]
    assert data[0].values == ["5108061234560001"]


def test_a_nik_beyond_two_to_the_53_in_a_number_cell_stays_exact():
    # Papua's NIKs (91-94...) exceed 2**53: a float would round the last digit,
    # so the reading goes back to openpyxl, which keeps the digits.
    rows = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
        b'<row r="2"><c r="A2"><v>9471012304842753</v></c></row>'
    )
    content = rebuild(workbook_bytes([["NIK"]]), parts={SHEET: sheet_xml(rows)})
    assert float(9471012304842753) != 9471012304842753
    header, data = read(content)
    assert data[0].values == ["9471012304842753"]


@pytest.mark.parametrize(
    "sheet",
    [
        # Two positions in one cell tag: calamine keeps the last one.
        sheet_xml(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
            b'<row r="2"><c r="A2" r="XFD1048576"><v>2</v></c></row>'
        ),
        # UTF-16 text, which the scan cannot read.
        (
            '<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="http://'
            'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
            "</sheetData></worksheet>"
        ).encode("utf-16"),
    ],
    ids=["two-positions", "utf-16"],
)
def test_hidden_corner_cells_never_reach_the_fast_reader(sheet):
    content = rebuild(workbook_bytes([["NIK"]]), parts={SHEET: sheet})
    assert not xlsx_read._calamine_reads_exactly(zipfile.ZipFile(io.BytesIO(content)))
    # openpyxl then refuses it or reads it harmlessly: the far cell is outside
    # the columns read, and the empty rows before it are skipped cheaply.
    try:
        header, rows = read(content, time_budget=1)
    except XlsxError:
        return
    assert header == ["NIK"]
    assert rows == []


def test_a_shared_string_count_above_the_strings_goes_to_openpyxl():
    # Calamine reserves the declared count up front: 4e12 strings abort it.
    content = workbook_bytes([["NIK"], ["5108061234560001"]])
    archive = zipfile.ZipFile(io.BytesIO(content))
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="2" uniqueCount="4000000000000"><si><t>NIK</t></si>'
        b"<si><t>5108061234560001</t></si></sst>"
    )
    sheet = sheet_xml(
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    )
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = archive.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    bomb = rebuild(
        content,
        parts={
            SHEET: sheet,
            "xl/sharedStrings.xml": strings,
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
        },
    )
    assert not xlsx_read._calamine_reads_exactly(zipfile.ZipFile(io.BytesIO(bomb)))
    header, data = read(bomb)
    assert header == ["NIK"] and data[0].values == ["5108061234560001"]


def lie_about_size(content: bytes, name: str, size: int) -> bytes:
    """The zip with `name` declared `size` bytes (and that prefix's CRC)."""

    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(name)
    crc = zlib.crc32(archive.read(name)[:size])
    data = bytearray(content)
    local = info.header_offset
    struct.pack_into("<III", data, local + 14, crc, info.compress_size, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == name.encode():
            struct.pack_into("<I", data, central + 16, crc)
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_part_that_holds_more_than_it_declares_is_refused_as_a_zip_bomb():
    # zipfile's read() inflates a part's whole stream before cutting it to the
    # declared size: 20 MB declared as 100 bytes passes the size checks.
    content = rebuild(
        workbook_bytes([["NIK"], ["1"]]), parts={"xl/styles.xml": b" " * (20 * MB)}
    )
    liar = lie_about_size(content, "xl/styles.xml", 100)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("xl/styles.xml").file_size == 100
    with pytest.raises(XlsxError, match="zip bomb"):
        read(liar)
