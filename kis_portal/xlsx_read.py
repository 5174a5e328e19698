"""Reading uploaded spreadsheets safely: the one way the portal opens an XLSX.

Every check that needs no XML parsing runs first, on the zip's directory only:
size, signature, macros, unpacked size and compression ratio (zip bombs). Only
then does a parser run. Streamed reads stop at a member's declared size, so
the declared sizes bound the work even when a bomb lies about them; full reads
(`ZipFile.read`) would inflate the whole stream first, so `read_xlsx_rows`
first inflates every part in bounded steps and refuses one whose stream goes
on past its declared size.

`read_xlsx_rows` then parses with python-calamine (Rust, about 15x faster than
openpyxl) when a plain-text scan of the inflated parts shows that calamine
reads the file exactly as openpyxl would and within bounded memory: no
formulas, error cells or ISO date cells, no number it would round, every cell
and row with exactly one position, first, no reference past row 99,999
(49,999 beyond column Z), no UTF-16 parts, and no shared-string count larger
than the strings present. Calamine
builds a dense grid from the corner cells and reserves the declared
shared-string count, so a 2 KB file with cells at A1 and XFD1048576 would make
it allocate hundreds of GB and abort the process; the scan sends such a file to
openpyxl instead. Calamine expands no DTD entities (it refuses them). Every
other file is parsed by openpyxl, with defusedxml against entity attacks, in
read-only mode, stopping as soon as the row limit is passed or the time budget
is spent (every read openpyxl makes from the archive checks the budget).
`open_xlsx_stream` (background imports of large files) always streams with
openpyxl: calamine holds the whole sheet in memory.
"""

import datetime
import io
import logging
import math
import re
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import repeat
from operator import is_not
from pathlib import Path
from typing import IO, Any

import openpyxl.xml
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml import functions as xml_functions
from python_calamine import CalamineWorkbook, SheetTypeEnum

from kis_portal.bulk import gc_paused


def assert_defused() -> None:
    """Refuse to start when openpyxl would parse uploads without defusedxml."""
    # openpyxl silently falls back to the standard library parser (entity
    # expansion, "billion laughs") when defusedxml is missing or
    # OPENPYXL_DEFUSEDXML=False.
    if not openpyxl.xml.DEFUSEDXML or not xml_functions.iterparse.__module__.startswith(
        "defusedxml"
    ):
        raise ImproperlyConfigured(
            "defusedxml must be installed (and OPENPYXL_DEFUSEDXML not set to False) "
            "before any XLSX upload is read."
        )


assert_defused()

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_BYTES = 10 * MB
# 2,000 rows of 20 columns unpack to about 2 MB; the time budget, not this limit,
# bounds how long parsing what is allowed through can take.
MAX_UNPACKED_BYTES = 50 * MB
MAX_RATIO = 100
# Small parts (styles, a short sheet) compress far better than 100x and are harmless.
RATIO_FLOOR_BYTES = 1 * MB
MAX_MEMBERS = 500
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 20
# A last resort against sheets that are slow to parse (hostile files are refused
# by the structural checks above before any parsing). Generous enough that a
# legitimate 2,000-row intake on a busy 2-core server is never refused.
TIME_BUDGET_SECONDS = 10.0
# Excel keeps 15 significant digits: a longer number typed into a number cell has
# already lost digits, so a 16-digit NIK stored as a float cannot be trusted.
EXACT_DIGITS = 15

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_MARKERS = (b"vbaproject", b"macroenabled", b"vbadata")

MSG_TOO_BIG = "Ukuran berkas melebihi batas {limit} MB."
MSG_NOT_XLSX = (
    "Berkas bukan XLSX. Buka berkas di Excel lalu simpan sebagai "
    '"Excel Workbook (*.xlsx)", kemudian unggah ulang.'
)
MSG_OLE = (
    "Berkas bukan XLSX: ini berkas Excel lama (.xls) atau berkas yang dikunci sandi. "
    'Buka di Excel, hapus sandinya bila ada, lalu simpan sebagai "Excel Workbook (*.xlsx)".'
)
MSG_MACRO = (
    "Berkas berisi makro (.xlsm) dan ditolak. Simpan sebagai "
    '"Excel Workbook (*.xlsx)" tanpa makro, lalu unggah ulang.'
)
MSG_BOMB = (
    "Berkas terlalu besar setelah dibuka (kemungkinan zip bomb). Berkas ditolak; "
    "gunakan templat dari portal dan hapus lembar atau kolom yang tidak perlu."
)
MSG_CORRUPT = (
    "Berkas XLSX rusak atau tidak dapat dibaca. Buka di Excel, simpan ulang sebagai "
    '"Excel Workbook (*.xlsx)", lalu unggah ulang.'
)
MSG_SLOW = (
    "Berkas terlalu rumit untuk dibaca dalam batas waktu. Salin data ke templat "
    "dari portal (tempel sebagai nilai) lalu unggah ulang."
)
MSG_TOO_MANY_ROWS = (
    "Berkas berisi lebih dari {limit} baris data. Bagi menjadi beberapa berkas "
    "berisi paling banyak {limit} baris."
)
MSG_NO_HEADER = (
    "Baris judul kolom tidak ditemukan: tidak ada judul yang dikenali (misalnya "
    "{columns}) di 20 baris pertama. "
    "Gunakan templat dari portal."
)
MSG_EMPTY = "Berkas tidak berisi data: lembar pertama kosong."
MSG_FORMULA = (
    "Berkas berisi rumus (formula) di {cells}. Salin lalu tempel sebagai nilai "
    "(Paste Special > Values), simpan, dan unggah ulang."
)

MSG_INEXACT = (
    "Angka {digits} tersimpan sebagai angka, bukan teks: Excel hanya menyimpan 15 "
    "digit sehingga digit terakhirnya bisa hilang (digit hilang). Format kolom "
    "sebagai Teks lalu ketik ulang."
)
# Text marks Excel puts (or people type) before digits to keep them text.
TEXT_MARKS = "'\u2018\u2019`"


class Inexact(str):
    """A whole number of 16+ digits read from a number cell: the digits as stored.

    Excel keeps 15 significant digits, so the last ones may have been changed
    (5108060808200011 is stored as 5108060808200010). The cell also carries
    an error (MSG_INEXACT): a reader that does not know this class holds the
    row back; one that does (BPJS's result) matches on the 15 digits that
    survive plus the name, and drops the error.
    """

    __slots__ = ()

    @property
    def surviving(self) -> str:
        """The digits that can be trusted: the first 15."""
        return self[:EXACT_DIGITS]


CellValue = str | datetime.date | datetime.datetime | None


class _OutOfTime(Exception):
    pass


class _BudgetedBytes(io.BytesIO):
    """The archive's bytes; reading past the deadline stops whatever is parsing."""

    def __init__(self, content: bytes, deadline: float) -> None:
        super().__init__(content)
        self.deadline = deadline

    def read(self, size: int | None = -1) -> bytes:
        if time.monotonic() > self.deadline:
            raise _OutOfTime
        return super().read(size)


class XlsxError(Exception):
    """The file as a whole cannot be read; the message is for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class XlsxNoHeader(XlsxError):
    """None of the top rows holds a header the caller named."""


@dataclass
class SheetRow:
    """One non-empty data row: its sheet row number, values, and unreadable cells."""

    number: int
    values: list[CellValue]
    errors: dict[int, str] = field(default_factory=dict)  # column index -> message


def normalise_header(text: object) -> str:
    """'No. KK', 'no_kk', ' NO KK ' -> 'nokk' (for matching headers loosely)."""
    text = re.sub(r"\(.*?\)", "", str(text or ""))
    return re.sub(r"[\W_]+", "", text.casefold())


def read_xlsx_rows(
    source: IO[bytes] | bytes | str | Path,
    *,
    max_rows: int,
    max_bytes: int = MAX_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_columns: int = MAX_COLUMNS,
    sheet: str | None = None,
    header_names: Collection[str] = (),
    time_budget: float = TIME_BUDGET_SECONDS,
) -> tuple[list[str], list[SheetRow]]:
    """The header and the non-empty data rows of one sheet, or XlsxError.

    The sheet is `sheet` when the workbook has it, else the first one. The header
    is the first non-empty row, or with `header_names` the first of the top rows
    with a cell matching one of them loosely (title rows above it are skipped).
    """
    (found,), _ = _read_workbook(
        source,
        max_rows=max_rows,
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_ratio=max_ratio,
        max_columns=max_columns,
        sheet=sheet,
        every_sheet=False,
        header_names=header_names,
        time_budget=time_budget,
    )
    return found.header, found.rows


def read_xlsx_sheets(
    source: IO[bytes] | bytes | str | Path,
    *,
    max_rows: int,
    max_bytes: int = MAX_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_columns: int = MAX_COLUMNS,
    header_names: Collection[str] = (),
    time_budget: float = TIME_BUDGET_SECONDS,
) -> tuple[list["SheetTable"], list[tuple[str, str]]]:
    """Every sheet with a header: (sheets read, (name, why not read) of the others).

    `max_rows` bounds the rows of all sheets together. A sheet without a
    recognised header (a summary, an empty sheet) is listed as not read; when no
    sheet has one, the first sheet's error is raised.
    """
    return _read_workbook(
        source,
        max_rows=max_rows,
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_ratio=max_ratio,
        max_columns=max_columns,
        sheet=None,
        every_sheet=True,
        header_names=header_names,
        time_budget=time_budget,
    )


def read_xls_sheets(
    content: bytes,
    *,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    every_sheet: bool = True,
    sheet: str | None = None,
    header_names: Collection[str] = (),
    time_budget: float = TIME_BUDGET_SECONDS,
) -> tuple[list["SheetTable"], list[tuple[str, str]]]:
    """An Excel 97-2003 workbook (.xls), read by python-calamine, like an XLSX.

    A workbook locked with a password (or any other OLE file) cannot be read:
    MSG_OLE asks for it to be saved as XLSX.
    """
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # untrusted input: locked, broken, or not a workbook
        logger.warning("xls rejected: parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_OLE) from exc
    return _calamine_sheets(
        workbook,
        deadline=time.monotonic() + time_budget,
        sheet=sheet,
        every_sheet=every_sheet,
        max_rows=max_rows,
        max_columns=max_columns,
        header_names=header_names,
    )


@dataclass
class SheetTable:
    """One sheet read: its name, header, data rows, and cells filled from a merge."""

    name: str
    header: list[str]
    rows: list[SheetRow]
    # (row number, column index) of the cells left empty under a value merged
    # over several rows (STATUS merged over a household): they take that value.
    merged: set[tuple[int, int]] = field(default_factory=set)


def _read_workbook(
    source: IO[bytes] | bytes | str | Path,
    *,
    max_rows: int,
    max_bytes: int,
    max_unpacked_bytes: int,
    max_ratio: int,
    max_columns: int,
    sheet: str | None,
    every_sheet: bool,
    header_names: Collection[str],
    time_budget: float,
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    started = time.monotonic()
    content = read_limited(source, max_bytes)
    archive = _open_zip(content)
    with archive:
        _check_members(
            archive, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio
        )
        _check_macros(archive)
        fast = _calamine_reads_exactly(archive)
    deadline = started + time_budget
    options = {
        "deadline": deadline,
        "sheet": sheet,
        "every_sheet": every_sheet,
        "max_rows": max_rows,
        "max_columns": max_columns,
        "header_names": header_names,
    }
    if fast:
        try:
            with gc_paused():
                return _parse_calamine(content, **options)
        except _NeedsOpenpyxl:
            pass  # a value calamine may have rounded: read it exactly below
    # openpyxl warns about parts it drops (data validation extensions, unknown
    # styles): harmless for reading values, and not the uploader's concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _parse(content, **options)


def _parse(
    content: bytes,
    *,
    deadline: float,
    sheet: str | None,
    every_sheet: bool,
    max_rows: int,
    max_columns: int,
    header_names: Collection[str],
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    try:
        workbook = load_workbook(
            _BudgetedBytes(content, deadline),
            read_only=True,
            data_only=False,
            keep_links=False,
            keep_vba=False,
        )
    except _OutOfTime as exc:
        logger.warning("xlsx rejected: time budget spent opening the workbook")
        raise XlsxError(MSG_SLOW) from exc
    except Exception as exc:  # untrusted input: any parser failure is a bad file
        logger.warning("xlsx rejected: parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_CORRUPT) from exc
    try:
        if not workbook.worksheets:
            raise XlsxError(MSG_EMPTY)
        if every_sheet:
            chosen = list(workbook.worksheets)
        else:
            chosen = [
                workbook[sheet]
                if sheet and sheet in workbook.sheetnames
                else workbook.worksheets[0]
            ]

        def read_one(ws, limit: int) -> SheetTable:
            return _read_sheet(
                ws,
                max_rows=limit,
                max_columns=max_columns,
                header_names=header_names,
                deadline=deadline,
            )

        return _each_sheet(
            [(ws.title, partial(read_one, ws)) for ws in chosen],
            max_rows=max_rows,
            every_sheet=every_sheet,
        )
    finally:
        workbook.close()


def _each_sheet(
    readers: list[tuple[str, Callable[[int], SheetTable]]],
    *,
    max_rows: int,
    every_sheet: bool,
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    """Read each sheet within the rows left; a sheet without a header is skipped."""
    found: list[SheetTable] = []
    skipped: list[tuple[str, str]] = []
    first_error: XlsxError | None = None
    left = max_rows
    for name, read_one in readers:
        try:
            table = read_one(left)
        except XlsxError as exc:
            too_many = exc.message.startswith(MSG_TOO_MANY_ROWS.split("{")[0])
            if not every_sheet or too_many or not _sheet_level(exc):
                if too_many:
                    raise XlsxError(
                        MSG_TOO_MANY_ROWS.format(limit=_thousands(max_rows))
                    ) from exc
                raise
            first_error = first_error or exc
            skipped.append((name, exc.message))
            continue
        found.append(table)
        left -= len(table.rows)
    if not found:
        raise first_error or XlsxError(MSG_EMPTY)
    return found, skipped


def _sheet_level(exc: XlsxError) -> bool:
    """An error about one sheet only (no header, empty), not the whole file."""
    return isinstance(exc, XlsxNoHeader) or exc.message == MSG_EMPTY


def _fill_merged(
    numbered: Iterator[tuple[int, list[CellValue], dict[int, str], list[int]]],
    ranges: list[tuple[int, int, int]],
    filled: set[tuple[int, int]],
) -> Iterator[tuple[int, list[CellValue], dict[int, str], list[int]]]:
    """Give each empty cell under a value merged over rows that value.

    `ranges` are (first row, column index, last row) of the merges spanning
    several rows (only the first column of a merge counts); the cells filled
    are added to `filled` as (row number, column index).
    """
    if not ranges:
        yield from numbered
        return
    starts: dict[int, list[tuple[int, int]]] = {}
    for first, column, last in ranges:
        starts.setdefault(first, []).append((column, last))
    active: dict[int, tuple[CellValue, int]] = {}
    for number, values, errors, formulas in numbered:
        for column, (value, last) in list(active.items()):
            if number > last:
                del active[column]
            elif column < len(values) and values[column] is None:
                if column not in errors:
                    values[column] = value
                    filled.add((number, column))
        for column, last in starts.get(number, ()):
            if column < len(values) and values[column] is not None:
                active[column] = (values[column], last)
        yield number, values, errors, formulas


_MERGE_CELL = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7})"')


def _vertical(
    ranges: Iterator[tuple[int, int, int, int]],
) -> list[tuple[int, int, int]]:
    """(first row, column index, last row) of the merges over several rows.

    `ranges` are (first column, first row, last column, last row), 1-based.
    """
    return sorted(
        (first_row, first_column - 1, last_row)
        for first_column, first_row, _last_column, last_row in ranges
        if last_row > first_row
    )


# --- The fast path: python-calamine ------------------------------------------

# Each pattern starts with a literal, so the regex engine skips ahead fast
# (one pass over a 14 MB sheet takes ~20 ms); together they find what calamine
# reads differently from openpyxl or cannot bound:
_NOT_FOR_CALAMINE = [
    # A DTD or entity (Excel never writes one): openpyxl's defusedxml parser
    # refuses it; calamine would read past it without saying so.
    re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE),
    # Formulas (openpyxl names their cells), error cells (calamine returns ""),
    # ISO date cells.
    re.compile(rb"<f[\s>/]"),
    re.compile(rb' t="[ed]"'),
    # Namespace-prefixed sheet elements.
    re.compile(rb":(?:c|row)[\s>/]"),
    # A cell or row without its position as first attribute (calamine places
    # those itself: a row of a million position-less cells would make a grid a
    # million columns wide), or a position past row 99,999 or column AZ.
    # Calamine allocates rows x columns cells (32 bytes each) between the
    # corner cells, however empty: a 2 KB file with cells at A1 and XFD1048576
    # makes it ask for 550 GB and abort the process.
    re.compile(rb'<c(?:[>/\t\n\r]| (?!r="(?:[A-Z]|A[A-Z])[1-9]\d{0,4}"))'),
    re.compile(rb'<row(?:[>/\t\n\r]| (?!r="[1-9]\d{0,4}"))'),
    # A second position in the same tag (calamine keeps the last one).
    re.compile(rb'<c r="[^"]*"[^>]*\sr\s*='),
    re.compile(rb'<row r="[^"]*"[^>]*\sr\s*='),
    # A number in exponent form, or a whole number of 16+ digits with a decimal
    # point: openpyxl reads both as floats (a NIK that lost digits: an error);
    # calamine's floats cannot tell them from exact digits.
    re.compile(rb"<v>(?:[^<]*[Ee]|-?\d{16,}\.)"),
]
# Beyond column Z, rows stop at 49,999: at most 2.6 million cells (~85 MB).
_WIDE = re.compile(rb'<c r="A[A-Z]')
_TALL = [
    re.compile(rb'<c r="[A-Z]{1,2}[5-9]\d{4}"'),
    re.compile(rb'<row r="[5-9]\d{4}"'),
]
# Calamine reserves the declared number of shared strings up front.
_UNIQUE_COUNT = re.compile(rb'uniqueCount="(\d+)"')
# Floats are exact integers up to 2**53; openpyxl reads longer digit strings
# as exact ints, calamine would round them.
_EXACT_FLOAT = 2**53


class _NeedsOpenpyxl(Exception):
    """The file holds a value only openpyxl reads exactly."""


def _calamine_reads_exactly(archive: zipfile.ZipFile) -> bool:
    """True when calamine reads every part as openpyxl would, in bounded memory.

    A plain-text scan of each inflated part (sizes already checked): no XML is
    parsed here. Every part is scanned, whatever its name, since calamine
    follows the workbook's relationships wherever they point. A part whose
    compressed data holds more than its declared size is refused as a bomb.
    """
    for info in archive.infolist():
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return False
        data = _member_bytes(archive, info)
        if b"\x00" in data[:4] or data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False  # UTF-16/32 text: the patterns below would not see it
        if any(pattern.search(data) for pattern in _NOT_FOR_CALAMINE):
            return False
        if _WIDE.search(data) and any(p.search(data) for p in _TALL):
            return False
        declared = _UNIQUE_COUNT.findall(data)
        if declared:
            strings = data.count(b"<si>") + data.count(b"<si ")
            if any(int(n) > strings for n in declared):
                return False
    return True


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, inflated in bounded steps, or XlsxError.

    `ZipFile.read` inflates a part's whole compressed stream before cutting it
    to the declared size, so a part that declares 1 KB while holding a 10 GB
    stream would fill the memory; reading in steps stops at the declared size,
    and a stream that goes on past it is a bomb (calamine and openpyxl's full
    reads would inflate all of it).
    """
    parts = []
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(MB):
                parts.append(chunk)
            decompressor = getattr(handle, "_decompressor", None)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise XlsxError(MSG_CORRUPT) from exc
    if info.compress_type == zipfile.ZIP_DEFLATED and (
        decompressor is None or not decompressor.eof or decompressor.unconsumed_tail
    ):
        logger.warning("xlsx rejected: member stream longer than its declared size")
        raise XlsxError(MSG_BOMB)
    return b"".join(parts)


def _parse_calamine(
    content: bytes,
    *,
    deadline: float,
    sheet: str | None,
    every_sheet: bool,
    max_rows: int,
    max_columns: int,
    header_names: Collection[str],
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # untrusted input: any parser failure is a bad file
        logger.warning("xlsx rejected: parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_CORRUPT) from exc
    return _calamine_sheets(
        workbook,
        deadline=deadline,
        sheet=sheet,
        every_sheet=every_sheet,
        max_rows=max_rows,
        max_columns=max_columns,
        header_names=header_names,
    )


def _calamine_sheets(
    workbook: CalamineWorkbook,
    *,
    deadline: float,
    sheet: str | None,
    every_sheet: bool,
    max_rows: int,
    max_columns: int,
    header_names: Collection[str],
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    with workbook:
        kinds = [meta.typ for meta in workbook.sheets_metadata]
        if any(kind != SheetTypeEnum.WorkSheet for kind in kinds):
            raise _NeedsOpenpyxl  # chart or macro sheets: openpyxl's rules
        if not kinds:
            raise XlsxError(MSG_EMPTY)
        names = workbook.sheet_names
        if every_sheet:
            indices = list(range(len(names)))
        else:
            indices = [names.index(sheet) if sheet and sheet in names else 0]
        grids = []
        for index in indices:
            try:
                found = workbook.get_sheet_by_index(index)
                grid = found.to_python(skip_empty_area=False)
                merges = found.merged_cell_ranges or []
            except Exception as exc:  # untrusted input: a broken sheet part
                logger.warning(
                    "xlsx rejected: sheet parse failed (%s)", type(exc).__name__
                )
                raise XlsxError(MSG_CORRUPT) from exc
            ranges = _vertical(
                (c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in merges
            )
            grids.append((names[index], grid, ranges))
    if time.monotonic() > deadline:
        logger.warning("xlsx rejected: time budget spent reading the sheet")
        raise XlsxError(MSG_SLOW)

    def read_one(name: str, grid: list, ranges: list, limit: int) -> SheetTable:
        filled: set[tuple[int, int]] = set()
        numbered = (
            (number, *_calamine_row(values, max_columns))
            for number, values in enumerate(grid, start=1)
        )
        header, rows = _collect_rows(
            _fill_merged(numbered, ranges, filled),
            max_rows=limit,
            header_names=header_names,
            deadline=deadline,
        )
        return SheetTable(name, header, rows, filled)

    return _each_sheet(
        [(name, partial(read_one, name, grid, ranges)) for name, grid, ranges in grids],
        max_rows=max_rows,
        every_sheet=every_sheet,
    )


def _calamine_row(
    row: list, max_columns: int
) -> tuple[list[CellValue], dict[int, str], list[int]]:
    """(values, errors, formula columns) of one row, as `_cell_value` gives them."""
    values: list[CellValue] = []
    errors: dict[int, str] = {}
    formulas: list[int] = []
    append = values.append
    for index, value in enumerate(row[:max_columns]):
        kind = type(value)
        if kind is str:
            if not value:
                append(None)
                continue
            if value[0] == "=":
                formulas.append(index)
                append(None)
                continue
            text = value.replace("\u00a0", " ").strip()
            if text[:1] in TEXT_MARKS:
                text = text[1:].strip()
            append(text or None)
        elif kind is float:
            if value.is_integer() and abs(value) >= _EXACT_FLOAT:
                raise _NeedsOpenpyxl
            if value.is_integer() and abs(value) >= 10**EXACT_DIGITS:
                # The scan ruled out exponents and decimal points: openpyxl
                # reads these digits as an int, with the same error.
                append(Inexact(int(value)))
                errors[index] = MSG_INEXACT.format(digits=int(value))
                continue
            text, error = _float_text(value)
            append(text)
            if error:
                errors[index] = error
        else:
            text, error = _cell_value(_Value(value))
            append(text)
            if error:
                errors[index] = error
    return values, errors, formulas


class _Value:
    """A calamine value where `_cell_value` expects an openpyxl cell."""

    __slots__ = ("value",)
    data_type = "n"

    def __init__(self, value: object) -> None:
        self.value = value


def read_limited(
    source: IO[bytes] | bytes | str | Path, max_bytes: int = MAX_BYTES
) -> bytes:
    """The file's bytes, refusing anything over `max_bytes` without reading it all."""
    too_big = XlsxError(MSG_TOO_BIG.format(limit=max(1, max_bytes // MB)))
    if isinstance(source, bytes):
        content = source
    elif isinstance(source, str | Path):
        path = Path(source)
        if path.stat().st_size > max_bytes:
            raise too_big
        content = path.read_bytes()
    else:
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise too_big
        if hasattr(source, "seek"):
            source.seek(0)
        content = source.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_big
    return content


def _open_zip(content: bytes) -> zipfile.ZipFile:
    if content.startswith(OLE_MAGIC):
        raise XlsxError(MSG_OLE)
    if not content.startswith(ZIP_MAGIC):
        raise XlsxError(MSG_NOT_XLSX)
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise XlsxError(MSG_CORRUPT) from exc


def _check_members(
    archive: zipfile.ZipFile, *, max_unpacked_bytes: int, max_ratio: int
) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        logger.warning("xlsx rejected: %s zip members", len(members))
        raise XlsxError(MSG_BOMB)
    names = {info.filename.lower() for info in members}
    # A .docx, .ods or .xlsb is a zip too, without the workbook part openpyxl reads.
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise XlsxError(MSG_NOT_XLSX)
    unpacked = packed = 0
    for info in members:
        if any(marker in info.filename.lower().encode() for marker in MACRO_MARKERS):
            raise XlsxError(MSG_MACRO)
        unpacked += info.file_size
        packed += info.compress_size
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.file_size > max_ratio * max(info.compress_size, 1)
        ):
            logger.warning(
                "xlsx rejected: member ratio %s",
                info.file_size // max(info.compress_size, 1),
            )
            raise XlsxError(MSG_BOMB)
    if unpacked > max_unpacked_bytes or (
        unpacked > RATIO_FLOOR_BYTES and unpacked > max_ratio * max(packed, 1)
    ):
        logger.warning("xlsx rejected: unpacked=%s packed=%s", unpacked, packed)
        raise XlsxError(MSG_BOMB)


def _check_macros(archive: zipfile.ZipFile) -> None:
    """Macros by content: the content types name them even when a part is renamed."""
    info = next(
        i for i in archive.infolist() if i.filename.lower() == "[content_types].xml"
    )
    if info.file_size > RATIO_FLOOR_BYTES:
        raise XlsxError(MSG_CORRUPT)
    types = _member_bytes(archive, info).lower()
    if any(marker in types for marker in MACRO_MARKERS):
        raise XlsxError(MSG_MACRO)


def _read_sheet(
    ws,
    *,
    max_rows: int,
    max_columns: int,
    header_names: Collection[str],
    deadline: float,
) -> SheetTable:
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        raise XlsxError(MSG_EMPTY)
    # The declared dimension is the file's claim, not a fact: ignore it.
    ws.reset_dimensions()
    filled: set[tuple[int, int]] = set()
    header, rows = _collect_rows(
        _fill_merged(
            _openpyxl_rows(ws, max_columns, deadline), _openpyxl_merges(ws), filled
        ),
        max_rows=max_rows,
        header_names=header_names,
        deadline=deadline,
    )
    return SheetTable(ws.title, header, rows, filled)


def _openpyxl_merges(ws) -> list[tuple[int, int, int]]:
    """The merges of a read-only sheet (openpyxl reads them only in full mode)."""
    try:
        with ws._get_source() as source:  # the sheet part, its size checked
            data = source.read()
    except Exception as exc:  # untrusted input: a broken sheet part
        logger.warning("xlsx rejected: sheet parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_CORRUPT) from exc
    return _vertical(
        range_boundaries(match.decode()) for match in _MERGE_CELL.findall(data)
    )


def _openpyxl_rows(
    ws, max_columns: int, deadline: float | None = None
) -> Iterator[tuple[int, list[CellValue], dict[int, str], list[int]]]:
    for number, cells in _filled_rows(
        ws.iter_rows(max_col=max_columns), deadline=deadline
    ):
        values: list[CellValue] = []
        errors: dict[int, str] = {}
        formulas: list[int] = []
        for index, cell in enumerate(cells):
            value, error = _cell_value(cell)
            if error == "formula":
                formulas.append(index)
                value, error = None, ""
            values.append(value)
            if error:
                errors[index] = error
        yield number, values, errors, formulas


def _collect_rows(
    numbered: Iterator[tuple[int, list[CellValue], dict[int, str], list[int]]],
    *,
    max_rows: int,
    header_names: Collection[str],
    deadline: float,
) -> tuple[list[str], list[SheetRow]]:
    """The header and the data rows, from (number, values, errors, formula columns)."""
    wanted = {normalise_header(name) for name in header_names}
    no_header = XlsxNoHeader(
        MSG_NO_HEADER.format(columns=", ".join(list(header_names)[:3]))
    )
    header: list[str] | None = None
    rows: list[SheetRow] = []
    formulas: list[str] = []
    try:
        for number, values, errors, formula_columns in numbered:
            if time.monotonic() > deadline:
                raise _OutOfTime
            if header is None and wanted and number > HEADER_SEARCH_ROWS:
                raise no_header
            for index in formula_columns:
                formulas.append(f"{get_column_letter(index + 1)}{number}")
            if all(v is None for v in values) and not errors:
                continue
            if header is None:
                if wanted and wanted.isdisjoint(map(normalise_header, values)):
                    if number >= HEADER_SEARCH_ROWS:
                        raise no_header
                    continue
                header = [_header_text(v) for v in values]
                continue
            rows.append(SheetRow(number=number, values=values, errors=errors))
            if len(rows) > max_rows:
                raise XlsxError(MSG_TOO_MANY_ROWS.format(limit=_thousands(max_rows)))
    except (XlsxError, _NeedsOpenpyxl):
        raise
    except _OutOfTime as exc:
        logger.warning("xlsx rejected: time budget spent reading the sheet")
        raise XlsxError(MSG_SLOW) from exc
    except Exception as exc:  # untrusted input: a broken sheet part
        logger.warning("xlsx rejected: sheet parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_CORRUPT) from exc
    if formulas:
        shown = ", ".join(_formula_place(ref) for ref in formulas[:10])
        more = f" dan {len(formulas) - 10} sel lain" if len(formulas) > 10 else ""
        raise XlsxError(MSG_FORMULA.format(cells=shown + more))
    if header is None:
        if wanted:
            raise no_header
        raise XlsxError(MSG_EMPTY)
    width = _last_filled(header)
    header = header[:width]
    for row in rows:
        row.values = (row.values + [None] * width)[:width]
    # Values only in columns without a header do not make a row.
    rows = [r for r in rows if r.errors or any(v is not None for v in r.values)]
    return header, rows


def _filled_rows(
    rows: Iterator[tuple], *, start: int = 1, deadline: float | None = None
) -> Iterator[tuple[int, tuple]]:
    """(row number, cells) of the rows with at least one cell, cheaply.

    A sheet may name row 1,048,576 alone, or hold a million empty <row/>
    elements: openpyxl then yields a million rows of empty cells, and looking at
    each cell of each took seconds. A row of nothing but openpyxl's empty cell
    is skipped by identity, and openpyxl repeats one tuple for every missing row.
    """
    blank: tuple | None = None
    for number, cells in enumerate(rows, start=start):
        if cells is blank:
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise _OutOfTime
        if not any(map(is_not, cells, repeat(EMPTY_CELL))):
            blank = cells
            continue
        yield number, cells


def _cell_value(cell: Any) -> tuple[CellValue, str]:
    """(value, error) of one cell: identifiers as exact text, dates as dates."""
    data_type = getattr(cell, "data_type", "n")
    value = getattr(cell, "value", None)
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return None, "formula"
    if value is None:
        return None, ""
    if data_type == "e":
        return None, f"Sel berisi galat Excel ({value})."
    if isinstance(value, bool):
        return ("YA" if value else "TIDAK"), ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date(), ""
        return value, ""
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, int):
        if abs(value) >= 10**EXACT_DIGITS:
            return Inexact(value), MSG_INEXACT.format(digits=value)
        return str(value), ""
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, str):
        text = value.replace("\u00a0", " ").strip()
        # Excel's text marker ('0812...) arrives literally from CSV conversions,
        # sometimes curled by a word processor.
        if text[:1] in TEXT_MARKS:
            text = text[1:].strip()
        return (text or None), ""
    return str(value).strip() or None, ""


def _float_text(value: float) -> tuple[CellValue, str]:
    if not math.isfinite(value):
        return None, "Angka tidak valid."
    if value.is_integer():
        if abs(value) >= 10**EXACT_DIGITS:
            digits = int(value)
            return Inexact(digits), MSG_INEXACT.format(digits=digits)
        return str(int(value)), ""
    return format(Decimal(repr(value)), "f"), ""


def _header_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _last_filled(header: list[str]) -> int:
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    return width


def _formula_place(ref: str) -> str:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not match:
        return ref
    return f"baris {match.group(2)} kolom {match.group(1)}"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def cell_label(header: list[str], index: int) -> str:
    """'NIK' for a column with a header, else its letter ('kolom C')."""
    if index < len(header) and header[index]:
        return header[index]
    return f"kolom {get_column_letter(index + 1)}"


# --- Streaming large workbooks (background imports) -------------------------

MSG_FORMULA_CELL = (
    "Sel berisi rumus (formula) sehingga nilainya tidak dibaca. Salin lalu tempel "
    "sebagai nilai (Paste Special > Values)."
)


@dataclass
class SheetStream:
    """The header of one sheet and an iterator over its non-empty data rows."""

    header: list[str]
    rows: Iterator[SheetRow]


@contextmanager
def open_xlsx_stream(
    source: IO[bytes] | str | Path,
    *,
    max_bytes: int,
    max_unpacked_bytes: int,
    max_ratio: int = MAX_RATIO,
    max_columns: int = MAX_COLUMNS,
    sheet: str | None = None,
    header_names: Collection[str] = (),
) -> Iterator[SheetStream]:
    """Stream one sheet of a large workbook (a background import), or XlsxError.

    The same checks as `read_xlsx_rows` run first on the zip's directory, read
    from the seekable file without loading it. There is no row limit and no time
    budget, and a formula is a cell error of its row rather than a whole-file
    error, since the rows are consumed as they come. Rows are padded or cut to
    the header's width. Errors met while iterating raise XlsxError too.
    """
    with _stream_workbook(
        source,
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_ratio=max_ratio,
    ) as workbook:
        yield _stream_sheet(
            workbook,
            sheet=sheet,
            max_columns=max_columns,
            header_names=header_names,
        )


@contextmanager
def open_xlsx_sheets(
    source: IO[bytes] | str | Path,
    *,
    max_bytes: int,
    max_unpacked_bytes: int,
    max_ratio: int = MAX_RATIO,
    max_columns: int = MAX_COLUMNS,
    header_names: Collection[str] = (),
) -> Iterator[tuple[int, Iterator[tuple[str, "SheetStream | XlsxError"]]]]:
    """Stream every sheet of a large workbook, one after the other, or XlsxError.

    Gives (how many worksheets, an iterator of (sheet name, its stream)); a
    sheet without a header or without data comes as its XlsxError instead, to
    be passed over. The whole-file checks of `open_xlsx_stream` run once, first.
    Each sheet's rows are to be consumed before the next sheet is asked for.
    """
    with _stream_workbook(
        source,
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_ratio=max_ratio,
    ) as workbook:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]

        def each() -> Iterator[tuple[str, SheetStream | XlsxError]]:
            for ws in sheets:
                try:
                    found = _stream_sheet(
                        workbook,
                        sheet=ws.title,
                        max_columns=max_columns,
                        header_names=header_names,
                    )
                except XlsxError as exc:
                    if not _sheet_level(exc):
                        raise
                    yield ws.title, exc
                    continue
                yield ws.title, found

        if not sheets:
            raise XlsxError(MSG_EMPTY)
        yield len(sheets), each()


@contextmanager
def _stream_workbook(
    source: IO[bytes] | str | Path,
    *,
    max_bytes: int,
    max_unpacked_bytes: int,
    max_ratio: int,
) -> Iterator[Any]:
    """A read-only openpyxl workbook, after the whole-file checks, or XlsxError."""
    handle = open(source, "rb") if isinstance(source, str | Path) else source
    try:
        _check_stream(handle, max_bytes=max_bytes)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise XlsxError(MSG_CORRUPT) from exc
        with archive:
            _check_members(
                archive, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio
            )
            _check_macros(archive)
        handle.seek(0)
        # As in read_xlsx_rows; read-only sheets parse lazily, so the filter
        # stays on while the caller consumes the rows.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                workbook = load_workbook(
                    handle,
                    read_only=True,
                    data_only=False,
                    keep_links=False,
                    keep_vba=False,
                )
            except Exception as exc:  # untrusted input: any parser failure
                logger.warning("xlsx rejected: parse failed (%s)", type(exc).__name__)
                raise XlsxError(MSG_CORRUPT) from exc
            try:
                yield workbook
            finally:
                workbook.close()
    finally:
        if handle is not source:
            handle.close()


def _check_stream(handle: IO[bytes], *, max_bytes: int) -> None:
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    if size > max_bytes:
        raise XlsxError(MSG_TOO_BIG.format(limit=max(1, max_bytes // MB)))
    head = handle.read(len(OLE_MAGIC))
    handle.seek(0)
    if head.startswith(OLE_MAGIC):
        raise XlsxError(MSG_OLE)
    if not head.startswith(ZIP_MAGIC):
        raise XlsxError(MSG_NOT_XLSX)


def _stream_sheet(
    workbook, *, sheet: str | None, max_columns: int, header_names: Collection[str]
) -> SheetStream:
    wanted = {normalise_header(name) for name in header_names}
    if not workbook.worksheets:
        raise XlsxError(MSG_EMPTY)
    ws = (
        workbook[sheet]
        if sheet and sheet in workbook.sheetnames
        else workbook.worksheets[0]
    )
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        raise XlsxError(MSG_EMPTY)
    ws.reset_dimensions()
    search = _numbered_rows(ws, max_columns=max_columns)
    header: list[str] | None = None
    header_number = 0
    for number, values, errors in search:
        if wanted and number > HEADER_SEARCH_ROWS:
            break
        if all(v is None for v in values) and not errors:
            continue
        if wanted and wanted.isdisjoint(map(normalise_header, values)):
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        header = [_header_text(v) for v in values]
        header_number = number
        break
    search.close()
    if header is None:
        if wanted:
            raise XlsxNoHeader(
                MSG_NO_HEADER.format(columns=", ".join(list(header_names)[:3]))
            )
        raise XlsxError(MSG_EMPTY)
    width = max(1, _last_filled(header))
    header = header[:width]
    # A second pass from the row after the header, as wide as the header only:
    # read-only sheets pad every row to max_col, and the header is a few rows in.
    numbered = _numbered_rows(ws, max_columns=width, min_row=header_number + 1)

    def data_rows() -> Iterator[SheetRow]:
        for number, values, errors in numbered:
            values = (values + [None] * width)[:width]
            errors = {i: message for i, message in errors.items() if i < width}
            if errors or any(v is not None for v in values):
                yield SheetRow(number=number, values=values, errors=errors)

    return SheetStream(header=header, rows=data_rows())


def _numbered_rows(
    ws, *, max_columns: int, min_row: int = 1
) -> Iterator[tuple[int, list[CellValue], dict[int, str]]]:
    try:
        rows = ws.iter_rows(min_row=min_row, max_col=max_columns)
        for number, cells in _filled_rows(rows, start=min_row):
            values: list[CellValue] = []
            errors: dict[int, str] = {}
            for index, cell in enumerate(cells):
                value, error = _cell_value(cell)
                if error == "formula":
                    value, error = None, MSG_FORMULA_CELL
                values.append(value)
                if error:
                    errors[index] = error
            yield number, values, errors
    except XlsxError:
        raise
    except Exception as exc:  # untrusted input: a broken sheet part
        logger.warning("xlsx rejected: sheet parse failed (%s)", type(exc).__name__)
        raise XlsxError(MSG_CORRUPT) from exc
