"""BPJS's result file ("umpan balik"): file -> parsed rows, then a preview per batch.

Both functions only read: `parse_result` reads the office profile's header
spellings, `preview_result` loads the batch's members once (a dict by NIK) and
matches the rows in memory.

Every sheet is read (BERHASIL and GAGAL often come on two), and what Excel did
to the file is undone where it can be, and said: a NOKA that lost its leading
zeros is padded to 13, a STATUS merged over a household's rows applies to
each, a TMT in any usual spelling is read (an enrolled row whose TMT cannot be
read takes the first of the next month). An NIK read from a number cell may
have lost its last digit (Excel keeps 15): it is matched on the 15 digits that
survive and the name (and the KK when the file has one), or held back as
"digit hilang". Every matched row's name must fit the member's name, and a NOKA
already held by someone else is never given to a second person.
"""

import datetime
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
from kis_portal.names import names_fit
from kis_portal.offices.selectors import get_active_profile
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota

from .models import Batch

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
MSG_DIGIT_HILANG = (
    "Digit hilang: NIK tersimpan sebagai angka ({digits}) sehingga digit "
    "terakhirnya bisa berubah, dan {why}. Format kolom NIK sebagai Teks, ketik "
    "ulang NIK-nya, lalu unggah lagi."
)
MSG_NAME_MISMATCH = (
    'Nama di berkas "{file}" tidak sama dengan nama di rekap "{member}": periksa '
    "apakah NIK ini milik orang yang sama."
)
MSG_NOKA_TAKEN = "NOKA {noka} sudah tercatat untuk {owner}: satu NOKA untuk satu orang."


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
    no_kk: str
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
    nama_berkas: str = ""  # the name the file gives (shown for unmatched rows)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)  # recovered, and how

    @property
    def nama(self) -> str:
        return self.item.nama if self.item else ""

    @property
    def place(self) -> str:
        return f"{self.sheet}: {self.number}" if self.sheet else str(self.number)

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
    sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, rows read)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why not)

    @property
    def recovered(self) -> list[PreviewRow]:
        """Rows used after undoing what Excel did (their notes say what)."""
        return [
            row
            for rows in (self.enrolled, self.failed, self.unchanged)
            for row in rows
            if row.notes
        ]

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
            "dipulihkan": len(self.recovered),
        }


# --- Parsing ------------------------------------------------------------------


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
    rows: list[ParsedRow] = []
    sheets: list[tuple[str, int]] = []
    with gc_paused():
        for table in found.tables:
            before = len(rows)
            for number, values, errors in table.rows:
                row = _parse_row(number, values, errors, table.columns, table)
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
        tmt, note, tmt_unread = _parse_tmt(cell("tmt"))
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


def _parse_tmt(value: CellValue) -> tuple[datetime.date | None, str, str]:
    """(TMT, how it was read when not plainly, the text when it cannot be read).

    An unreadable TMT holds nothing back: the batch's default TMT is used.
    """
    if value is None:
        return None, "", ""
    if isinstance(value, datetime.datetime):
        return value.date(), "", ""
    if isinstance(value, datetime.date):
        return value, "", ""
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date(), "", ""  # noqa: DTZ007
        except ValueError:
            continue
    parsed = loose_date(text, pivot=timezone.localdate().year)
    if parsed is None:
        return None, "", text[:20]
    shown = parsed.strftime("%d-%m-%Y")
    return parsed, NOTE_TMT_READ.format(text=text[:20], tmt=shown), ""


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
            "anggota__usulan__no_kk",
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
        batch=batch,
        default_tmt=first_of_next_month(batch.periode),
        items=items,
        sheets=parsed.sheets,
        skipped=parsed.skipped,
    )
    default_tmt = preview.default_tmt.strftime("%d-%m-%Y")
    by_prefix: dict[str, list[SentMember]] = {}
    for member in items.values():
        by_prefix.setdefault(member.nik[:EXACT_DIGITS], []).append(member)

    def near(digits: str) -> list[SentMember]:
        # Excel cuts the 16th digit to 0; other tools round it (which may carry
        # into the 15th): the NIK lies within -5..+9 of the number stored.
        stored = int(digits)
        low, high = stored - ROUNDING_BELOW, stored + ROUNDING_ABOVE
        prefixes = {str(n)[:EXACT_DIGITS] for n in (low, stored, high)}
        return [
            m
            for prefix in sorted(prefixes)
            for m in by_prefix.get(prefix, ())
            if low <= int(m.nik) <= high
        ]

    by_nik: dict[str, list[ParsedRow]] = {}
    seen: set[str] = set()

    def held(row: ParsedRow, reason: str, item: SentMember | None = None) -> None:
        preview.malformed.append(
            PreviewRow(
                row.number,
                row.nik,
                noka=row.noka,
                reason=reason,
                item=item,
                nama_berkas=row.nama,
                sheet=row.sheet,
            )
        )
        if item is not None:
            seen.add(item.nik)

    for row in parsed.rows:
        if row.problems:
            item = items.get(row.nik)
            held(row, " ".join(row.problems), item)
            continue
        if row.inexact:
            member, why = _by_surviving_digits(row, near(row.nik))
            if member is None:
                digits = f"{row.nik[:EXACT_DIGITS]}?"
                held(row, MSG_DIGIT_HILANG.format(digits=digits, why=why))
                continue
            row.nik = member.nik
        if row.tmt_unread:
            row.notes.append(
                NOTE_TMT_UNREAD.format(text=row.tmt_unread, tmt=default_tmt)
            )
        by_nik.setdefault(row.nik, []).append(row)
    noka_owner: dict[str, str] = {}
    clashing_noka: set[str] = set()
    for nik, rows in by_nik.items():
        for row in rows:
            if row.noka:
                if noka_owner.setdefault(row.noka, nik) != nik:
                    clashing_noka.add(row.noka)
    holders = _noka_holders(set(noka_owner))
    for nik, rows in by_nik.items():
        first = rows[0]
        item = items.get(nik)
        if any(row.key != first.key for row in rows[1:]):
            places = ", ".join(row.place for row in rows)
            for row in rows:
                held(
                    row,
                    f"NIK muncul lebih dari sekali dengan isi berbeda ({places}).",
                    item,
                )
            continue
        preview.duplicates += len(rows) - 1
        if first.noka in clashing_noka:
            held(first, "NOKA yang sama tercantum untuk NIK lain di berkas ini.", item)
            continue
        if item is None:
            preview.unmatched.append(
                PreviewRow(
                    first.number,
                    nik,
                    noka=first.noka,
                    keterangan=first.keterangan,
                    reason=f"NIK tidak ada dalam rekap {batch.periode}.",
                    nama_berkas=first.nama,
                    sheet=first.sheet,
                )
            )
            continue
        if first.nama and not names_fit(first.nama, item.nama):
            held(
                first, MSG_NAME_MISMATCH.format(file=first.nama, member=item.nama), item
            )
            continue
        holder = holders.get(first.noka)
        if first.noka and holder and holder[0] != item.anggota_id:
            held(first, MSG_NOKA_TAKEN.format(noka=first.noka, owner=holder[1]), item)
            continue
        seen.add(nik)
        row = PreviewRow(
            first.number,
            nik,
            noka=first.noka,
            tmt=first.tmt or preview.default_tmt if first.status == ENROLLED else None,
            keterangan=first.keterangan,
            item=item,
            nama_berkas=first.nama,
            sheet=first.sheet,
            notes=first.notes,
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


def _by_surviving_digits(
    row: ParsedRow, candidates: list[SentMember]
) -> tuple[SentMember | None, str]:
    """The one member whose NIK starts with the row's 15 digits and whose name fits."""
    if not candidates:
        return None, "tidak ada anggota rekap dengan 15 digit pertama yang sama"
    if not row.nama:
        return None, "berkas tidak memuat kolom NAMA untuk memastikan orangnya"
    fitting = [m for m in candidates if names_fit(row.nama, m.nama)]
    if row.no_kk:
        fitting = [m for m in fitting if m.no_kk.startswith(row.no_kk)]
    if len(fitting) == 1:
        return fitting[0], ""
    if not fitting:
        return None, f'tidak ada anggota rekap bernama "{row.nama}" dengan 15 digit itu'
    return None, (
        f"{len(fitting)} anggota rekap cocok dengan 15 digit dan nama itu "
        f"({', '.join(m.nama for m in fitting)})"
    )


def _noka_holders(nokas: set[str]) -> dict[str, tuple[int, str]]:
    """NOKA -> (member id, 'NAMA, Desa X') of the members already holding it."""
    if not nokas:
        return {}
    found: dict[str, tuple[int, str]] = {}
    rows = Anggota.objects.filter(noka__in=sorted(nokas), aktif=True).values_list(
        "pk", "noka", "nama", "usulan__desa_id"
    )
    rows = list(rows)
    desa = {d.pk: str(d) for d in Desa.objects.filter(pk__in={r[3] for r in rows})}
    for pk, noka, nama, desa_id in rows:
        found[noka] = (pk, f"{nama} ({desa.get(desa_id, '')})")
    return found
