"""Loading a DTKS/DTSEN extract from SIKS-NG into one period, streamed.

A regency's extract has hundreds of thousands of rows, so the file is never held
in memory. Phase 1, outside any transaction, reads and checks each row and
spools the good ones to temporary files in PostgreSQL's COPY text format,
sorted by NIK in parts: its progress is visible to the job page, and a
whole-file error stops the import before the database is touched. Phase 2
replaces the period's records in one short transaction (the parts merged, the
first row of each NIK kept and the later ones reported, into one COPY on
PostgreSQL or batched INSERTs elsewhere), so a failure leaves the previous data
of the period in place.

A row is refused only when its NIK cannot be used: an odd secondary field (a
birth date as "12 Maret 1985", "12-03-85", "19850312" or an Excel serial;
desil "Desil 3" or 11; a formula or Excel error in a secondary cell) keeps the
person, read where it can be and emptied where not, with a warning on the row.
An NIK from a number cell (Excel keeps 15 digits) is taken only when exactly
one person of the DTKS register's earlier periods has an NIK within Excel's cut
of it and a fitting name (and the same KK when the row has one).
"""

import datetime
import heapq
import logging
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone

from kis_portal import xlsx
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.dates import loose_date
from kis_portal.identifiers import clean_digits, validate_nik
from kis_portal.incoming import (
    Column,
    Columns,
    IncomingError,
    Inexact,
    StreamedTables,
    open_tables,
)
from kis_portal.names import names_fit
from kis_portal.privacy import mask_identifier

from .models import DtksPeriode, DtksRecord

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
PROGRESS_EVERY = 10_000
# Rows sorted in memory at a time (~15 MB) before they go to a temporary file.
RUN_ROWS = 100_000
REJECTED_KEEP = 10_000
# A sheet's XML is far bigger than its zip; 20x the upload limit still stops a bomb.
XLSX_UNPACKED_FACTOR = 20
# An .xls is read whole by calamine (its cells held in memory): a smaller limit.
XLS_MAX_MB = 30
# A row of a workbook of several sheets is keyed sheet << SHEET_SHIFT | row:
# one integer orders the rows (the first of a NIK wins) and names them again.
SHEET_SHIFT = 21  # XLSX has at most 1,048,576 rows a sheet
# Bounds the lookup caches (a regency has few NIK prefixes and ~70,000 birth dates).
CACHE_MAX = 200_000
NULL = "\\N"  # COPY text format

# Header spellings, compared after normalise_header ("Nomor_NIK" -> "nomornik").
# The first alias found wins, so the more specific spellings come first.
ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "nomornik", "nonik", "noktp"),
    "no_kk": ("nokk", "nomorkk", "nomorkartukeluarga", "kk"),
    "nama": ("nama", "namalengkap", "namaart"),
    "tanggal_lahir": ("tanggallahir", "tgllahir", "tanggallhr", "tgllhr"),
    "jenis_kelamin": ("jeniskelamin", "jk", "sex", "kelamin", "jnskelamin"),
    "kode_desa": (
        "kodedesa",
        "kodekelurahan",
        "kodedesakelurahan",
        "kodewilayah",
        "desakelurahan",
        "desa",
        "kelurahan",
    ),
    "iddtks": ("iddtks",),
    "desil": (
        "desil",
        "decile",
        "desilnasional",
        "desilkesejahteraan",
        "peringkatdesil",
        "desildtsen",
        "peringkatkesejahteraan",
    ),
    # SIKS-NG's "Pemeringkatan Desil" export names the ranking's period.
    "periode": ("periode", "periodedesil", "periodepemeringkatan", "periodedata"),
}
# The NIK, and the name (a DTKS extract) or the desil (a DTSEN desil ranking,
# which may carry only No. KK, NIK and desil): checked per sheet.
REQUIRED = {"nik": "NIK (nomor_nik)"}


# Headings that a title block above the header names too ("Periode | Triwulan
# III 2026", "Desa | Kalibukbuk"): they do not make a row the header.
TITLE_BLOCK_KEYS = ("periode", "kode_desa")


class _HeaderColumns(Columns):
    """The header row is the first of the top rows with a heading other than
    those a title block also carries; the columns themselves are all read."""

    def __init__(self, *columns: Column, hint: str = "") -> None:
        super().__init__(*columns, hint=hint)
        self.wanted = frozenset(
            name
            for key, names in self.normalised.items()
            if key not in TITLE_BLOCK_KEYS
            for name in names
        )

    def header_names(self) -> list[str]:
        return [
            name
            for column in self.columns
            if column.key not in TITLE_BLOCK_KEYS
            for name in column.names
        ]


COLUMNS = _HeaderColumns(
    *(
        Column(key, aliases, label=REQUIRED.get(key, ""), required=key in REQUIRED)
        for key, aliases in ALIASES.items()
    ),
    hint="Berkas DTKS/DTSEN harus memuat kolom NIK (nomor_nik), dan nama (ekstrak "
    "DTKS) atau desil (pemeringkatan desil SIKS-NG). Tidak ada data yang diimpor.",
)

PERIODE_RE = re.compile(r"(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))")
KODE_DESA_RE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
SCIENTIFIC_RE = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")
WHOLE_DECIMAL_RE = re.compile(r"(\d+)[.,]0+")
ISO_DATE_RE = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
DMY_DATE_RE = re.compile(
    r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"
)
JENIS_KELAMIN = {
    "L": "L",
    "LK": "L",
    "LAKILAKI": "L",
    "PRIA": "L",
    "1": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "2": "P",
}
DESIL = {str(n): str(n) for n in range(1, 11)} | {f"0{n}": str(n) for n in range(1, 10)}
EMPTY_MARKERS = {"", "-", "NULL", "null", "0000-00-00"}

MSG_PERIODE = (
    "Periode harus berbentuk TTTT-Qn (triwulan, misalnya 2026-Q3) atau TTTT-BB "
    "(bulan, misalnya 2026-07)."
)
MSG_PERIODE_MIXED = (
    "Periode yang sudah ada memakai format lain ({example}). Gunakan format yang "
    "sama agar periode terbaru dapat ditentukan."
)
MSG_EMPTY = "Berkas kosong: tidak ada data untuk diimpor."
MSG_NOTHING = (
    "Tidak ada baris yang dapat diimpor ({rejected} baris ditolak). Data periode "
    "{periode} tidak diubah."
)
MSG_NIK_EMPTY = "NIK kosong."
MSG_NIK_INEXACT = (
    "NIK tersimpan sebagai angka (notasi ilmiah) sehingga digit terakhirnya hilang. "
    "Ekspor ulang dengan kolom NIK sebagai teks."
)
MSG_NIK_DUPLICATE = (
    "NIK ganda: NIK ini sudah ada di baris sebelumnya (baris pertama dipakai)."
)
MSG_NAMA_EMPTY = "Nama kosong."
MSG_NAMA_OR_DESIL = (
    "Kolom nama atau desil tidak ditemukan: berkas DTKS memuat NIK dan nama, "
    "pemeringkatan desil DTSEN memuat NIK dan desil. Tidak ada data yang diimpor."
)
SKIPPED_NAMA_OR_DESIL = "tanpa kolom nama atau desil"
MSG_PERIODE_ROW = (
    "Baris ini periode {text}, bukan periode {periode} yang diimpor: impor periode "
    "itu terpisah."
)
WARN_PERIODE = 'Periode "{text}" tidak dikenali: baris diimpor ke periode {periode}.'
MSG_NAMA_LINES = (
    'Nama memuat pergantian baris: kemungkinan ada tanda petik (") yang tidak '
    "ditutup, sehingga baris-baris berikutnya ikut terbaca sebagai nama."
)
MSG_EXTRA_COLUMNS = (
    "Jumlah kolom ({n}) lebih banyak dari judul ({width}): kemungkinan ada pemisah "
    "di dalam isi kolom."
)
MSG_DATE_FORMAT = (
    "Tanggal lahir tidak dikenali ({text}): gunakan TTTT-BB-HH, HH-BB-TTTT atau "
    "HH/BB/TTTT."
)
MSG_DATE_IMPOSSIBLE = "Tanggal lahir tidak mungkin ({text})."
MSG_DATE_RANGE = "Tanggal lahir di luar rentang wajar ({text})."
MSG_DESIL = "Desil harus angka 1 sampai 10 (sekarang {text})."
MSG_DIGIT_HILANG = (
    "Digit hilang: NIK tersimpan sebagai angka ({digits}) sehingga digit terakhirnya "
    "bisa berubah, dan {why}. Ekspor ulang dengan kolom NIK sebagai teks."
)
WARN_EMPTIED = "{message} Kolom ini dikosongkan."
WARN_DATE_READ = 'Tanggal lahir "{text}" dibaca sebagai {date}.'
WARN_DESIL_READ = 'Desil "{text}" dibaca sebagai {desil}.'
WARN_NIK_RECOVERED = (
    "NIK tersimpan sebagai angka: dipulihkan dari register DTKS sebelumnya "
    "(15 digit pertama dan nama sama)."
)
DESIL_WORD_RE = re.compile(r"(?i)desil\s*[-:]?\s*(\d{1,2})")
# Excel cuts the 16th digit to 0, other tools round it: the NIK is within -5..+9.
ROUNDING_BELOW, ROUNDING_ABOVE = 5, 9

ProgressFn = Callable[[str, int, float | None], None]
CellErrors = dict[int, str]


class DtksFileError(Exception):
    """The file as a whole cannot be imported; nothing was written."""

    def __init__(self, message: str, result: "ImportResult | None" = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


@dataclass(frozen=True)
class Rejected:
    """One row left out: its row/line number, masked NIK and why.

    `lembar` names the sheet when the workbook has several; `urutan` orders the
    rows through the file (sheet by sheet).
    """

    baris: int
    nik: str
    alasan: str
    lembar: str = ""
    urutan: int = 0

    @property
    def tempat(self) -> str:
        """'baris 12', or 'Kec. A baris 12' in a workbook of several sheets."""
        return (
            f"{self.lembar} baris {self.baris}"
            if self.lembar
            else f"baris {self.baris}"
        )


@dataclass
class ImportResult:
    periode: str
    imported: int = 0
    rejected: int = 0
    rejected_sample: list[Rejected] = field(default_factory=list)
    warned: int = 0  # rows imported with a field read loosely or emptied
    warned_sample: list[Rejected] = field(default_factory=list)
    # A workbook's sheets: the names of all, when there are several (row keys
    # refer to them), those read with their rows, those passed over and why.
    sheet_names: list[str] = field(default_factory=list)
    sheets_read: list[tuple[str, int]] = field(default_factory=list)
    sheets_skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rejected_not_shown(self) -> int:
        return self.rejected - len(self.rejected_sample)

    def warn(self, key: int, nik: str, alasan: str) -> None:
        self.warned += 1
        if len(self.warned_sample) < REJECTED_KEEP:
            self.warned_sample.append(self._row(key, nik, alasan))

    def reject(self, key: int, nik: str, alasan: str) -> None:
        self.rejected += 1
        if len(self.rejected_sample) < REJECTED_KEEP:
            self.rejected_sample.append(self._row(key, nik, alasan))

    def _row(self, key: int, nik: str, alasan: str) -> Rejected:
        lembar, baris = "", key
        if self.sheet_names:
            lembar = self.sheet_names[key >> SHEET_SHIFT]
            baris = key & ((1 << SHEET_SHIFT) - 1)
        return Rejected(
            baris=baris,
            nik=mask_identifier(nik),
            alasan=alasan,
            lembar=lembar,
            urutan=key,
        )

    def sheets_message(self) -> str:
        """Which sheets were read, with their rows, and which passed over ('' for text)."""
        if not self.sheets_read and not self.sheets_skipped:
            return ""
        read = ", ".join(
            f"{name} ({_thousands(n)} baris)" for name, n in self.sheets_read
        )
        message = f"Lembar dibaca: {read or '-'}."
        if self.sheets_skipped:
            names = ", ".join(name for name, _ in self.sheets_skipped)
            message += f" Lembar dilewati (tanpa kolom NIK, atau tanpa nama dan desil): {names}."
        return message


def max_bytes() -> int:
    return int(getattr(settings, "KIS_DTKS_MAX_MB", 200)) * 1024 * 1024


def xls_max_bytes() -> int:
    """An old Excel extract (.xls) is read whole: refused over this before reading."""
    return min(max_bytes(), XLS_MAX_MB * 1024 * 1024)


def clean_periode(value: str) -> str:
    """'2026-q3' -> '2026-Q3'; ValidationError unless YYYY-Qn or YYYY-MM.

    All periods share one format, because the latest is found by sorting codes.
    """
    kode = (value or "").strip().upper()
    match = PERIODE_RE.fullmatch(kode)
    if not match or not 2000 <= int(match[1]) <= 2100:
        raise ValidationError(MSG_PERIODE, code="periode")
    others = DtksPeriode.objects.exclude(kode=kode)
    other = (
        others.exclude(kode__contains="Q")
        if "Q" in kode
        else others.filter(kode__contains="Q")
    ).first()
    if other is not None:
        raise ValidationError(
            MSG_PERIODE_MIXED.format(example=other.kode), code="periode"
        )
    return kode


def import_dtks(
    source: IO[bytes],
    *,
    periode: str,
    by=None,
    on_progress: ProgressFn | None = None,
) -> ImportResult:
    """Replace `periode`'s records with the extract in `source` (a seekable file).

    Raises DtksFileError, with nothing written, when the file as a whole cannot
    be used. `on_progress(stage, rows, fraction)` is called every few thousand
    rows; stage is "membaca" (fraction estimated, or None) then "menyimpan".
    """
    try:
        kode = clean_periode(periode)
    except ValidationError as exc:
        raise DtksFileError(exc.messages[0]) from exc
    progress = on_progress or _no_progress
    result = ImportResult(periode=kode)
    with _SortedSpool() as spool:
        rows_read = accepted = 0
        try:
            with _open_tables(source) as found:
                rows_read, accepted = _check_rows(found, spool, result, progress)
        except IncomingError as exc:
            raise DtksFileError(exc.message) from exc
        progress("membaca", rows_read, 1.0)
        if not accepted:
            if not rows_read:
                raise DtksFileError(MSG_EMPTY, result)
            raise DtksFileError(
                MSG_NOTHING.format(rejected=_thousands(result.rejected), periode=kode),
                result,
            )
        progress("menyimpan", accepted, None)
        _replace_records(kode, spool.records(result), result, by=by)
    _analyze_records()
    result.rejected_sample.sort(key=lambda item: item.urutan)
    result.warned_sample.sort(key=lambda item: item.urutan)
    logger.info(
        "dtks import periode=%s rows=%s imported=%s rejected=%s user=%s",
        kode,
        rows_read,
        result.imported,
        result.rejected,
        getattr(by, "pk", None),
    )
    return result


class _SortedSpool:
    """The checked rows, given back in NIK order as COPY lines, in bounded memory.

    A spooled line is the 16-digit NIK, the row's key (12 digits) and the COPY
    line's other fields, so lines sort by NIK, then by place in the file. Every
    RUN_ROWS lines are sorted and written to a temporary file; records() merges
    the files, keeps the first row of each NIK and reports the later ones.
    Loading in NIK order keeps the indexes' pages in cache (twice as fast as a
    million rows in file order on PostgreSQL), and the merge runs while
    PostgreSQL loads, on the other core.
    """

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.add = self.pending.append
        self.runs: list[IO[str]] = []
        self.files = ExitStack()

    def __enter__(self) -> "_SortedSpool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.files.close()

    def flush(self) -> None:
        if len(self.pending) < RUN_ROWS:
            return
        self.pending.sort()
        run = self.files.enter_context(
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        )
        run.writelines(self.pending)
        run.seek(0)
        self.runs.append(run)
        self.pending.clear()

    def records(self, result: ImportResult) -> Iterator[str]:
        """The COPY lines of each NIK's first row, in NIK order; the others rejected."""
        self.pending.sort()
        previous = ""
        for line in heapq.merge(*self.runs, self.pending):
            nik = line[:16]
            if nik == previous:
                result.reject(int(line[17:29]), nik, MSG_NIK_DUPLICATE)
                continue
            previous = nik
            yield nik + line[29:]


def _check_rows(
    found: StreamedTables,
    spool: "_SortedSpool",
    result: ImportResult,
    progress: ProgressFn,
) -> tuple[int, int]:
    """Check every row of every sheet, spooling the good ones: (rows read, accepted)."""
    several = found.sheet_count > 1
    rows_read = accepted = 0
    write = spool.add
    skipped: list[tuple[str, str]] = []
    for table in found.tables():
        if "nama" not in table.columns and "desil" not in table.columns:
            if not several:
                raise IncomingError(MSG_NAMA_OR_DESIL)
            skipped.append((table.sheet, MSG_NAMA_OR_DESIL))
            continue
        checker = _RowChecker(
            _Columns(index=table.columns, labels=table.header), periode=result.periode
        )
        sheet_rows = 0
        base = 0
        if several:
            base = len(result.sheet_names) << SHEET_SHIFT
            result.sheet_names.append(table.sheet)
        for number, values, errors in table.rows:
            sheet_rows += 1
            rows_read += 1
            if rows_read % PROGRESS_EVERY == 0:
                progress("membaca", rows_read, table.fraction())
            key = base | number
            try:
                line = checker.check(values, errors)
            except _RowRejected as exc:
                checker.warnings.clear()
                result.reject(key, exc.nik, exc.reason)
                continue
            tab = line.index("\t")
            if checker.warnings:
                result.warn(key, line[:tab], " ".join(checker.warnings))
                checker.warnings.clear()
            write(f"{line[:tab]}\t{key:012d}{line[tab:]}")
            accepted += 1
            if accepted % RUN_ROWS == 0:
                spool.flush()
        if table.sheet:
            result.sheets_read.append((table.sheet, sheet_rows))
    result.sheets_skipped = [*found.skipped, *skipped]
    if several and not result.sheets_read:
        raise IncomingError(MSG_NAMA_OR_DESIL)
    return rows_read, accepted


def rejected_workbook(result: ImportResult) -> bytes:
    """The rejected rows as an XLSX (row number, masked NIK, reason).

    A second sheet lists the rows imported with a warning, when there are any;
    a last one, the workbook's sheets read and passed over. In a workbook of
    several sheets the row names its sheet ("Kec. A baris 12").
    """
    wb = xlsx.new_workbook()

    def place(item: Rejected) -> int | str:
        return item.tempat if item.lembar else item.baris

    def rows() -> Iterator[list]:
        for item in result.rejected_sample:
            yield [place(item), item.nik, item.alasan]
        if result.rejected_not_shown:
            yield [
                None,
                None,
                f"... dan {_thousands(result.rejected_not_shown)} baris lain "
                "tidak ditampilkan.",
            ]

    xlsx.write_sheet(
        wb,
        f"Ditolak {result.periode}",
        ["Baris", "NIK (disamarkan)", "Alasan"],
        rows(),
        widths=[10, 20, 100],
    )
    if result.warned_sample:
        xlsx.write_sheet(
            wb,
            f"Peringatan {result.periode}",
            ["Baris", "NIK (disamarkan)", "Diimpor dengan peringatan"],
            ([place(w), w.nik, w.alasan] for w in result.warned_sample),
            widths=[10, 20, 100],
        )
    if result.sheets_read or result.sheets_skipped:
        xlsx.write_sheet(
            wb,
            "Lembar",
            ["Lembar", "Baris dibaca", "Keterangan"],
            [
                *([name, n, "Dibaca"] for name, n in result.sheets_read),
                *(
                    [name, None, f"Dilewati: {why}"]
                    for name, why in result.sheets_skipped
                ),
            ],
            widths=[30, 14, 100],
        )
    return xlsx.to_bytes(wb)


# --- Reading -------------------------------------------------------------------


def _open_tables(source: IO[bytes]) -> AbstractContextManager[StreamedTables]:
    """Every sheet's header and rows, streamed (kis_portal.incoming)."""
    limit = max_bytes()
    return open_tables(
        source,
        columns=COLUMNS,
        max_bytes=limit,
        max_unpacked_bytes=limit * XLSX_UNPACKED_FACTOR,
        max_xls_bytes=xls_max_bytes(),
        # _RowChecker trims each cell it reads; the others are never looked at.
        clean=False,
    )


# --- Checking rows -------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    index: dict[str, int]
    labels: list[str]

    @property
    def width(self) -> int:
        return len(self.labels)


class _RowRejected(Exception):
    def __init__(self, nik: str, reason: str) -> None:
        super().__init__(reason)
        self.nik = nik
        self.reason = reason


class _RowChecker:
    """Turns one row into a COPY line, or raises _RowRejected with the reason.

    This runs once per row of extracts of a million rows: the common case takes
    the short paths (plain strings, dictionary look-ups), the rest is cached.
    """

    def __init__(self, columns: _Columns, *, periode: str = "") -> None:
        self.columns = columns
        self.periode = periode
        self.periode_parts = _periode_parts(periode)
        # A file's period cell -> (error, warning): a ranking has one or two.
        self.periodes: dict[Any, tuple[str, str]] = {}
        self.width = columns.width
        self.used = set(columns.index.values())
        index = columns.index
        self.i_nik = index["nik"]
        self.i_nama = index.get("nama")
        self.i_periode = index.get("periode")
        self.i_kk = index.get("no_kk")
        self.i_tanggal = index.get("tanggal_lahir")
        self.i_jk = index.get("jenis_kelamin")
        self.i_desa = index.get("kode_desa")
        self.i_iddtks = index.get("iddtks")
        self.i_desil = index.get("desil")
        self.today = timezone.localdate()
        self.birth_ok: dict[str, bool] = {}
        self.region_errors: dict[str, str] = {}
        self.dates: dict[str, tuple[str | None, str]] = {}
        self.desa: dict[str, str] = {}
        # What was read loosely or emptied in the row just checked.
        self.warnings: list[str] = []

    def check(self, values: Sequence[Any], errors: CellErrors) -> str:
        width = self.width
        extra = False
        count = len(values)
        if count != width:
            extra = count > width and any(_text(v) for v in values[width:])
            values = [*values[:width], *([""] * (width - count))]
        raw_nik = values[self.i_nik]
        inexact = isinstance(raw_nik, Inexact)
        nik, nik_error = ("", "") if inexact else _identifier(raw_nik)
        if errors:
            values = list(values)
            for i, message in errors.items():
                if i not in self.used or (i == self.i_nik and inexact):
                    continue
                label = self.columns.labels[i]
                if i == self.i_nik:
                    raise _RowRejected(nik, f"{label}: {message}")
                # A secondary cell that cannot be read: the person stays.
                self.warnings.append(WARN_EMPTIED.format(message=f"{label}: {message}"))
                values[i] = None
        if extra:
            raise _RowRejected(nik, MSG_EXTRA_COLUMNS.format(n=count, width=width))
        raw_nama = values[self.i_nama] if self.i_nama is not None else ""
        if type(raw_nama) is str and "\n" in raw_nama:
            raise _RowRejected(nik, MSG_NAMA_LINES)
        nama = _one_line(raw_nama)[:150]
        if inexact or nik_error == MSG_NIK_INEXACT:
            nik = self._recovered_nik(raw_nik, nama, values)
        elif nik_error or (nik_error := self._nik_error(nik)):
            raise _RowRejected(nik, nik_error)
        if not nama and self.i_nama is not None:
            self.warnings.append(MSG_NAMA_EMPTY)
        if self.i_periode is not None:
            self._check_periode(values[self.i_periode], nik)
        # Each field's common case first, inline: a plain cell seen before.
        tanggal = desil = None
        no_kk = jk = kode_desa = iddtks = ""
        if (i := self.i_tanggal) is not None:
            value = values[i]
            cached = self.dates.get(value) if type(value) is str else None
            if cached is not None and not cached[1]:
                tanggal = cached[0]
            else:
                tanggal = self._date(value, nik)
        if (i := self.i_desil) is not None:
            value = values[i]
            desil = DESIL.get(value) if type(value) is str else None
            if desil is None:
                desil = self._desil(value)
        if (i := self.i_kk) is not None:
            value = values[i]
            if not isinstance(value, Inexact):
                no_kk = _identifier(value)[0]
                if len(no_kk) != 16 or not no_kk.isdigit():
                    no_kk = ""
        if (i := self.i_jk) is not None:
            value = values[i]
            jk = JENIS_KELAMIN.get(value, "") if type(value) is str else ""
            if not jk:
                jk = _jenis_kelamin(value)
        if (i := self.i_desa) is not None:
            value = values[i]
            kode_desa = self.desa.get(value) if type(value) is str else None
            if kode_desa is None:
                kode_desa = self._kode_desa(value)
        if (i := self.i_iddtks) is not None:
            iddtks = _one_line(values[i])[:40]
            if "\\" in iddtks:
                iddtks = _escape(iddtks)
        if "\\" in nama:
            nama = _escape(nama)
        return (
            f"{nik}\t{no_kk}\t{nama}\t{tanggal or NULL}\t{jk}\t{kode_desa}\t"
            f"{iddtks}\t{desil or NULL}\n"
        )

    def _recovered_nik(self, raw: Any, nama: str, values: Sequence[Any]) -> str:
        """The one earlier DTKS person an NIK from a number cell can be, or refused."""
        digits = str(raw) if isinstance(raw, Inexact) else _inexact_digits(_text(raw))
        shown = f"{digits[:15]}?" if digits else _text(raw)[:20]
        if len(digits) != 16 or not digits.isdigit():
            raise _RowRejected(digits, MSG_NIK_INEXACT)
        if not nama:
            why = (
                "nama kosong" if self.i_nama is not None else "berkas tanpa kolom nama"
            )
            raise _RowRejected(digits, MSG_DIGIT_HILANG.format(digits=shown, why=why))
        stored = int(digits)
        low, high = stored - ROUNDING_BELOW, stored + ROUNDING_ABOVE
        candidates = DtksRecord.objects.filter(
            nik__gte=str(low), nik__lte=str(high)
        ).values_list("nik", "nama", "no_kk")
        kk_raw = values[self.i_kk] if self.i_kk is not None else None
        kk = str(kk_raw)[:14] if isinstance(kk_raw, Inexact) else _identifier(kk_raw)[0]
        fitting = {
            nik
            for nik, other, no_kk in candidates
            if len(nik) == 16
            and names_fit(nama, other)
            and (not kk or not no_kk or no_kk.startswith(kk))
        }
        if len(fitting) == 1:
            self.warnings.append(WARN_NIK_RECOVERED)
            return fitting.pop()
        why = (
            f"{len(fitting)} orang di register DTKS cocok dengan 15 digit dan nama itu"
            if fitting
            else "tidak ada orang di register DTKS sebelumnya dengan 15 digit dan "
            "nama itu"
        )
        raise _RowRejected(digits, MSG_DIGIT_HILANG.format(digits=shown, why=why))

    def _check_periode(self, value: Any, nik: str) -> None:
        """A row of another period is refused; an unreadable period, warned."""
        verdict = self.periodes.get(value)
        if verdict is None:
            text = (
                value.strftime("%Y-%m")
                if isinstance(value, datetime.date)
                else _text(value)
            )
            parts = _periode_parts(text) if text not in EMPTY_MARKERS else None
            if not text or text in EMPTY_MARKERS or self.periode_parts is None:
                verdict = ("", "")
            elif parts is None:
                verdict = (
                    "",
                    WARN_PERIODE.format(text=text[:20], periode=self.periode),
                )
            elif _same_periode(parts, self.periode_parts):
                verdict = ("", "")
            else:
                verdict = (
                    MSG_PERIODE_ROW.format(text=text[:20], periode=self.periode),
                    "",
                )
            if len(self.periodes) < CACHE_MAX:
                self.periodes[value] = verdict
        error, warning = verdict
        if error:
            raise _RowRejected(nik, error)
        if warning:
            self.warnings.append(warning)

    def _nik_error(self, nik: str) -> str:
        """validate_nik's verdict, cached on the parts it looks at.

        validate_nik checks the length, the birth date (digits 7-12) and the
        region (digits 1-4); stdnum takes ~30 us per call, too slow for a
        million rows, so each part's verdict is cached separately (and the
        birth date, of ~70,000 in a regency, read here as stdnum reads it).
        """
        if not nik:
            return MSG_NIK_EMPTY
        if len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
            return _validation_message(nik)
        birth = nik[6:12]
        birth_ok = self.birth_ok.get(birth)
        if birth_ok is None:
            birth_ok = _nik_birth_ok(birth)
            if len(self.birth_ok) >= CACHE_MAX:
                self.birth_ok.clear()
            self.birth_ok[birth] = birth_ok
        if not birth_ok:
            return _validation_message(nik)
        region = nik[:4]
        error = self.region_errors.get(region)
        if error is None:
            # The birth date is fine, so validate_nik's verdict is the region's.
            error = self.region_errors[region] = _validation_message(nik)
        return error

    def _date(self, value: Any, nik: str) -> str | None:
        if type(value) is str:
            cached = self.dates.get(value)
            if cached is None:
                text = value.strip()
                if text in EMPTY_MARKERS:
                    cached = (None, "")
                else:
                    cached = _parse_date(text, self.today)
                if len(self.dates) >= CACHE_MAX:
                    self.dates.clear()
                self.dates[value] = cached
            iso, error = cached
        elif isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime):
                value = value.date()
            iso, error = _check_date(value, value.strftime("%d-%m-%Y"), self.today)
        else:
            return self._date(_text(value), nik)
        if error:
            # Only the birth date is odd: the person stays, read loosely or without it.
            text = _text(value)
            loose = loose_date(text, pivot=self.today.year) if text else None
            if loose is not None and not _check_date(loose, text, self.today)[1]:
                self.warnings.append(
                    WARN_DATE_READ.format(
                        text=text[:30], date=loose.strftime("%d-%m-%Y")
                    )
                )
                return loose.isoformat()
            self.warnings.append(WARN_EMPTIED.format(message=error))
            return None
        return iso

    def _desil(self, value: Any) -> str | None:
        desil, warning = _desil(value)
        if warning:
            self.warnings.append(warning)
        return desil

    def _kode_desa(self, value: Any) -> str:
        kode = self.desa.get(value)
        if kode is None:
            kode = _kode_desa(_text(value))
            if len(self.desa) < CACHE_MAX:
                self.desa[value] = kode
        return kode


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _one_line(value: Any) -> str:
    """Whitespace collapsed: no tab, newline or NUL reaches the COPY line."""
    text = value if type(value) is str else _text(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return " ".join(text.split())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\")


def _unescape(text: str) -> str:
    return text.replace("\\\\", "\\")


def _identifier(value: Any) -> tuple[str, str]:
    """(digits, error) of a NIK or No. KK as text files and sheets deliver them."""
    text = value.strip() if type(value) is str else _text(value)
    if text.isdigit() and text.isascii():
        return text, ""
    if text.startswith('="') and text.endswith('"'):  # Excel's ="5108..." trick
        text = text[2:-1].strip()
    if SCIENTIFIC_RE.fullmatch(text):
        # 5.108042303202654e+15 carries all 16 digits; 5.10804230320265E+15 does not.
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return clean_digits(text), ""
        exponent = number.as_tuple().exponent
        if not isinstance(exponent, int) or exponent > 0:
            return "", MSG_NIK_INEXACT
        if number != number.to_integral_value():
            return "", MSG_NIK_INEXACT
        return str(int(number)), ""
    if match := WHOLE_DECIMAL_RE.fullmatch(text):  # 5108042303202654.0
        return match[1], ""
    return clean_digits(text), ""


def _nik_birth_ok(birth: str) -> bool:
    """Whether digits 7-12 of a NIK are a date as stdnum reads them (DD+40: women)."""
    day, month, year = int(birth[:2]) % 40, int(birth[2:4]), int(birth[4:6])
    for century in (1900, 2000):
        try:
            datetime.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _validation_message(nik: str) -> str:
    try:
        validate_nik(nik)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


def _parse_date(text: str, today: datetime.date) -> tuple[str | None, str]:
    shown = text[:30]
    if match := ISO_DATE_RE.fullmatch(text):
        year, month, day = match[1], match[2], match[3]
    elif match := DMY_DATE_RE.fullmatch(text):
        day, month, year = match[1], match[2], match[3]
    else:
        return None, MSG_DATE_FORMAT.format(text=shown)
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None, MSG_DATE_IMPOSSIBLE.format(text=shown)
    return _check_date(value, shown, today)


def _check_date(
    value: datetime.date, shown: str, today: datetime.date
) -> tuple[str | None, str]:
    if value.year < 1900 or value > today:
        return None, MSG_DATE_RANGE.format(text=shown)
    return value.isoformat(), ""


def _inexact_digits(text: str) -> str:
    """The 16 digits of 5.10806080820001E+15 (15 shown, the 16th lost), or ''."""
    if not SCIENTIFIC_RE.fullmatch(text):
        return ""
    mantissa = text.lower().split("e")[0].replace(",", ".")
    if len(mantissa.replace(".", "").lstrip("0")) != 15:
        return ""
    try:
        number = int(Decimal(text.replace(",", ".")))
    except (InvalidOperation, ValueError):
        return ""
    return str(number) if 10**15 <= number < 10**16 else ""


def _desil(value: Any) -> tuple[str | None, str]:
    """(desil 1-10 or None, warning when it was read loosely or left empty)."""
    if type(value) is str and (desil := DESIL.get(value)):
        return desil, ""
    text = _text(value)
    if text in EMPTY_MARKERS:
        return None, ""
    match = WHOLE_DECIMAL_RE.fullmatch(text)
    digits = match[1] if match else text
    if digits.isascii() and digits.isdigit() and 1 <= int(digits) <= 10:
        return str(int(digits)), ""
    word = DESIL_WORD_RE.fullmatch(text)
    if word and 1 <= int(word[1]) <= 10:
        return str(int(word[1])), WARN_DESIL_READ.format(
            text=text[:20], desil=int(word[1])
        )
    return None, WARN_EMPTIED.format(message=MSG_DESIL.format(text=text[:20]))


BULAN = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb", "pebruari"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct"),
            ("november", "nov", "nop"),
            ("desember", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
ROMAWI_TRIWULAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
PERIODE_WORD_RE = re.compile(r"[a-z]+|\d+")


def _periode_parts(text: str) -> tuple[int, int, int | None] | None:
    """(year, quarter, month or None) of a period as files write it, or None.

    '2026-Q3', 'Q3 2026', 'Triwulan III 2026', 'TW 3 2026', '2026-07',
    '07/2026', 'Juli 2026', '2026-07-01'.
    """
    words = PERIODE_WORD_RE.findall(text.casefold())
    years = [int(w) for w in words if w.isdigit() and len(w) == 4]
    if len(years) != 1 or not 2000 <= years[0] <= 2100:
        return None
    year = years[0]
    rest = [w for w in words if w != str(year)]
    for index, word in enumerate(rest):
        if word in ("q", "tw", "triwulan", "kuartal", "trw") and index + 1 < len(rest):
            following = rest[index + 1]
            quarter = ROMAWI_TRIWULAN.get(following) or (
                int(following) if following.isdigit() else 0
            )
            return (year, quarter, None) if 1 <= quarter <= 4 else None
        if len(word) == 2 and word[0] == "q" and word[1] in "1234":
            return year, int(word[1]), None
        if word in BULAN:
            month = BULAN[word]
            return year, (month - 1) // 3 + 1, month
    numbers = [int(w) for w in rest if w.isdigit()]
    if numbers and 1 <= numbers[0] <= 12:
        month = numbers[0]
        return year, (month - 1) // 3 + 1, month
    return None


def _same_periode(
    a: tuple[int, int, int | None], b: tuple[int, int, int | None]
) -> bool:
    """The same year and quarter, and the same month when both name one."""
    if a[:2] != b[:2]:
        return False
    return a[2] is None or b[2] is None or a[2] == b[2]


def _jenis_kelamin(value: Any) -> str:
    if type(value) is str and (jk := JENIS_KELAMIN.get(value)):
        return jk
    return JENIS_KELAMIN.get(_text(value).upper().replace(" ", "").replace("-", ""), "")


def _kode_desa(text: str) -> str:
    if KODE_DESA_RE.fullmatch(text):
        return text
    if len(text) == 10 and text.isascii() and text.isdigit():
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return ""


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _no_progress(stage: str, rows: int, fraction: float | None) -> None:
    return None


# --- Writing -------------------------------------------------------------------

RECORD_FIELDS = [
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_desa",
    "iddtks",
    "desil",
]
COPY_LINES = 1000  # lines handed to COPY at a time (~100 KB)


def _replace_records(
    kode: str, lines: Iterator[str], result: ImportResult, *, by
) -> None:
    """Replace the period's records with the spooled `lines`, in one transaction.

    COPY straight into the records on PostgreSQL; batched INSERTs elsewhere.
    """
    using = router.db_for_write(DtksRecord)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = DtksRecord._meta
    table = quote(meta.db_table)
    periode_column = quote(meta.get_field("periode").column)
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ["periode", *RECORD_FIELDS]
    )
    with transaction.atomic(using=using):
        periode, _ = (
            DtksPeriode.objects.using(using)
            .select_for_update()
            .get_or_create(kode=kode)
        )
        with connection.cursor() as cursor:
            # Raw SQL: the ORM's delete() would load every record when any
            # delete signal is connected.
            delete = f"DELETE FROM {table} WHERE {periode_column} = %s"  # nosec B608  # identifiers are constants or quoted; values are parameters
            cursor.execute(delete, [periode.pk])
            if connection.vendor == "postgresql":
                result.imported = _copy_records(
                    cursor, f"COPY {table} ({columns}) FROM STDIN", lines, periode.pk
                )
            else:
                result.imported = _insert_records(
                    cursor, lines, f"INSERT INTO {table} ({columns})", periode.pk
                )
        periode.jumlah = result.imported
        periode.save(update_fields=["jumlah", "imported_at"])
        audit_record(
            action=AuditEvent.Action.IMPORT,
            by=by,
            target=periode,
            data={"imported": result.imported, "rejected": result.rejected},
        )


def _analyze_records() -> None:
    """Fresh planner statistics for the records table (PostgreSQL).

    A period replaced wholesale leaves the old statistics describing other
    rows: the next match of the register (the dashboard, the batch) could get a
    plan that compares every member with every record. ANALYZE samples a fixed
    number of rows, a fraction of a second whatever the size.
    """
    using = router.db_for_write(DtksRecord)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"ANALYZE {connection.ops.quote_name(DtksRecord._meta.db_table)}"
        )


class _CopySource:
    """The lines, each led by the period's id, as a file COPY reads (with a count)."""

    def __init__(self, lines: Iterator[str], periode_id: int) -> None:
        self.lines = lines
        self.prefix = f"{periode_id}\t"
        self.count = 0

    def read(self, size: int = -1) -> str:
        batch = list(islice(self.lines, COPY_LINES))
        self.count += len(batch)
        # Each line ends in a newline: the prefix joins them and leads each.
        return self.prefix + self.prefix.join(batch) if batch else ""


def _copy_records(cursor, sql: str, lines: Iterator[str], periode_id: int) -> int:
    """COPY the lines into the records: rows written."""
    source = _CopySource(lines, periode_id)
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, source, size=1 << 16)
        return source.count
    with raw.copy(sql) as copy:  # psycopg 3
        while data := source.read():
            copy.write(data)
    return source.count


def _insert_records(cursor, lines: Iterator[str], insert: str, periode_id: int) -> int:
    """The spooled COPY lines as batched INSERTs (databases without COPY): rows."""
    placeholders = ", ".join(["%s"] * (len(RECORD_FIELDS) + 1))
    sql = f"{insert} VALUES ({placeholders})"
    rows = 0
    batch: list[tuple] = []
    for line in lines:
        nik, no_kk, nama, tanggal, jk, kode_desa, iddtks, desil = line[:-1].split("\t")
        batch.append(
            (
                periode_id,
                nik,
                no_kk,
                _unescape(nama),
                None if tanggal == NULL else tanggal,
                jk,
                kode_desa,
                _unescape(iddtks),
                None if desil == NULL else int(desil),
            )
        )
        if len(batch) >= BATCH_SIZE:
            cursor.executemany(sql, batch)
            rows += len(batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
        rows += len(batch)
    return rows
