"""BPJS's monthly list of deactivated (non-active) participants, matched to the register.

The register is every member enrolled through this portal (status_bpjs
"terdaftar"). Each row of BPJS's list (XLSX, XLS or CSV, through the one reader
`kis_portal.incoming`, header spellings compared loosely) is matched by NOKA
and by NIK. Never to a wrong person: a row is held back, with the reason, when
- its NOKA and its NIK point at two different members;
- its name does not fit the member's (`kis_portal.names.names_fit`);
- its NIK came from a number cell (Excel keeps 15 digits, `Inexact`) and the
  15 surviving digits, the name (and the KK when the file has one) do not name
  exactly one member;
- its deactivation date is missing or cannot be read;
- the same member appears again with another date.
A row that names no portal participant is not ours (counted, not held).

This module only reads; `services.nonaktif_import` writes what the preview
showed, after parsing and matching the same file again.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from kis_portal.dates import loose_date
from kis_portal.identifiers import clean_digits
from kis_portal.incoming import (
    CellValue,
    Column,
    Columns,
    IncomingError,
    Inexact,
    gc_paused,
    read_table,
)
from kis_portal.names import names_fit
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.privacy import mask_identifier
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota
from usulan.reaktivasi import deadline

from .models import Nonaktif
from .result_file import (
    EXACT_DIGITS,
    NOKA_LENGTH,
    NOKA_MIN_DIGITS,
    ROUNDING_ABOVE,
    ROUNDING_BELOW,
    SCIENTIFIC,
    _clean_nik,
    _scientific_digits,
    _surviving,
)

MAX_ROWS = 60_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "noka": (
        "NOKA",
        "NO KARTU",
        "NOMOR KARTU",
        "NO KARTU PESERTA",
        "NOMOR KARTU PESERTA",
        "NOKA PESERTA",
        "NO KARTU JKN",
        "NO KARTU BPJS",
    ),
    "nik": ("NIK", "NO KTP", "NOMOR INDUK KEPENDUDUKAN", "NIK PESERTA", "NO NIK"),
    "nama": ("NAMA", "NAMA PESERTA", "NAMA LENGKAP", "NM PESERTA"),
    "no_kk": ("NO KK", "NOMOR KK", "KK", "NOMOR KARTU KELUARGA"),
    "tanggal": (
        "TGL NONAKTIF",
        "TANGGAL NONAKTIF",
        "TMT NONAKTIF",
        "TGL NON AKTIF",
        "TANGGAL NON AKTIF",
        "TMT NON AKTIF",
        "TANGGAL PENONAKTIFAN",
        "TGL PENONAKTIFAN",
        "TMT PENONAKTIFAN",
        "TANGGAL",
        "TMT",
    ),
    "keterangan": (
        "KETERANGAN",
        "ALASAN",
        "ALASAN NONAKTIF",
        "KET",
        "STATUS",
        "STATUS PESERTA",
    ),
}
LABELS = {"tanggal": "TGL NONAKTIF", "no_kk": "NO KK"}


def header_columns(extra: dict[str, list[str]] | None = None) -> Columns:
    """The columns read, with the office's own spellings
    (`OfficeProfile.header_sinonim_nonaktif`) after the usual ones."""
    extra = extra if isinstance(extra, dict) else {}
    return Columns(
        *(
            Column(
                key,
                (*names, *(str(name) for name in extra.get(key) or ())),
                label=LABELS.get(key, ""),
                required=key in ("nama", "tanggal"),
            )
            for key, names in COLUMNS.items()
        ),
        hint="Daftar peserta nonaktif BPJS memuat NOKA atau NIK, NAMA dan TGL "
        "NONAKTIF.",
    )


HEADER = header_columns()

MSG_NO_ID_COLUMN = (
    "Berkas tidak memuat kolom NOKA maupun NIK: baris tidak dapat dicocokkan."
)
MSG_NO_ROWS = "Berkas tidak berisi baris peserta di bawah judul kolom."
MSG_NO_ID = "NOKA dan NIK kosong atau tidak terbaca."
MSG_NO_DATE = "TGL NONAKTIF kosong."
MSG_BAD_DATE = 'TGL NONAKTIF "{text}" tidak terbaca.'
MSG_FUTURE_DATE = "TGL NONAKTIF {tanggal} setelah hari ini."
MSG_TWO_PEOPLE = (
    "NOKA {noka} milik {a}, sedangkan NIK milik {b}: dua orang berbeda, tidak "
    "dicocokkan."
)
MSG_NIK_DIFFERS = (
    "NOKA {noka} milik {a} tetapi NIK di berkas berbeda: periksa apakah orangnya sama."
)
MSG_NAME = (
    'Nama di berkas "{file}" tidak sama dengan nama peserta "{member}": periksa '
    "apakah orangnya sama."
)
MSG_INEXACT = (
    "NIK tersimpan sebagai angka ({digits}) sehingga digit terakhirnya bisa "
    "berubah, dan {why}."
)
MSG_TWICE = "Peserta ini muncul lebih dari sekali dengan tanggal berbeda ({places})."
NOTE_NOKA_PADDED = "NOKA tanpa angka 0 di depan (sel angka): dilengkapi 13 angka."
NOTE_NIK_DIGITS = "NIK tersimpan sebagai angka: cocok dengan 15 digit pertama dan nama."


class DeactivationFileError(Exception):
    """The list as a whole cannot be used; the message is for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Peserta:
    """A member of the register, as matching needs it (plain values)."""

    anggota_id: int
    nik: str
    noka: str
    nama: str
    no_kk: str
    desa_id: int
    desa: str = ""


@dataclass
class DeactivationRow:
    """One row of the file, read, and what became of it."""

    number: int
    noka: str = ""
    nik: str = ""
    inexact: bool = False
    nama: str = ""
    no_kk: str = ""
    tanggal: datetime.date | None = None
    keterangan: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    peserta: Peserta | None = None
    reason: str = ""
    batas: datetime.date | None = None

    @property
    def nik_masked(self) -> str:
        return mask_identifier(self.nik) if self.nik else ""


@dataclass
class DeactivationPreview:
    matched: list[DeactivationRow] = field(default_factory=list)
    held: list[DeactivationRow] = field(default_factory=list)
    unknown: list[DeactivationRow] = field(default_factory=list)  # not ours
    already: list[DeactivationRow] = field(default_factory=list)  # recorded before
    duplicates: int = 0
    rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "baris": self.rows,
            "cocok": len(self.matched),
            "ditahan": len(self.held),
            "tidak_dikenal": len(self.unknown),
            "sudah_tercatat": len(self.already),
            "duplikat": self.duplicates,
        }


# --- Reading -------------------------------------------------------------------


def parse_deactivations(
    content: bytes, *, synonyms: dict[str, list[str]] | None = None
) -> list[DeactivationRow]:
    """The rows of BPJS's list; `synonyms` are extra header spellings (the
    active office profile's by default)."""
    if synonyms is None:
        profile = get_active_profile()
        synonyms = profile.header_sinonim_nonaktif if profile else {}
    try:
        table = read_table(content, columns=header_columns(synonyms), max_rows=MAX_ROWS)
    except IncomingError as exc:
        raise DeactivationFileError(exc.message) from exc
    if "noka" not in table.columns and "nik" not in table.columns:
        raise DeactivationFileError(MSG_NO_ID_COLUMN)
    today = timezone.localdate()
    rows: list[DeactivationRow] = []
    with gc_paused():
        for number, values, errors in table.rows:
            row = _row(number, values, errors, table.columns, today)
            if row is not None:
                rows.append(row)
    if not rows:
        raise DeactivationFileError(MSG_NO_ROWS)
    return rows


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _row(
    number: int,
    values: list[CellValue],
    errors: dict[int, str],
    columns: dict[str, int],
    today: datetime.date,
) -> DeactivationRow | None:
    def cell(name: str) -> CellValue:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    if all(cell(name) is None for name in columns):
        return None
    row = DeactivationRow(number=number)
    noka = clean_digits(_text(cell("noka")))
    if noka.isdigit() and NOKA_MIN_DIGITS <= len(noka) < NOKA_LENGTH:
        noka = noka.zfill(NOKA_LENGTH)
        row.notes.append(NOTE_NOKA_PADDED)
    if noka.isdigit() and len(noka) == NOKA_LENGTH:
        row.noka = noka
    nik_raw = cell("nik")
    if isinstance(nik_raw, Inexact):
        nik, problem = _surviving(nik_raw)
        row.inexact = not problem
    elif nik_raw is not None:
        nik, problem = _clean_nik(nik_raw)
        compact = _text(nik_raw).replace(" ", "")
        if problem and SCIENTIFIC.match(compact):
            digits = _scientific_digits(compact)
            if digits:
                nik, problem, row.inexact = digits, "", True
    else:
        nik, problem = "", ""
    if not problem and nik:
        row.nik = nik
        if row.inexact:
            row.notes.append(NOTE_NIK_DIGITS)
    row.nama = _text(cell("nama"))[:150].upper()
    kk_raw = cell("no_kk")
    if kk_raw is not None:
        row.no_kk = (
            str(kk_raw)[:14]
            if isinstance(kk_raw, Inexact)
            else clean_digits(_text(kk_raw))
        )
    row.keterangan = _text(cell("keterangan"))[:300]
    if not row.noka and not row.nik:
        if not any(_text(cell(name)) for name in ("noka", "nik")):
            if not row.nama:
                return None  # a total or a note line
        row.problems.append(MSG_NO_ID + (f" {problem}" if problem else ""))
    tanggal = cell("tanggal")
    if isinstance(tanggal, datetime.datetime):
        row.tanggal = tanggal.date()
    elif isinstance(tanggal, datetime.date):
        row.tanggal = tanggal
    elif tanggal is None:
        row.problems.append(MSG_NO_DATE)
    else:
        row.tanggal = loose_date(_text(tanggal), pivot=today.year)
        if row.tanggal is None:
            row.problems.append(MSG_BAD_DATE.format(text=_text(tanggal)[:20]))
    if row.tanggal and row.tanggal > today:
        row.problems.append(
            MSG_FUTURE_DATE.format(tanggal=row.tanggal.strftime("%d-%m-%Y"))
        )
    return row


# --- Matching ------------------------------------------------------------------


def register() -> list[Peserta]:
    """Members enrolled through the portal, one query, plain values."""
    rows = list(
        Anggota.objects.filter(status_bpjs=Anggota.StatusBpjs.TERDAFTAR, aktif=True)
        .order_by("pk")
        .values_list("pk", "nik", "noka", "nama", "usulan__no_kk", "usulan__desa_id")
    )
    desa = {d.pk: str(d) for d in Desa.objects.filter(pk__in={r[5] for r in rows})}
    return [Peserta(*row, desa=desa.get(row[5], "")) for row in rows]


def preview_deactivations(
    rows: list[DeactivationRow], *, profile: OfficeProfile | None
) -> DeactivationPreview:
    """Match the rows to the register; nothing is written."""
    with gc_paused():
        return _match(rows, profile)


def _match(
    rows: list[DeactivationRow], profile: OfficeProfile | None
) -> DeactivationPreview:
    members = register()
    by_noka = {m.noka: m for m in members if m.noka}
    by_nik = {m.nik: m for m in members}
    by_prefix: dict[str, list[Peserta]] = {}
    for member in members:
        by_prefix.setdefault(member.nik[:EXACT_DIGITS], []).append(member)
    preview = DeactivationPreview(rows=len(rows))

    def near(digits: str) -> list[Peserta]:
        stored = int(digits)
        low, high = stored - ROUNDING_BELOW, stored + ROUNDING_ABOVE
        prefixes = {str(n)[:EXACT_DIGITS] for n in (low, stored, high)}
        return [
            m
            for prefix in sorted(prefixes)
            for m in by_prefix.get(prefix, ())
            if low <= int(m.nik) <= high
        ]

    def hold(row: DeactivationRow, reason: str) -> None:
        row.reason = reason
        preview.held.append(row)

    found: dict[int, list[DeactivationRow]] = {}
    for row in rows:
        if row.problems:
            hold(row, " ".join(row.problems))
            continue
        by_card = by_noka.get(row.noka) if row.noka else None
        by_id, why = None, ""
        if row.nik and row.inexact:
            candidates = near(row.nik)
            if candidates:
                by_id, why = _by_surviving_digits(row, candidates)
        elif row.nik:
            by_id = by_nik.get(row.nik)
        if by_card and by_id and by_card.anggota_id != by_id.anggota_id:
            hold(
                row,
                MSG_TWO_PEOPLE.format(noka=row.noka, a=_who(by_card), b=_who(by_id)),
            )
            continue
        if by_card and row.nik and not row.inexact and row.nik != by_card.nik:
            hold(row, MSG_NIK_DIFFERS.format(noka=row.noka, a=_who(by_card)))
            continue
        member = by_card or by_id
        if member is None:
            if why:
                digits = f"{row.nik[:EXACT_DIGITS]}?"
                hold(row, MSG_INEXACT.format(digits=digits, why=why))
            else:
                preview.unknown.append(row)
            continue
        if row.nama and not names_fit(row.nama, member.nama):
            hold(row, MSG_NAME.format(file=row.nama, member=member.nama))
            continue
        row.peserta = member
        found.setdefault(member.anggota_id, []).append(row)

    recorded = set(
        Nonaktif.objects.filter(anggota_id__in=list(found)).values_list(
            "anggota_id", "tanggal_nonaktif"
        )
    )
    for anggota_id, same in found.items():
        first = same[0]
        if any(row.tanggal != first.tanggal for row in same[1:]):
            places = ", ".join(f"baris {row.number}" for row in same)
            for row in same:
                hold(row, MSG_TWICE.format(places=places))
            continue
        preview.duplicates += len(same) - 1
        first.batas = deadline(first.tanggal, profile)
        if (anggota_id, first.tanggal) in recorded:
            preview.already.append(first)
        else:
            preview.matched.append(first)
    preview.held.sort(key=lambda row: row.number)
    return preview


def _who(member: Peserta) -> str:
    return f"{member.nama} ({member.desa})"


def _by_surviving_digits(
    row: DeactivationRow, candidates: list[Peserta]
) -> tuple[Peserta | None, str]:
    """The one member whose NIK starts with the row's 15 digits and whose name fits."""
    if not row.nama:
        return None, "berkas tidak memuat NAMA untuk memastikan orangnya"
    fitting = [m for m in candidates if names_fit(row.nama, m.nama)]
    if row.no_kk:
        fitting = [m for m in fitting if m.no_kk.startswith(row.no_kk)]
    if len(fitting) == 1:
        return fitting[0], ""
    if not fitting:
        return None, f'tidak ada peserta bernama "{row.nama}" dengan 15 digit itu'
    return None, (
        f"{len(fitting)} peserta cocok dengan 15 digit dan nama itu "
        f"({', '.join(_who(m) for m in fitting)})"
    )
