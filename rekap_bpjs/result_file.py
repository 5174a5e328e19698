"""BPJS's result file ("umpan balik"), read: every sheet, every row cleaned.

`parse_result` reads the file through the one reader for incoming files and
gives each data row cleaned, with what is wrong with it and what was recovered
(rekap_bpjs/imports.py matches the rows to the batch). What Excel did to the
file is undone where it can be, and said: a NOKA that lost its leading zeros
is padded to 13, a STATUS merged over a household's rows applies to each, a
TMT in any usual spelling is read. An NIK read from a number cell (Excel keeps
15 digits) is kept with its 16 digits marked inexact, for the matcher.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from kis_portal.dates import loose_date
from kis_portal.identifiers import clean_digits
from kis_portal.incoming import (
    CellValue,
    Column,
    Columns,
    IncomingError,
    Inexact,
    Table,
    gc_paused,
    normalise_header,
    read_tables,
)
from kis_portal.offices.selectors import get_active_profile
from usulan.models import Anggota

MAX_ROWS = 60_000
# 40,000 rows take a few seconds to parse; the size and zip checks still apply.
TIME_BUDGET_SECONDS = 60.0

# Loose header names (after normalise_header) for each field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik",
        "noktp",
        "nomornik",
        "nonik",
        "niknik",
        "nikpeserta",
        "nikanggota",
        "nomorindukkependudukan",
    ),
    "nama": ("nama", "namapeserta", "namalengkap", "nmpeserta", "namaanggota"),
    "no_kk": ("nokk", "nomorkk", "kk", "nomorkartukeluarga", "nokartukeluarga"),
    "noka": (
        "noka",
        "nokartu",
        "nomorkartu",
        "nokartubpjs",
        "nomorkartubpjs",
        "nokajkn",
        "nokartujkn",
        "nokapeserta",
        "nokabaru",
    ),
    "status": (
        "status",
        "statuspendaftaran",
        "statuspeserta",
        "hasil",
        "statusbpjs",
        "statusproses",
        "hasilproses",
    ),
    "keterangan": ("keterangan", "ket", "alasan", "keteranganbpjs", "catatan"),
    "tmt": ("tmt", "tmtpeserta", "tglmulai", "tanggalmulai", "tmtkepesertaan"),
}
COLUMN_LABELS = {
    "nik": "NIK",
    "nama": "NAMA",
    "no_kk": "NO KK",
    "noka": "NOKA",
    "status": "STATUS",
    "keterangan": "KETERANGAN",
    "tmt": "TMT",
}
REQUIRED = ("nik", "status")


def header_columns(extra: dict[str, list[str]] | None = None) -> Columns:
    """The columns read, with an office's own header spellings after the usual ones."""
    extra = extra if isinstance(extra, dict) else {}
    return Columns(
        *(
            Column(
                key,
                (*names, *(str(name) for name in extra.get(key) or ())),
                label=COLUMN_LABELS[key],
                required=key in REQUIRED,
            )
            for key, names in COLUMNS.items()
        )
    )


HEADER = header_columns()

ENROLLED_WORDS = frozenset({"BERHASIL", "SUKSES", "TERDAFTAR", "AKTIF"})
FAILED_WORDS = frozenset({"GAGAL", "DITOLAK"})

ENROLLED = Anggota.StatusBpjs.TERDAFTAR
FAILED = Anggota.StatusBpjs.GAGAL

MSG_NO_ROWS = "Berkas tidak berisi baris data di bawah judul kolom."

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
NOKA_LENGTH = 13
# A NOKA starts with zeros; a number cell drops them (0001261832477 -> 1261832477).
NOKA_MIN_DIGITS = 9
EXACT_DIGITS = 15
ROUNDING_BELOW, ROUNDING_ABOVE = 5, 9

NOTE_NOKA_PADDED = (
    "NOKA tanpa angka 0 di depan (sel angka): dilengkapi menjadi 13 angka."
)
NOTE_MERGED = "STATUS dari sel gabungan beberapa baris."
NOTE_NIK_DIGITS = (
    "NIK tersimpan sebagai angka (digit terakhir bisa hilang): cocok dengan 15 digit "
    "pertama dan nama."
)
NOTE_TMT_UNREAD = 'TMT "{text}" tidak terbaca: dipakai {tmt}.'
NOTE_TMT_READ = 'TMT "{text}" dibaca sebagai {tmt}.'


class ResultFileError(ValidationError):
    """The file as a whole cannot be used; the message is for the uploader."""


@dataclass
class ParsedRow:
    """One data row of the file, cleaned, with what is wrong with it."""

    number: int
    nik: str
    noka: str
    status: str  # Anggota.StatusBpjs value, or "" when not recognised
    status_text: str
    keterangan: str
    tmt: datetime.date | None
    problems: list[str] = field(default_factory=list)
    sheet: str = ""
    nama: str = ""  # the name as the file writes it
    no_kk: str = ""
    # The NIK (and KK) came from a number cell: only the first 15 digits are sure.
    inexact: bool = False
    kk_inexact: bool = False
    notes: list[str] = field(default_factory=list)  # what was recovered, and how
    tmt_unread: str = ""  # a TMT that could not be read (the default is used)

    @property
    def key(self) -> tuple:
        return (self.status, self.noka, self.keterangan, self.tmt)

    @property
    def place(self) -> str:
        """'baris 4' or 'GAGAL baris 4' when the workbook has several sheets."""
        return (
            f"{self.sheet} baris {self.number}"
            if self.sheet
            else f"baris {self.number}"
        )


@dataclass
class ParsedResult:
    filename: str
    header: list[str]
    columns: dict[str, str]  # field -> the header as written in the file
    rows: list[ParsedRow]
    sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, rows read)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why not)


def parse_result(
    content: bytes, filename: str, *, synonyms: dict[str, list[str]] | None = None
) -> ParsedResult:
    """The rows of every sheet of a BPJS result file (XLSX, XLS or CSV).

    `synonyms` are extra header spellings (the active office profile's by
    default). Raises ResultFileError when no sheet can be used.
    """
    if synonyms is None:
        profile = get_active_profile()
        synonyms = profile.header_sinonim_hasil if profile else {}
    try:
        found = read_tables(
            content,
            columns=header_columns(synonyms),
            max_rows=MAX_ROWS,
            time_budget=TIME_BUDGET_SECONDS,
        )
    except IncomingError as exc:
        raise ResultFileError(exc.message) from exc
    several = len(found.tables) > 1
    year = timezone.localdate().year  # two-digit TMT years pivot on it
    rows: list[ParsedRow] = []
    sheets: list[tuple[str, int]] = []
    with gc_paused():
        for table in found.tables:
            before = len(rows)
            for number, values, errors in table.rows:
                row = _parse_row(number, values, errors, table.columns, table, year)
                if row is not None:
                    row.sheet = table.sheet if several else ""
                    rows.append(row)
            sheets.append((table.sheet, len(rows) - before))
    if not rows:
        raise ResultFileError(MSG_NO_ROWS)
    first = found.tables[0]
    return ParsedResult(
        filename=filename,
        header=first.header,
        columns={name: first.header[index] for name, index in first.columns.items()},
        rows=rows,
        sheets=sheets,
        skipped=found.skipped,
    )


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _parse_row(
    number: int,
    values: list[CellValue],
    errors: dict[int, str],
    columns: dict[str, int],
    table: Table,
    year: int,
) -> ParsedRow | None:
    width = len(values)
    cells = {
        name: values[index] if index < width else None
        for name, index in columns.items()
    }

    def cell(name: str) -> CellValue:
        return cells.get(name)

    nik_raw, noka_raw, status_raw = cell("nik"), cell("noka"), cell("status")
    used = columns.values()
    if all(value is None for value in cells.values()) and not (
        errors and not set(used).isdisjoint(errors)
    ):
        return None  # nothing in the columns we read (a numbering or total row)
    if not (type(nik_raw) is str and nik_raw.isdigit()) and (
        normalise_header(nik_raw) in COLUMNS["nik"]
    ):
        return None  # the header repeated (page breaks in BPJS's export)
    # A 16-digit NIK or KK from a number cell: matched on what survives, below.
    inexact = isinstance(nik_raw, Inexact)
    kk_raw = cell("no_kk")
    kk_inexact = isinstance(kk_raw, Inexact)
    readable = {
        index
        for key, index in columns.items()
        if (key == "nik" and inexact) or (key == "no_kk" and kk_inexact)
    }
    problems = (
        [
            f"{table.label(index)}: {message}"
            for index, message in sorted(errors.items())
            if index in used and index not in readable
        ]
        if errors
        else []
    )
    notes: list[str] = []
    if inexact:
        nik, problem = _surviving(nik_raw)
    else:
        nik, problem = _clean_nik(nik_raw)
        if problem and SCIENTIFIC.match(
            problem_text := _text(nik_raw).replace(" ", "")
        ):
            digits = _scientific_digits(problem_text)
            if digits:  # 5.10806080820001E+15: 15 digits kept, like a number cell
                nik, problem, inexact = digits, "", True
    if problem and columns["nik"] not in errors:
        problems.append(problem)
    status_text = _text(status_raw)
    word = status_text.upper()
    status = (
        ENROLLED if word in ENROLLED_WORDS else FAILED if word in FAILED_WORDS else ""
    )
    if not status and columns["status"] not in errors:
        problems.append(
            "STATUS kosong."
            if not status_text
            else f'STATUS "{status_text[:40]}" tidak dikenal (harus BERHASIL atau GAGAL).'
        )
    if status and (number, columns["status"]) in table.merged:
        notes.append(NOTE_MERGED)
    noka = clean_digits(_text(noka_raw)) if noka_raw is not None else ""
    if (
        status == ENROLLED
        and noka.isdigit()
        and NOKA_MIN_DIGITS <= len(noka) < NOKA_LENGTH
    ):
        noka = noka.zfill(NOKA_LENGTH)
        notes.append(NOTE_NOKA_PADDED)
    tmt, tmt_unread = None, ""
    if status == ENROLLED:
        tmt, note, tmt_unread = _parse_tmt(cell("tmt"), year)
        if note:
            notes.append(note)
        if not noka:
            problems.append("NOKA kosong untuk peserta yang berhasil.")
        elif not re.fullmatch(r"\d{13}", noka):
            problems.append(
                f"NOKA harus 13 angka (terbaca {len(noka)} karakter); angka nol di "
                "depan hilang bila kolom berformat angka."
            )
    if inexact:
        notes.append(NOTE_NIK_DIGITS)
    kk = ""
    if kk_raw is not None:
        # A KK from a number cell is compared on its first 14 digits: the 16th
        # is lost and a rounding may have carried into the 15th.
        kk = str(kk_raw)[:14] if kk_inexact else clean_digits(_text(kk_raw))
    return ParsedRow(
        number=number,
        nik=nik,
        noka=noka if status == ENROLLED else "",
        status=status,
        status_text=status_text,
        keterangan=_text(cell("keterangan"))[:300],
        tmt=tmt,
        problems=problems,
        nama=_text(cell("nama"))[:150],
        no_kk=kk,
        inexact=inexact,
        kk_inexact=kk_inexact,
        notes=notes,
        tmt_unread=tmt_unread,
    )


def _clean_nik(value: CellValue) -> tuple[str, str]:
    """(16-digit NIK or what was read, problem)."""
    if type(value) is str and len(value) == 16 and value.isascii() and value.isdigit():
        return value, ""  # the common case, as the checks below would find it
    text = _text(value)
    if not text:
        return "", "NIK kosong."
    if isinstance(value, datetime.date):
        return text, "NIK terbaca sebagai tanggal."
    compact = text.replace(" ", "").lstrip("'")
    if SCIENTIFIC.match(compact):
        mantissa = compact.lower().split("e")[0].lstrip("+-").replace(",", ".")
        significant = mantissa.replace(".", "").lstrip("0")
        try:
            number = Decimal(compact.replace(",", "."))
        except InvalidOperation:
            return compact, "NIK tidak terbaca."
        digits = str(int(number)) if number == number.to_integral_value() else ""
        if len(digits) == 16 and len(significant) >= 16:
            return digits, ""
        return compact, (
            f"NIK tersimpan sebagai angka ilmiah ({compact}) sehingga digitnya "
            "hilang. Format kolom NIK sebagai Teks di berkas BPJS."
        )
    if re.fullmatch(r"'?\d+\.0+", compact):  # a number cell written as 5108....0
        compact = compact.split(".")[0]
    nik = clean_digits(compact)
    if not nik.isdigit():
        return nik[:20], "NIK berisi karakter selain angka."
    if len(nik) != 16:
        return nik, f"NIK harus 16 angka (terbaca {len(nik)} angka)."
    return nik, ""


def _surviving(value: Inexact) -> tuple[str, str]:
    """The 16 digits of an NIK read from a number cell (the last unsure), or a problem."""
    digits = str(value).lstrip("-")
    if len(digits) != 16:
        return digits[:20], f"NIK harus 16 angka (terbaca {len(digits)} angka)."
    return digits, ""


def _scientific_digits(text: str) -> str:
    """The 16 digits of a number written 5.10806080820001E+15 (the last unsure)."""
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return ""
    if number != number.to_integral_value() or not 10**15 <= number < 10**16:
        return ""
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(",", ".")
    if len(mantissa.replace(".", "").lstrip("0")) != EXACT_DIGITS:
        return ""  # fewer digits shown (5.108E+15): too many are lost
    return str(int(number))


def _parse_tmt(
    value: CellValue, year: int | None = None
) -> tuple[datetime.date | None, str, str]:
    """(TMT, how it was read when not plainly, the text when it cannot be read).

    An unreadable TMT holds nothing back: the batch's default TMT is used.
    A two-digit year pivots on `year` (this year by default).
    """
    if value is None:
        return None, "", ""
    if isinstance(value, datetime.datetime):
        return value.date(), "", ""
    if isinstance(value, datetime.date):
        return value, "", ""
    return _tmt_from_text(
        str(value).strip(), timezone.localdate().year if year is None else year
    )


@functools.lru_cache(maxsize=4096)
def _tmt_from_text(text: str, year: int) -> tuple[datetime.date | None, str, str]:
    """`_parse_tmt` of a text: a file repeats a few TMTs over its 40,000 rows."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date(), "", ""  # noqa: DTZ007
        except ValueError:
            continue
    parsed = loose_date(text, pivot=year)
    if parsed is None:
        return None, "", text[:20]
    shown = parsed.strftime("%d-%m-%Y")
    return parsed, NOTE_TMT_READ.format(text=text[:20], tmt=shown), ""
