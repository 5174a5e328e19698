"""Hostile spreadsheets: each built in memory, each with the refusal it must get.

Used by tests/ops/test_hostile_files.py (every file through every reader the
portal has) and by tests/ops/hostile_timings.py (how long each one took).
"""

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
TYPES = "[Content_Types].xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The header every reader recognises: NIK for all four, NAMA for DTKS and usulan.
HEADER = ["NIK", "NAMA", "NO KK", "NOKA"]
ROW = ["5108061203850001", "I MADE CONTOH", "5108060101850001", "0001234567890"]
SECRET = "root:x:0:0"  # a line of /etc/passwd: must never appear anywhere


@dataclass(frozen=True)
class Hostile:
    name: str
    what: str  # how the file attacks, for the report
    build: Callable[[], bytes]
    # The refusal: the Indonesian message contains one of these. None: the file
    # may be read (a harmless outcome), without touching the network.
    message: tuple[str, ...] | None
    # Which readers it applies to: "all", "budgeted" (whole-file readers with a
    # row limit: usulan import, BPJS result) or "stream" (DTKS, reconciliation).
    readers: str = "all"


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.title = "Data"
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def base() -> bytes:
    return workbook([HEADER, ROW])


def rebuild(content: bytes, parts: dict[str, bytes], *, drop: tuple = ()) -> bytes:
    """The workbook with some zip members replaced, added or dropped."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts and info.filename not in drop:
                target.writestr(info.filename, source.read(info))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows_xml: str, *, prolog: str = "", dimension: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{NS}">{dimension}'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def with_sheet(xml: bytes) -> bytes:
    return rebuild(base(), {SHEET: xml})


def with_types(extra: bytes) -> bytes:
    content = base()
    types = zipfile.ZipFile(io.BytesIO(content)).read(TYPES)
    return rebuild(content, {TYPES: types.replace(b"</Types>", extra + b"</Types>")})


# --- The files ----------------------------------------------------------------


def pdf_named_xlsx() -> bytes:
    return b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def csv_named_xlsx() -> bytes:
    return b"NIK;NAMA\n5108061203850001;I MADE CONTOH\n"


def exe_named_xlsx() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run"


def xls_or_password() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def broken_zip() -> bytes:
    return b"PK\x03\x04" + b"\x14\x00" * 200


def truncated_xlsx() -> bytes:
    content = base()
    return content[: len(content) // 2]


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(TYPES, "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def oversize() -> bytes:
    """A real workbook padded past 10 MB (the upload limit of the small readers)."""
    return base() + b"\x00" * (10 * MB + 1)


def bomb_ratio() -> bytes:
    """One part of 200 MB of spaces, packed to ~200 KB (ratio ~1000)."""
    return rebuild(base(), {"xl/styles.xml": b" " * (200 * MB)})


def bomb_sheet() -> bytes:
    """The sheet itself inflates 1000x: a valid header, then 100 MB of padding."""
    xml = sheet_xml(inline_row(1, HEADER) + " " * (100 * MB))
    return rebuild(base(), {SHEET: xml})


def bomb_total() -> bytes:
    """60 MB unpacked at a modest ratio (~35:1, ~1.7 MB packed): only the limit on
    the unpacked total stops it, not the ratio."""
    chunks = [os.urandom(3000).hex() + " " * 150_000 for _ in range(400)]
    parts = {
        f"xl/media/isi{n}.xml": "".join(chunks[n * 20 : n * 20 + 20]).encode()
        for n in range(20)
    }
    return rebuild(base(), parts)


def bomb_many_members() -> bytes:
    """600 tiny parts: each harmless, together a directory bomb."""
    return rebuild(base(), {f"xl/media/m{n}.xml": b"<x/>" for n in range(600)})


def bomb_lying_sizes() -> bytes:
    """The directory declares 2 KB for the sheet; its data inflates to 64 MB."""
    real = sheet_xml(inline_row(1, HEADER) + " " * (64 * MB))
    content = rebuild(base(), {SHEET: real})
    return _patch_declared_size(content, SHEET, 2048)


def _patch_declared_size(content: bytes, name: str, size: int) -> bytes:
    """Rewrite a member's uncompressed size in both its local and central headers."""
    data = bytearray(content)
    encoded = name.encode()
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(name)
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02", 0)
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == encoded:
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def macro_vba_part() -> bytes:
    return rebuild(base(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512})


def macro_renamed() -> bytes:
    """The VBA project under an innocent name, declared only in the content types."""
    content = with_types(
        b'<Override PartName="/xl/data.bin" '
        b'ContentType="application/vnd.ms-office.vbaProject"/>'
    )
    return rebuild(content, {"xl/data.bin": b"\x00" * 256})


def macro_enabled_main() -> bytes:
    """An .xlsm saved as .xlsx: the main part is the macro-enabled type."""
    content = base()
    types = zipfile.ZipFile(io.BytesIO(content)).read(TYPES)
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rebuild(content, {TYPES: types})


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1 or "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def billion_laughs_sheet() -> bytes:
    return with_sheet(
        sheet_xml(inline_row(1, HEADER) + inline_row(2, ["&lol9;"]), prolog=LAUGHS)
    )


def billion_laughs_shared_strings() -> bytes:
    content = workbook([HEADER, ROW])
    # openpyxl writes inline strings; add a shared-strings part that Excel would use.
    xml = (
        f'<?xml version="1.0"?>{LAUGHS}<sst xmlns="{NS}" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    sheet = sheet_xml(
        inline_row(1, HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    )
    types = zipfile.ZipFile(io.BytesIO(content)).read(TYPES)
    rels = zipfile.ZipFile(io.BytesIO(content)).read("xl/_rels/workbook.xml.rels")
    return rebuild(
        content,
        {
            SHARED: xml,
            SHEET: sheet,
            TYPES: types.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                b"</Types>",
            ),
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings" '
                b'Target="sharedStrings.xml"/></Relationships>',
            ),
        },
    )


def quadratic_blowup() -> bytes:
    """One entity of 100 KB used 5,000 times: no nesting, 500 MB once expanded."""
    prolog = f'<!DOCTYPE w [<!ENTITY big "{"x" * 100_000}">]>'
    return with_sheet(
        sheet_xml(
            inline_row(1, HEADER) + inline_row(2, ["&big;" * 5000]), prolog=prolog
        )
    )


def xxe_file() -> bytes:
    prolog = '<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return with_sheet(
        sheet_xml(inline_row(1, HEADER) + inline_row(2, ["&xxe;"]), prolog=prolog)
    )


def xxe_http() -> bytes:
    prolog = '<!DOCTYPE w [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/rahasia">]>'
    return with_sheet(
        sheet_xml(inline_row(1, HEADER) + inline_row(2, ["&xxe;"]), prolog=prolog)
    )


def xxe_parameter_entity() -> bytes:
    prolog = '<!DOCTYPE w [<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/evil.dtd"> %dtd;]>'
    return with_sheet(sheet_xml(inline_row(1, HEADER), prolog=prolog))


def xxe_workbook_part() -> bytes:
    content = base()
    wb_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")
    hostile = wb_xml.replace(
        b"<workbook ",
        b'<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><workbook ',
        1,
    ).replace(b'name="Data"', b'name="&xxe;"')
    return rebuild(content, {"xl/workbook.xml": hostile})


def external_dtd() -> bytes:
    """A DOCTYPE naming an external DTD: it must never be fetched."""
    prolog = '<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/worksheet.dtd">'
    return with_sheet(
        sheet_xml(inline_row(1, HEADER) + inline_row(2, ROW), prolog=prolog)
    )


def formula() -> bytes:
    return workbook([HEADER, ROW, ["=1+1", '=HYPERLINK("http://contoh","klik")']])


def formula_shared_string() -> bytes:
    """A formula typed as text in a cell, not a formula cell: still never evaluated."""
    return workbook([HEADER, ROW, ['=WEBSERVICE("http://127.0.0.1:9/")', "A"]])


def too_many_rows() -> bytes:
    """2,001 data rows: one over the usulan import's limit."""
    return workbook(
        [HEADER]
        + [[f"510806120385{n:04d}", f"NAMA {n}", ROW[2], ROW[3]] for n in range(2001)]
    )


def far_row() -> bytes:
    """The header, then one cell in the sheet's last row (1,048,576): a million gaps."""
    return with_sheet(sheet_xml(inline_row(1, HEADER) + inline_row(1_048_576, ["X"])))


def far_row_no_header() -> bytes:
    """Only one cell, in the last row: the header search must not walk a million rows."""
    return with_sheet(sheet_xml(inline_row(1_048_576, ["NIK"])))


def empty_row_elements() -> bytes:
    """100,000 empty <row/> elements after the header (each padded to 100 cells)."""
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 100_002))
    return with_sheet(sheet_xml(inline_row(1, HEADER) + rows))


def lying_dimension() -> bytes:
    """The sheet claims to span A1:XFD1048576; it holds two rows."""
    return with_sheet(
        sheet_xml(
            inline_row(1, HEADER) + inline_row(2, ROW),
            dimension='<dimension ref="A1:XFD1048576"/>',
        )
    )


def far_column() -> bytes:
    """A cell in the last column (XFD): rows are never widened past 100 columns."""
    return with_sheet(
        sheet_xml(
            inline_row(1, HEADER)
            + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
        )
    )


def deep_nesting() -> bytes:
    """100,000 nested elements inside a cell."""
    depth = 100_000
    xml = (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'
        + inline_row(1, HEADER)
        + '<row r="2"><c r="A2" t="inlineStr"><is>'
        + "<r>" * depth
        + "</r>" * depth
        + "</is></c></row></sheetData></worksheet>"
    ).encode()
    return with_sheet(xml)


def long_string() -> bytes:
    """One 9 MB cell (just under the upload limit once packed)."""
    text = "".join(f"{n:08x}" for n in range(1_100_000))
    return with_sheet(sheet_xml(inline_row(1, HEADER) + inline_row(2, [text])))


def zip_slip_names() -> bytes:
    """Member names that would escape a folder if anything ever extracted them."""
    return rebuild(base(), {"../../../../tmp/kis-zip-slip.txt": b"x", "/etc/kis": b"x"})


def raw_deflate_stored_mismatch() -> bytes:
    """A member whose data is not valid deflate."""
    content = rebuild(base(), {})
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(SHEET)
    data = bytearray(content)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    garbage = zlib.compress(b"x")[::-1]
    data[start : start + len(garbage)] = garbage
    return bytes(data)


HOSTILE: list[Hostile] = [
    Hostile(
        "pdf-bernama-xlsx",
        "a PDF renamed .xlsx",
        pdf_named_xlsx,
        ("bukan XLSX", "maupun XLSX"),
    ),
    Hostile(
        "csv-bernama-xlsx",
        "a CSV renamed .xlsx (read as text where text is allowed)",
        csv_named_xlsx,
        None,
    ),
    Hostile(
        "exe-bernama-xlsx",
        "a Windows program renamed .xlsx",
        exe_named_xlsx,
        ("bukan XLSX", "maupun XLSX"),
    ),
    Hostile(
        "xls-atau-bersandi",
        "OLE: an .xls or a password-protected file",
        xls_or_password,
        ("Excel lama",),
    ),
    Hostile("zip-rusak", "a zip signature and garbage", broken_zip, ("rusak",)),
    Hostile("xlsx-terpotong", "a workbook cut in half", truncated_xlsx, ("rusak",)),
    Hostile(
        "docx", "a Word document (a zip without a workbook)", docx, ("bukan XLSX",)
    ),
    Hostile(
        "deflate-rusak",
        "a member whose compressed data is garbage",
        raw_deflate_stored_mismatch,
        ("rusak",),
    ),
    Hostile("terlalu-besar", "10 MB + 1 byte", oversize, ("melebihi batas",)),
    Hostile("bom-rasio", "200 MB of styles packed 1000:1", bomb_ratio, ("zip bomb",)),
    Hostile("bom-lembar", "a 100 MB sheet packed 1000:1", bomb_sheet, ("zip bomb",)),
    Hostile(
        "bom-total-60-mb", "60 MB unpacked at ratio ~35", bomb_total, ("zip bomb",)
    ),
    Hostile("bom-600-bagian", "600 zip members", bomb_many_members, ("zip bomb",)),
    Hostile(
        "bom-ukuran-palsu",
        "declares 2 KB, inflates to 64 MB",
        bomb_lying_sizes,
        ("rusak",),
    ),
    Hostile("makro-vbaproject", "xl/vbaProject.bin", macro_vba_part, ("makro",)),
    Hostile(
        "makro-berganti-nama",
        "a VBA part under another name",
        macro_renamed,
        ("makro",),
    ),
    Hostile(
        "makro-xlsm", "an .xlsm main part renamed .xlsx", macro_enabled_main, ("makro",)
    ),
    Hostile(
        "billion-laughs-lembar",
        "nested entities in the sheet",
        billion_laughs_sheet,
        ("rusak",),
    ),
    Hostile(
        "billion-laughs-sharedstrings",
        "nested entities in shared strings",
        billion_laughs_shared_strings,
        ("rusak",),
    ),
    Hostile(
        "quadratic-blowup",
        "one 100 KB entity used 5,000 times",
        quadratic_blowup,
        ("rusak",),
    ),
    Hostile("xxe-file", "an external entity naming /etc/passwd", xxe_file, ("rusak",)),
    Hostile(
        "xxe-http", "an external entity naming an http:// URL", xxe_http, ("rusak",)
    ),
    Hostile(
        "xxe-parameter",
        "a parameter entity loading a remote DTD",
        xxe_parameter_entity,
        ("rusak",),
    ),
    Hostile(
        "xxe-workbook",
        "an external entity in the workbook part",
        xxe_workbook_part,
        ("rusak",),
    ),
    Hostile(
        "dtd-eksternal",
        "a DOCTYPE naming a remote DTD (read, never fetched)",
        external_dtd,
        None,
    ),
    Hostile(
        "rumus", "formula cells (HYPERLINK)", formula, ("rumus",), readers="budgeted"
    ),
    Hostile(
        "rumus-teks",
        "a formula typed as text",
        formula_shared_string,
        ("rumus",),
        readers="budgeted",
    ),
    Hostile(
        "baris-berlebih",
        "2,001 data rows",
        too_many_rows,
        ("lebih dari 2.000 baris",),
        readers="budgeted",
    ),
    Hostile("baris-terjauh", "a cell in row 1,048,576", far_row, None),
    Hostile(
        "baris-terjauh-tanpa-judul",
        "only a cell in row 1,048,576",
        far_row_no_header,
        ("judul",),
    ),
    Hostile(
        "100-ribu-baris-kosong",
        "100,000 empty <row/> elements",
        empty_row_elements,
        None,
    ),
    Hostile("dimensi-palsu", "claims A1:XFD1048576", lying_dimension, None),
    Hostile("kolom-terjauh", "a cell in column XFD", far_column, None),
    Hostile("xml-bersarang", "100,000 nested elements", deep_nesting, None),
    Hostile("sel-9-mb", "one 9 MB cell", long_string, None),
    Hostile("zip-slip", "member names with ../ and /etc", zip_slip_names, None),
]
