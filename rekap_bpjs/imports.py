"""BPJS's result file ("umpan balik"): file -> parsed rows, then a preview per batch.

Both functions only read: `parse_result` touches no database, `preview_result`
loads the batch's members once (a dict by NIK) and matches the rows in memory.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from openpyxl.utils.datetime import from_excel

from kis_portal.identifiers import clean_digits
from kis_portal.incoming import (
    CellValue,
    Column,
    Columns,
    IncomingError,
    Table,
    gc_paused,
    normalise_header,
    read_table,
)
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota

from .models import Batch

MAX_ROWS = 60_000
# 40,000 rows take a few seconds to parse; the size and zip checks still apply.
TIME_BUDGET_SECONDS = 60.0

# Loose header names (after normalise_header) for each field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "noktp", "nomornik", "nonik", "niknik"),
    "noka": (
        "noka",
        "nokartu",
        "nomorkartu",
        "nokartubpjs",
        "nomorkartubpjs",
        "nokajkn",
        "nokartujkn",
    ),
    "status": ("status", "statuspendaftaran", "statuspeserta", "hasil", "statusbpjs"),
    "keterangan": ("keterangan", "ket", "alasan", "keteranganbpjs", "catatan"),
    "tmt": ("tmt", "tmtpeserta", "tglmulai", "tanggalmulai", "tmtkepesertaan"),
}
COLUMN_LABELS = {
    "nik": "NIK",
    "noka": "NOKA",
    "status": "STATUS",
    "keterangan": "KETERANGAN",
    "tmt": "TMT",
}
REQUIRED = ("nik", "status")
HEADER = Columns(
    *(
        Column(key, names, label=COLUMN_LABELS[key], required=key in REQUIRED)
        for key, names in COLUMNS.items()
    )
)

ENROLLED_WORDS = frozenset({"BERHASIL", "SUKSES", "TERDAFTAR", "AKTIF"})
FAILED_WORDS = frozenset({"GAGAL", "DITOLAK"})

ENROLLED = Anggota.StatusBpjs.TERDAFTAR
FAILED = Anggota.StatusBpjs.GAGAL

MSG_NO_ROWS = "Berkas tidak berisi baris data di bawah judul kolom."

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")


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

    @property
    def key(self) -> tuple:
        return (self.status, self.noka, self.keterangan, self.tmt)


@dataclass
class ParsedResult:
    filename: str
    header: list[str]
    columns: dict[str, str]  # field -> the header as written in the file
    rows: list[ParsedRow]


HASIL_LABELS = dict(Anggota.StatusBpjs.choices)


@dataclass(slots=True)
class SentMember:
    """A member sent in the batch, as matching and applying a result need it.

    Plain values, not model instances: a batch holds up to 40,000 members and
    building four model instances each took longer than the rest of the match.
    """

    item_id: int  # the BatchItem
    nik: str
    hasil: str
    noka: str
    keterangan: str
    urutan: int
    anggota_id: int
    nama: str
    usulan_id: int
    desa: str  # "Desa Kalibukbuk"
    tmt: datetime.date | None = None

    def get_hasil_display(self) -> str:
        return str(HASIL_LABELS.get(self.hasil, self.hasil))


@dataclass
class PreviewRow:
    """A file row as the office sees it: matched member or the reason it is not."""

    number: int
    nik: str
    noka: str = ""
    tmt: datetime.date | None = None
    keterangan: str = ""
    reason: str = ""
    item: SentMember | None = None

    @property
    def nama(self) -> str:
        return self.item.nama if self.item else ""

    @property
    def desa(self) -> str:
        return self.item.desa if self.item else ""


@dataclass
class ResultPreview:
    batch: Batch
    enrolled: list[PreviewRow] = field(default_factory=list)
    failed: list[PreviewRow] = field(default_factory=list)
    unmatched: list[PreviewRow] = field(default_factory=list)
    malformed: list[PreviewRow] = field(default_factory=list)
    # Members whose result was applied before, given again the same: no change.
    unchanged: list[PreviewRow] = field(default_factory=list)
    # Members already enrolled (or failed) whose row now says otherwise: not applied.
    conflicts: list[PreviewRow] = field(default_factory=list)
    duplicates: int = 0  # identical repeated rows, counted once
    missing: int = 0  # batch members absent from the file: they stay waiting
    default_tmt: datetime.date | None = None
    # Every member sent in the batch, by NIK.
    items: dict[str, SentMember] = field(default_factory=dict, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "terdaftar": len(self.enrolled),
            "gagal": len(self.failed),
            "tidak_cocok": len(self.unmatched),
            "salah_format": len(self.malformed),
            "tidak_berubah": len(self.unchanged),
            "konflik": len(self.conflicts),
            "duplikat": self.duplicates,
            "menunggu": self.missing,
        }


# --- Parsing ------------------------------------------------------------------


def parse_result(content: bytes, filename: str) -> ParsedResult:
    """The rows of a BPJS result file (XLSX or CSV), or ResultFileError."""
    try:
        table = read_table(
            content, columns=HEADER, max_rows=MAX_ROWS, time_budget=TIME_BUDGET_SECONDS
        )
    except IncomingError as exc:
        raise ResultFileError(exc.message) from exc
    header, columns = table.header, table.columns
    rows = []
    with gc_paused():
        for number, values, errors in table.rows:
            row = _parse_row(number, values, errors, columns, table)
            if row is not None:
                rows.append(row)
    if not rows:
        raise ResultFileError(MSG_NO_ROWS)
    return ParsedResult(
        filename=filename,
        header=header,
        columns={name: header[index] for name, index in columns.items()},
        rows=rows,
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
    problems = (
        [
            f"{table.label(index)}: {message}"
            for index, message in sorted(errors.items())
            if index in used
        ]
        if errors
        else []
    )
    nik, problem = _clean_nik(nik_raw)
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
    noka = clean_digits(_text(noka_raw)) if noka_raw is not None else ""
    tmt, tmt_problem = _parse_date(cell("tmt"))
    if tmt_problem and status == ENROLLED:
        problems.append(tmt_problem)
    if status == ENROLLED:
        if not noka:
            problems.append("NOKA kosong untuk peserta yang berhasil.")
        elif not re.fullmatch(r"\d{13}", noka):
            problems.append(
                f"NOKA harus 13 angka (terbaca {len(noka)} karakter); angka nol di "
                "depan hilang bila kolom berformat angka."
            )
    return ParsedRow(
        number=number,
        nik=nik,
        noka=noka if status == ENROLLED else "",
        status=status,
        status_text=status_text,
        keterangan=_text(cell("keterangan"))[:300],
        tmt=tmt if status == ENROLLED else None,
        problems=problems,
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


def _parse_date(value: CellValue) -> tuple[datetime.date | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    return _parse_date_text(str(value).strip())


@functools.lru_cache(maxsize=1024)
def _parse_date_text(text: str) -> tuple[datetime.date | None, str]:
    # Cached: a result file repeats a handful of TMT spellings 40,000 times.
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date(), ""  # noqa: DTZ007
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}", text):  # an Excel date serial stored as text
        return from_excel(int(text)).date(), ""
    return None, f'TMT "{text[:20]}" bukan tanggal (gunakan DD-MM-YYYY).'


# --- Preview --------------------------------------------------------------------


def first_of_next_month(periode: str) -> datetime.date:
    """Coverage starts on the 1st of the month after the batch was sent."""
    year, month = (int(part) for part in periode.split("-"))
    return datetime.date(year + month // 12, month % 12 + 1, 1)


def sent_members(batch: Batch) -> dict[str, SentMember]:
    """Every member sent in `batch`, by NIK: one query, no model instances."""

    rows = list(
        batch.items.filter(diambil=True)
        .order_by("urutan")
        .values_list(
            "pk",
            "nik",
            "hasil",
            "noka",
            "keterangan",
            "urutan",
            "anggota_id",
            "anggota__nama",
            "anggota__usulan_id",
            "anggota__usulan__desa_id",
        )
    )
    desa = {d.pk: str(d) for d in Desa.objects.filter(pk__in={r[-1] for r in rows})}
    return {row[1]: SentMember(*row[:-1], desa=desa.get(row[-1], "")) for row in rows}


def preview_result(batch: Batch, parsed: ParsedResult) -> ResultPreview:
    """Match the file's rows to the batch's members; nothing is written."""
    with gc_paused():
        return _preview(batch, parsed)


def _preview(batch: Batch, parsed: ParsedResult) -> ResultPreview:
    items = sent_members(batch)
    preview = ResultPreview(
        batch=batch, default_tmt=first_of_next_month(batch.periode), items=items
    )
    by_nik: dict[str, list[ParsedRow]] = {}
    seen: set[str] = set()
    for row in parsed.rows:
        if row.problems:
            preview.malformed.append(
                PreviewRow(
                    row.number,
                    row.nik,
                    reason=" ".join(row.problems),
                    item=items.get(row.nik),
                )
            )
            seen.add(row.nik)
        else:
            by_nik.setdefault(row.nik, []).append(row)
    noka_owner: dict[str, str] = {}
    clashing_noka: set[str] = set()
    for nik, rows in by_nik.items():
        for row in rows:
            if row.noka:
                if noka_owner.setdefault(row.noka, nik) != nik:
                    clashing_noka.add(row.noka)
    for nik, rows in by_nik.items():
        first = rows[0]
        if any(row.key != first.key for row in rows[1:]):
            lines = ", ".join(str(row.number) for row in rows)
            for row in rows:
                preview.malformed.append(
                    PreviewRow(
                        row.number,
                        nik,
                        reason=f"NIK muncul lebih dari sekali dengan isi berbeda "
                        f"(baris {lines}).",
                        item=items.get(nik),
                    )
                )
            seen.add(nik)
            continue
        preview.duplicates += len(rows) - 1
        item = items.get(nik)
        if first.noka in clashing_noka:
            preview.malformed.append(
                PreviewRow(
                    first.number,
                    nik,
                    noka=first.noka,
                    reason="NOKA yang sama tercantum untuk NIK lain di berkas ini.",
                    item=item,
                )
            )
            seen.add(nik)
            continue
        if item is None:
            preview.unmatched.append(
                PreviewRow(
                    first.number,
                    nik,
                    noka=first.noka,
                    keterangan=first.keterangan,
                    reason=f"NIK tidak ada dalam rekap {batch.periode}.",
                )
            )
            continue
        seen.add(nik)
        row = PreviewRow(
            first.number,
            nik,
            noka=first.noka,
            tmt=first.tmt or preview.default_tmt if first.status == ENROLLED else None,
            keterangan=first.keterangan,
            item=item,
        )
        if item.hasil == first.status and (
            first.status == FAILED or item.noka == first.noka
        ):
            preview.unchanged.append(row)
        elif item.hasil == ENROLLED or (item.hasil == FAILED and first.status):
            was = item.get_hasil_display().lower()
            row.reason = (
                f"Sudah tercatat {was}"
                + (f" (NOKA {item.noka})" if item.noka else "")
                + f"; berkas ini menyebut {first.status_text}. Tidak diubah."
            )
            preview.conflicts.append(row)
        elif first.status == ENROLLED:
            preview.enrolled.append(row)
        else:
            preview.failed.append(row)
    preview.missing = sum(
        1 for nik, item in items.items() if nik not in seen and not item.hasil
    )
    return preview
