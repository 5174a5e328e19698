"""Reading every incoming file one way: a sheet or delimited text -> header, rows, errors.

What a file is comes from its content, never its name: an XLSX (a zip), an old
or password-locked Excel workbook (refused), UTF-16 text (Excel's "Unicode
Text"), text, or anything else (refused). XLSX goes through
`kis_portal.xlsx_read` with every check it makes (size, zip bombs, macros,
formulas, DTDs, row limits, the calamine fast path). Text is decoded line by
line, UTF-8 with or without a byte order mark, else Windows-1252 (else
Latin-1): extracts are sometimes stitched together from files saved
differently. Its delimiter (comma, semicolon, pipe or tab) is the one that
splits the header line into the most column names the caller knows.

The caller names its columns (`Columns`: a key and the header spellings each
answers to, compared loosely, the preferred first). The header is the first of
the top 20 rows with a cell naming one of them; title rows above it are
skipped. A `Table` gives the header, where each column was found, and the
non-empty data rows, each `(number, values, errors)`: its row (line) number in
the file, its values, and column index -> message for the cells that could not
be read (a formula, an Excel error, a number too long to be exact). Values are
text (stripped, without Excel's leading apostrophe; `="0812"` unwrapped in
text files), dates from date cells, or None. A file that cannot be used raises
`IncomingError` with a message for the uploader, in Indonesian.

Four ways in:
- `read_table`: the whole file in memory, at most `max_rows` data rows, within a
  time budget (uploads that are previewed: usulan import, BPJS's result).
- `read_tables`: the same for every sheet of a workbook with a header (BPJS's
  result with BERHASIL and GAGAL on two sheets): one `Table` per sheet, with the
  sheets passed over and why.
- `open_table`: a context manager streaming the rows of a seekable file in
  bounded memory (large background imports: BPJS's participant list).
  The archive of an XLSX is bounded by `max_bytes`; text is read line by line
  whatever its size (the upload's own limit bounds it).
- `open_tables`: the same for every sheet of a workbook with a header, one
  sheet after the other (DTKS extracts, one sheet per kecamatan); an .xls is
  read whole by calamine, within its own smaller size limit.

An old Excel workbook (.xls) is read whole by python-calamine in the first two
ways and by `open_tables`; `open_table` refuses it (calamine holds a sheet in
memory), as it refuses a workbook locked with a password. A number cell of 16+ digits comes as an
`Inexact` value with a cell error: Excel keeps 15 digits. A value merged over
several rows is given to each (`Table.merged` names the cells filled so).
`Columns` is built by the caller, so an office's own spellings are added to it
there.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import IO

from .xlsx_read import (
    HEADER_SEARCH_ROWS,
    MAX_BYTES,
    MAX_UNPACKED_BYTES,
    MSG_NOT_XLSX,
    MSG_OLE,
    MSG_TOO_MANY_ROWS,
    OLE_MAGIC,
    TEXT_MARKS,
    TIME_BUDGET_SECONDS,
    ZIP_MAGIC,
    CellValue,
    Inexact,
    SheetRow,
    SheetTable,
    XlsxError,
    XlsxNoHeader,
    cell_label,
    gc_paused,
    normalise_header,
    open_xlsx_sheets,
    open_xlsx_stream,
    read_limited,
    read_xls_sheets,
    read_xlsx_rows,
    read_xlsx_sheets,
)

__all__ = [
    "CellValue",
    "Column",
    "Columns",
    "Format",
    "IncomingError",
    "Inexact",
    "Row",
    "StreamedTables",
    "Table",
    "Tables",
    "cell_label",
    "gc_paused",
    "normalise_header",
    "open_table",
    "open_tables",
    "read_table",
    "read_tables",
    "sniff",
    "text_value",
]

HEAD_BYTES = 64 * 1024
# No real row comes near this; a file without line breaks must not be read whole.
MAX_LINE = 1024 * 1024
# The first wins a tie (a header of one column has no delimiter at all).
DELIMITERS = (",", ";", "|", "\t")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

MSG_EMPTY = "Berkas kosong: tidak ada data untuk dibaca."
MSG_BINARY = (
    "Berkas bukan XLSX maupun teks (CSV/TXT): unggah berkas .xlsx, atau teks dengan "
    "pemisah koma, titik koma, | atau tab."
)
MSG_NO_HEADER = (
    "Baris judul kolom tidak ditemukan di {n} baris pertama: tidak ada judul yang "
    "dikenali (misalnya {examples})."
)
MSG_MISSING = (
    "Kolom wajib tidak ditemukan: {missing}. Judul kolom yang terbaca: {found}."
)
MSG_LONG_LINE = (
    "Baris {line} lebih panjang dari 1 MB: berkas ini bukan teks dengan satu baris "
    "data per baris."
)
MSG_BROKEN_TEXT = (
    'Berkas rusak di sekitar baris {line}: kemungkinan ada tanda petik (") yang '
    "tidak ditutup."
)
# An .xls streamed by open_tables is read whole: these bound that reading.
XLS_MAX_ROWS = 10_000_000
XLS_TIME_BUDGET = 120.0
# Headings listed in MSG_MISSING; a wide file's full header would drown the message.
FOUND_SHOWN = 12

# (number in the file, values, column index -> why the cell could not be read).
# A plain tuple: a million of them are made for a DTKS extract.
Row = tuple[int, list[CellValue], dict[int, str]]


class IncomingError(Exception):
    """The file as a whole cannot be used; the message is for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Format(StrEnum):
    XLSX = "xlsx"
    XLS = "xls"  # OLE: Excel 97-2003, or a workbook locked with a password
    UTF16 = "utf16"  # Excel's "Unicode Text": tab-delimited, with a byte order mark
    TEXT = "text"
    BINARY = "binary"
    EMPTY = "empty"


def sniff(head: bytes) -> Format:
    """What the first bytes of a file say it is."""
    if head.startswith(ZIP_MAGIC):
        return Format.XLSX
    if head.startswith(OLE_MAGIC):
        return Format.XLS
    if head.startswith(UTF16_BOMS):
        return Format.UTF16
    if not head.strip():
        return Format.EMPTY
    if b"\x00" in head or head.startswith(b"%PDF"):
        return Format.BINARY
    return Format.TEXT


@dataclass(frozen=True)
class Column:
    """One column a caller reads: its key and the header spellings it answers to.

    Spellings are compared loosely (`normalise_header`: case, spaces, punctuation
    and parentheses do not count); when a file has several, the first listed wins.
    """

    key: str
    names: tuple[str, ...]
    label: str = ""  # how messages name it; the first spelling by default
    required: bool = False

    @property
    def title(self) -> str:
        return self.label or self.names[0]


class Columns:
    """The columns a caller reads, and what to tell the uploader when they are not there."""

    def __init__(self, *columns: Column, hint: str = "") -> None:
        self.columns = columns
        # Appended to the header messages: what the file should hold.
        self.hint = hint
        self.normalised = {
            column.key: tuple(dict.fromkeys(map(normalise_header, column.names)))
            for column in columns
        }
        self.wanted = frozenset(n for names in self.normalised.values() for n in names)

    def header_names(self) -> list[str]:
        """Every spelling, for the header search."""
        return [name for column in self.columns for name in column.names]

    def locate(self, header: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
        """(key -> column index, keys found in more than one column, unknown headings)."""
        normalised = [normalise_header(text) for text in header]
        found: dict[str, int] = {}
        duplicated: list[str] = []
        for column in self.columns:
            names = self.normalised[column.key]
            for name in names:
                index = next(
                    (
                        i
                        for i, text in enumerate(normalised)
                        if text == name and i not in found.values()
                    ),
                    None,
                )
                if index is not None:
                    found[column.key] = index
                    break
            if sum(1 for text in normalised if text in names) > 1:
                duplicated.append(column.key)
        unknown = [
            text
            for text, loose in zip(header, normalised, strict=True)
            if text and loose not in self.wanted
        ]
        return found, duplicated, unknown

    def no_header(self) -> "IncomingError":
        required = [c.title for c in self.columns if c.required]
        examples = (required or [c.title for c in self.columns])[:3]
        return IncomingError(
            self._hinted(
                MSG_NO_HEADER.format(n=HEADER_SEARCH_ROWS, examples=", ".join(examples))
            )
        )

    def missing(
        self, found: dict[str, int], header: list[str]
    ) -> "IncomingError | None":
        absent = [c.title for c in self.columns if c.required and c.key not in found]
        if not absent:
            return None
        shown = [text for text in header if text]
        listed = ", ".join(shown[:FOUND_SHOWN]) + (
            ", ..." if len(shown) > FOUND_SHOWN else ""
        )
        return IncomingError(
            self._hinted(
                MSG_MISSING.format(
                    missing=", ".join(absent), found=listed or "(kosong)"
                )
            )
        )

    def _hinted(self, message: str) -> str:
        return f"{message} {self.hint}" if self.hint else message


@dataclass
class Table:
    """A file's header, where each known column is, and its non-empty data rows."""

    format: Format
    header: list[str]
    columns: dict[str, int]  # key -> column index, for the columns found
    # A list from read_table, an iterator (read once) from open_table. A text
    # row has as many values as its line has cells; a sheet row, as the header.
    rows: Iterable[Row]
    duplicated: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # headings no column answers to
    # How far through the file the reading is (0..1), for progress bars.
    fraction: Callable[[], float | None] = lambda: None
    sheet: str = ""  # the workbook's sheet the rows come from ("" for text)
    # (row number, column index) of empty cells given the value merged over them.
    merged: set[tuple[int, int]] = field(default_factory=set)

    def label(self, index: int) -> str:
        """'NIK' for a column with a heading, else its letter ('kolom C')."""
        return cell_label(self.header, index)


@dataclass
class Tables:
    """Every sheet of a file read: one `Table` each, and the sheets passed over."""

    tables: list[Table]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)

    @property
    def format(self) -> Format:
        return self.tables[0].format


def text_value(cell: str) -> str | None:
    """A text file's cell as the XLSX reader gives one: trimmed, None when empty.

    Excel's leading apostrophe and its ="0812..." trick (text kept as text) are
    taken off; non-breaking spaces are spaces.
    """
    if "\u00a0" in cell:
        cell = cell.replace("\u00a0", " ")
    text = cell.strip()
    if not text:
        return None
    if text[0] in TEXT_MARKS:
        text = text[1:].strip()
    elif text.startswith('="') and text.endswith('"') and len(text) > 2:
        text = text[2:-1].strip()
    return text or None


# --- The ways in -----------------------------------------------------------------


def read_table(
    source: IO[bytes] | bytes | str | Path,
    *,
    columns: Columns,
    max_rows: int,
    max_bytes: int = MAX_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    text: bool = True,
    sheet: str | None = None,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> Table:
    """The whole file in memory, at most `max_rows` data rows, or IncomingError.

    `text=False` accepts XLSX only. `sheet` is read when the workbook has it,
    else the first sheet.
    """
    try:
        content = read_limited(source, max_bytes)
    except XlsxError as exc:  # over the size limit
        raise IncomingError(exc.message) from exc
    kind = _accepted(sniff(content[:HEAD_BYTES]), text=text, xls=True)
    if kind is Format.XLS:
        (found,), _ = _xls(
            content,
            columns=columns,
            max_rows=max_rows,
            every_sheet=False,
            sheet=sheet,
            time_budget=time_budget,
        )
        return _sheet_table(kind, found, columns)
    if kind is Format.XLSX:
        try:
            header, rows = read_xlsx_rows(
                content,
                max_rows=max_rows,
                max_bytes=max_bytes,
                max_unpacked_bytes=max_unpacked_bytes,
                sheet=sheet,
                header_names=columns.header_names(),
                time_budget=time_budget,
            )
        except XlsxError as exc:
            raise _refusal(exc, columns) from exc
        with gc_paused():
            numbered = [(row.number, row.values, row.errors) for row in rows]
        return _table(kind, header, numbered, columns)
    stream = io.BytesIO(content)
    with _text_rows(stream, kind, columns, clean=True) as (header, numbered, _):
        rows: list[Row] = []
        with gc_paused():
            for row in numbered:
                rows.append(row)
                if len(rows) > max_rows:
                    raise IncomingError(
                        MSG_TOO_MANY_ROWS.format(limit=_thousands(max_rows))
                    )
    return _table(kind, header, rows, columns, fraction=lambda: 1.0)


def read_tables(
    source: IO[bytes] | bytes | str | Path,
    *,
    columns: Columns,
    max_rows: int,
    max_bytes: int = MAX_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> Tables:
    """Every sheet with a header, in memory, or IncomingError.

    `max_rows` bounds all sheets together. A sheet whose header is not found is
    passed over (listed in `skipped`); so is one that lacks a required column
    when another sheet has them all. A text file is one table.
    """
    try:
        content = read_limited(source, max_bytes)
    except XlsxError as exc:
        raise IncomingError(exc.message) from exc
    kind = _accepted(sniff(content[:HEAD_BYTES]), text=True, xls=True)
    if kind is Format.XLS:
        found, skipped = _xls(
            content,
            columns=columns,
            max_rows=max_rows,
            every_sheet=True,
            sheet=None,
            time_budget=time_budget,
        )
    elif kind is Format.XLSX:
        try:
            found, skipped = read_xlsx_sheets(
                content,
                max_rows=max_rows,
                max_bytes=max_bytes,
                max_unpacked_bytes=max_unpacked_bytes,
                header_names=columns.header_names(),
                time_budget=time_budget,
            )
        except XlsxError as exc:
            raise _refusal(exc, columns) from exc
    else:
        return Tables(
            [
                read_table(
                    content, columns=columns, max_rows=max_rows, max_bytes=max_bytes
                )
            ]
        )
    tables: list[Table] = []
    first_error: IncomingError | None = None
    for sheet in found:
        try:
            tables.append(_sheet_table(kind, sheet, columns))
        except IncomingError as exc:
            first_error = first_error or exc
            skipped.append((sheet.name, exc.message))
    if not tables:
        assert first_error is not None
        raise first_error
    return Tables(tables, skipped)


def _xls(
    content: bytes,
    *,
    columns: Columns,
    max_rows: int,
    every_sheet: bool,
    sheet: str | None,
    time_budget: float,
) -> tuple[list[SheetTable], list[tuple[str, str]]]:
    try:
        return read_xls_sheets(
            content,
            max_rows=max_rows,
            every_sheet=every_sheet,
            sheet=sheet,
            header_names=columns.header_names(),
            time_budget=time_budget,
        )
    except XlsxError as exc:
        raise _refusal(exc, columns) from exc


def _sheet_table(kind: Format, found: SheetTable, columns: Columns) -> Table:
    with gc_paused():
        numbered = [(row.number, row.values, row.errors) for row in found.rows]
    table = _table(kind, found.header, numbered, columns, fraction=lambda: 1.0)
    table.sheet = found.name
    table.merged = found.merged
    return table


@contextmanager
def open_table(
    source: IO[bytes],
    *,
    columns: Columns,
    max_bytes: int,
    max_unpacked_bytes: int,
    text: bool = True,
    sheet: str | None = None,
    clean: bool = True,
) -> Iterator[Table]:
    """Stream the rows of a seekable file in bounded memory, or IncomingError.

    Reading the rows may raise IncomingError too (a broken part further on).
    There is no row limit and no time budget; a formula is an error of its cell.
    `clean=False` leaves a text file's cells as written (strings, '' for empty)
    for a caller that trims every cell it reads anyway: a million rows read
    about 5% faster.
    """
    stream = getattr(source, "file", source)  # Django's File: its own file is faster
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    size = max(1, stream.seek(0, io.SEEK_END))
    stream.seek(0)
    kind = _accepted(sniff(head), text=text)
    if kind is not Format.XLSX:
        with _text_rows(stream, kind, columns, clean=clean) as (header, rows, read):
            yield _table(
                kind, header, rows, columns, fraction=lambda: min(1.0, read() / size)
            )
        return
    with ExitStack() as stack:
        try:
            found = stack.enter_context(
                open_xlsx_stream(
                    stream,
                    max_bytes=max_bytes,
                    max_unpacked_bytes=max_unpacked_bytes,
                    sheet=sheet,
                    header_names=columns.header_names(),
                )
            )
        except XlsxError as exc:
            raise _refusal(exc, columns) from exc
        # The sheet is most of the archive and is inflated front to back, so the
        # position in the file tells how far the reading has come.
        yield _table(
            kind,
            found.header,
            _xlsx_rows(found.rows, columns),
            columns,
            fraction=lambda: min(1.0, stream.tell() / size),
        )


@dataclass
class StreamedTables:
    """Every sheet of a file, streamed: `tables()` yields one `Table` at a time.

    A sheet without a header (or without a required column) is passed over and
    listed in `skipped` as the iteration reaches it; when no sheet has one, the
    iteration raises the first sheet's IncomingError. Each table's rows are to
    be read before the next table is asked for.
    """

    format: Format
    sheet_count: int  # worksheets in the workbook; 1 for text
    tables: Callable[[], Iterator[Table]]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)


@contextmanager
def open_tables(
    source: IO[bytes],
    *,
    columns: Columns,
    max_bytes: int,
    max_unpacked_bytes: int,
    max_xls_bytes: int,
    clean: bool = True,
) -> Iterator[StreamedTables]:
    """Stream the rows of every sheet of a seekable file, or IncomingError.

    XLSX sheets are streamed in bounded memory, with `open_table`'s checks; an
    .xls is refused over `max_xls_bytes` before it is read, then read whole by
    calamine (every sheet); text is one table.
    """
    stream = getattr(source, "file", source)
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = _accepted(sniff(head), text=True, xls=True)
    if kind is Format.XLS:
        yield _xls_tables(stream, columns, max_xls_bytes)
        return
    if kind is not Format.XLSX:
        with open_table(
            stream,
            columns=columns,
            max_bytes=max_bytes,
            max_unpacked_bytes=max_unpacked_bytes,
            clean=clean,
        ) as table:
            yield StreamedTables(kind, 1, lambda: iter([table]))
        return
    size = max(1, stream.seek(0, io.SEEK_END))
    stream.seek(0)
    with ExitStack() as stack:
        try:
            count, sheets = stack.enter_context(
                open_xlsx_sheets(
                    stream,
                    max_bytes=max_bytes,
                    max_unpacked_bytes=max_unpacked_bytes,
                    header_names=columns.header_names(),
                )
            )
        except XlsxError as exc:
            raise _refusal(exc, columns) from exc
        skipped: list[tuple[str, str]] = []

        def tables() -> Iterator[Table]:
            first_error: IncomingError | None = None
            read = 0
            try:
                for name, sheet in sheets:
                    if isinstance(sheet, XlsxError):
                        error = _refusal(sheet, columns)
                    else:
                        try:
                            table = _table(
                                kind,
                                sheet.header,
                                _xlsx_rows(sheet.rows, columns),
                                columns,
                                fraction=lambda: min(1.0, stream.tell() / size),
                            )
                        except IncomingError as exc:
                            error = exc
                        else:
                            table.sheet = name
                            read += 1
                            yield table
                            continue
                    first_error = first_error or error
                    skipped.append((name, error.message))
            except XlsxError as exc:
                raise _refusal(exc, columns) from exc
            if not read:
                raise first_error or IncomingError(MSG_EMPTY)

        yield StreamedTables(kind, count, tables, skipped)


def _xls_tables(stream: IO[bytes], columns: Columns, max_bytes: int) -> StreamedTables:
    try:
        content = read_limited(stream, max_bytes)
    except XlsxError as exc:  # over the size limit, refused before reading
        raise IncomingError(exc.message) from exc
    # An .xls holds at most 65,536 rows a sheet; the size limit bounds the rest.
    found, skipped = _xls(
        content,
        columns=columns,
        max_rows=XLS_MAX_ROWS,
        every_sheet=True,
        sheet=None,
        time_budget=XLS_TIME_BUDGET,
    )
    count = len(found) + len(skipped)
    tables: list[Table] = []
    first_error: IncomingError | None = None
    for sheet in found:
        try:
            tables.append(_sheet_table(Format.XLS, sheet, columns))
        except IncomingError as exc:
            first_error = first_error or exc
            skipped.append((sheet.name, exc.message))
    if not tables:
        assert first_error is not None
        raise first_error
    return StreamedTables(Format.XLS, count, lambda: iter(tables), skipped)


# --- Shared steps ----------------------------------------------------------------


def _accepted(kind: Format, *, text: bool, xls: bool = False) -> Format:
    if kind is Format.XLSX:
        return kind
    if kind is Format.XLS:
        if xls:
            return kind  # read by calamine; a locked workbook is refused there
        raise IncomingError(MSG_OLE)
    if not text:
        raise IncomingError(MSG_NOT_XLSX)
    if kind is Format.EMPTY:
        raise IncomingError(MSG_EMPTY)
    if kind is Format.BINARY:
        raise IncomingError(MSG_BINARY)
    return kind


def _refusal(exc: XlsxError, columns: Columns) -> IncomingError:
    # The header message is worded the same for every format.
    return (
        columns.no_header()
        if isinstance(exc, XlsxNoHeader)
        else IncomingError(exc.message)
    )


def _xlsx_rows(rows: Iterator[SheetRow], columns: Columns) -> Iterator[Row]:
    try:
        for row in rows:
            yield row.number, row.values, row.errors
    except XlsxError as exc:
        raise _refusal(exc, columns) from exc


def _table(
    kind: Format,
    header: list[str],
    rows: Iterable[Row],
    columns: Columns,
    *,
    fraction: Callable[[], float | None] = lambda: None,
) -> Table:
    found, duplicated, unknown = columns.locate(header)
    if error := columns.missing(found, header):
        raise error
    return Table(
        format=kind,
        header=header,
        columns=found,
        rows=rows,
        duplicated=duplicated,
        unknown=unknown,
        fraction=fraction,
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- Delimited text --------------------------------------------------------------


@contextmanager
def _text_rows(
    stream: IO[bytes], kind: Format, columns: Columns, *, clean: bool
) -> Iterator[tuple[list[str], Iterator[Row], Callable[[], int]]]:
    """(header, data rows, bytes read so far) of a delimited text file."""
    if kind is Format.UTF16:
        wrapper = io.TextIOWrapper(stream, encoding="utf-16", newline="")
        try:
            lines = _utf16_lines(wrapper)
            header, rows = _split(lines, columns, clean=clean)
            yield header, rows, stream.tell
        finally:
            wrapper.detach()  # the caller's stream stays open
        return
    header, rows = _split(_decoded_lines(stream), columns, clean=clean)
    yield header, rows, stream.tell


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines as text, each decoded by itself (files are stitched from several)."""
    if stream.read(len(UTF8_BOM)) != UTF8_BOM:
        stream.seek(0)
    # A loop in C over the lines: this runs a million times for a DTKS extract.
    lines = iter(partial(stream.readline, MAX_LINE), b"")
    for number, raw in enumerate(lines, start=1):
        if len(raw) >= MAX_LINE and not raw.endswith(b"\n"):
            raise IncomingError(MSG_LONG_LINE.format(line=number))
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
                yield raw.decode("latin-1")


def _utf16_lines(text: IO[str]) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE):
        number += 1
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise IncomingError(MSG_LONG_LINE.format(line=number))
        yield line


def _split(
    lines: Iterator[str], columns: Columns, *, clean: bool
) -> tuple[list[str], Iterator[Row]]:
    """Find the header among the top lines, with its delimiter; then the rows below."""
    found = None
    header_line = 0
    for line in lines:
        header_line += 1
        if header_line > HEADER_SEARCH_ROWS:
            break
        if line.strip() and (found := _header_cells(line, columns.wanted)):
            break
    if found is None:
        raise columns.no_header()
    cells, delimiter = found
    header = [" ".join(cell.split()) for cell in cells]
    while header and not header[-1]:
        header.pop()
    reader = csv.reader(lines, delimiter=delimiter, strict=False)

    def rows() -> Iterator[Row]:
        # A record's number is the line it ends on.
        try:
            if clean:
                for values in reader:
                    if any(values):
                        values = [text_value(cell) for cell in values]
                        if any(value is not None for value in values):
                            yield header_line + reader.line_num, values, {}
            else:
                for values in reader:
                    if any(values):
                        yield header_line + reader.line_num, values, {}
        except csv.Error as exc:
            line = header_line + reader.line_num
            raise IncomingError(MSG_BROKEN_TEXT.format(line=line)) from exc

    return header, rows()


def _header_cells(line: str, wanted: frozenset[str]) -> tuple[list[str], str] | None:
    """The line's cells and delimiter when it is a header: the split naming most columns."""
    best: tuple[tuple[int, int, int], list[str], str] | None = None
    for order, delimiter in enumerate(DELIMITERS):
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            continue
        hits = sum(1 for cell in cells if normalise_header(cell) in wanted)
        rank = (hits, line.count(delimiter), -order)
        if hits and (best is None or rank > best[0]):
            best = (rank, cells, delimiter)
    return (best[1], best[2]) if best else None
