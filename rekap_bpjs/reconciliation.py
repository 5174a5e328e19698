"""Reconciling BPJS's list of active participants with the portal's register.

The register is every Anggota with status_bpjs "terdaftar" (enrolled through
this portal). BPJS sends the active participants of the segment as XLSX or
CSV; each of its rows is matched to a member by NOKA first, then by NIK.

Differences, by category:
- tidak_aktif: enrolled here, matched there with a status other than active;
- pindah_segmen: enrolled here, active there in a segment that is not ours
  (ours = settings.KIS_SEGMEN_APBD, by default PBPU PEMDA, PBI APBD, PD PEMDA);
- tidak_ada_di_bpjs: enrolled here, not in the list (moved out or deleted);
- tidak_dikenal: active there in our segment, unknown here.
A list without a STATUS column is taken as all active, and one without a
SEGMEN column as all in our segment (it is the segment's list).
"""

import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

from kis_portal import xlsx
from kis_portal.identifiers import clean_digits
from kis_portal.incoming import (
    Column,
    Columns,
    IncomingError,
    normalise_header,
    open_table,
)
from kis_portal.privacy import mask_identifier
from kis_portal.xlsx_read import MB
from usulan.models import Anggota

MAX_BYTES = 30 * MB
MAX_UNPACKED_BYTES = 300 * MB
NOKA_LENGTH = 13

SEGMEN_APBD_DEFAULT = ["PBPU PEMDA", "PBI APBD", "PD PEMDA"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "noka": (
        "NOKA",
        "NO KARTU",
        "NOMOR KARTU",
        "NO KARTU PESERTA",
        "NOMOR KARTU PESERTA",
        "NOKA PESERTA",
        "NO KARTU JKN",
    ),
    "nik": ("NIK", "NO KTP", "NOMOR INDUK KEPENDUDUKAN", "NIK PESERTA"),
    "nama": ("NAMA", "NAMA PESERTA", "NAMA LENGKAP"),
    "status": ("STATUS", "STATUS PESERTA", "STATUS KEPESERTAAN", "KET STATUS"),
    "segmen": ("SEGMEN", "SEGMEN PESERTA", "SEGMENTASI", "JENIS PESERTA"),
}
REQUIRED = ("noka", "nik", "nama")
HEADER = Columns(
    *(Column(key, names, required=key in REQUIRED) for key, names in COLUMNS.items()),
    hint="Periksa baris judul kolom.",
)
ACTIVE_STATUSES = {"aktif", "active"}

TIDAK_AKTIF = "tidak_aktif"
PINDAH_SEGMEN = "pindah_segmen"
TIDAK_ADA_DI_BPJS = "tidak_ada_di_bpjs"
TIDAK_DIKENAL = "tidak_dikenal"
CATEGORIES: dict[str, str] = {
    TIDAK_AKTIF: "Terdaftar di portal, tidak aktif di BPJS",
    PINDAH_SEGMEN: "Terdaftar di portal, aktif di BPJS pada segmen lain",
    TIDAK_ADA_DI_BPJS: "Terdaftar di portal, tidak ada di daftar BPJS "
    "(pindah/keluar atau dihapus)",
    TIDAK_DIKENAL: "Aktif di BPJS pada segmen kita, tidak dikenal di portal",
}
SHEET_TITLES = {
    TIDAK_AKTIF: "Tidak aktif",
    PINDAH_SEGMEN: "Pindah segmen",
    TIDAK_ADA_DI_BPJS: "Tidak ada di BPJS",
    TIDAK_DIKENAL: "Tidak dikenal",
}
DIFF_HEADERS = [
    "No",
    "NOKA",
    "NIK (disamarkan)",
    "Nama",
    "Desa/Kelurahan",
    "TMT",
    "Status di BPJS",
    "Segmen di BPJS",
    "Kategori",
]

MSG_CELLS = "Ada sel yang tidak dapat dibaca: {cells}. Perbaiki lalu unggah ulang."
MSG_EMPTY = "Daftar peserta kosong: tidak ada baris dengan NOKA atau NIK."


class ReconFileError(Exception):
    """The list cannot be used; the message is for the uploader (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ActiveRow:
    """One participant row from BPJS's list, identifiers cleaned."""

    line: int
    noka: str
    nik: str
    nama: str
    status: str
    segmen: str

    @property
    def aktif(self) -> bool:
        """Active, or no status given (the list is of active participants)."""
        status = normalise_header(self.status)
        return not status or status in ACTIVE_STATUSES

    def in_segments(self, ours: set[str]) -> bool:
        return not self.segmen or normalise_header(self.segmen) in ours


@dataclass(frozen=True)
class Difference:
    kategori: str
    noka: str
    nik_masked: str
    nama: str
    desa: str = ""
    tmt: datetime.date | None = None
    status_bpjs: str = ""
    segmen_bpjs: str = ""
    anggota_id: int | None = None

    @property
    def kategori_label(self) -> str:
        return CATEGORIES[self.kategori]


@dataclass
class Reconciliation:
    differences: dict[str, list[Difference]] = field(
        default_factory=lambda: {key: [] for key in CATEGORIES}
    )
    cocok: int = 0  # enrolled here and active in our segment there
    jumlah_portal: int = 0
    jumlah_bpjs: int = 0
    diabaikan: int = 0  # rows there, unknown here, not active in our segment

    def counts(self) -> dict[str, int]:
        return {key: len(rows) for key, rows in self.differences.items()}

    @property
    def total_differences(self) -> int:
        return sum(self.counts().values())

    def summary(self) -> str:
        """'Cocok 10; Tidak aktif 1; ...' for a job message."""
        parts = [f"Cocok {self.cocok}"]
        parts += [f"{SHEET_TITLES[k]} {n}" for k, n in self.counts().items()]
        return "; ".join(parts) + "."


def our_segments() -> set[str]:
    names = getattr(settings, "KIS_SEGMEN_APBD", SEGMEN_APBD_DEFAULT)
    return {normalise_header(name) for name in names}


# --- Reading the list ---------------------------------------------------------


def parse_active_list(source: bytes | IO[bytes]) -> list[ActiveRow]:
    """BPJS's rows from an XLSX or CSV (title rows above the header skipped)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    problems: list[str] = []
    rows: list[ActiveRow] = []
    try:
        with open_table(
            stream,
            columns=HEADER,
            max_bytes=MAX_BYTES,
            max_unpacked_bytes=MAX_UNPACKED_BYTES,
        ) as table:
            for number, values, errors in table.rows:
                if errors:
                    problems += [
                        f"baris {number} kolom {table.label(i)}" for i in errors
                    ]
                    continue
                row = _row(number, values, table.columns)
                if row:
                    rows.append(row)
    except IncomingError as exc:
        raise ReconFileError(exc.message) from exc
    if problems:
        shown = ", ".join(problems[:10])
        more = f" dan {len(problems) - 10} sel lain" if len(problems) > 10 else ""
        raise ReconFileError(MSG_CELLS.format(cells=shown + more))
    if not rows:
        raise ReconFileError(MSG_EMPTY)
    return rows


def _text(values: list, position: int | None) -> str:
    if position is None or position >= len(values) or values[position] is None:
        return ""
    value = values[position]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _row(line: int, values: list, index: dict[str, int]) -> ActiveRow | None:
    noka = clean_digits(_text(values, index["noka"]))
    if noka.isdigit() and len(noka) < NOKA_LENGTH:
        noka = noka.zfill(NOKA_LENGTH)  # leading zeros lost in a number cell
    nik = clean_digits(_text(values, index["nik"]))
    if not noka.isdigit() and not nik.isdigit():
        return None  # a total or a note line, not a participant
    return ActiveRow(
        line=line,
        noka=noka if noka.isdigit() else "",
        nik=nik if nik.isdigit() else "",
        nama=_text(values, index["nama"]).upper(),
        status=_text(values, index.get("status")).upper(),
        segmen=_text(values, index.get("segmen")).upper(),
    )


# --- Comparing ------------------------------------------------------------------


def register() -> Iterator[Anggota]:
    """The members enrolled through this portal."""
    return (
        Anggota.objects.filter(status_bpjs=Anggota.StatusBpjs.TERDAFTAR)
        .select_related("usulan__desa")
        .order_by("usulan__desa__nama", "nama", "pk")
        .iterator(chunk_size=2000)
    )


def reconcile(rows: Iterable[ActiveRow]) -> Reconciliation:
    """Differences between BPJS's rows and the portal's register."""
    ours = our_segments()
    members = list(register())
    by_noka = {m.noka: m for m in members if m.noka}
    by_nik = {m.nik: m for m in members if m.nik}
    matched: dict[int, ActiveRow] = {}
    rec = Reconciliation(jumlah_portal=len(members))

    def rank(row: ActiveRow) -> int:
        if row.aktif:
            return 0 if row.in_segments(ours) else 1
        return 2

    for row in rows:
        rec.jumlah_bpjs += 1
        member = (by_noka.get(row.noka) if row.noka else None) or (
            by_nik.get(row.nik) if row.nik else None
        )
        if member is None:
            if row.aktif and row.in_segments(ours):
                rec.differences[TIDAK_DIKENAL].append(_bpjs_difference(row))
            else:
                rec.diabaikan += 1
            continue
        # A member listed twice (an old inactive row and a current one):
        # the best standing counts.
        best = matched.get(member.pk)
        if best is None or rank(row) < rank(best):
            matched[member.pk] = row

    for member in members:
        row = matched.get(member.pk)
        if row is None:
            rec.differences[TIDAK_ADA_DI_BPJS].append(
                _member_difference(member, TIDAK_ADA_DI_BPJS)
            )
        elif not row.aktif:
            rec.differences[TIDAK_AKTIF].append(
                _member_difference(member, TIDAK_AKTIF, row)
            )
        elif not row.in_segments(ours):
            rec.differences[PINDAH_SEGMEN].append(
                _member_difference(member, PINDAH_SEGMEN, row)
            )
        else:
            rec.cocok += 1
    return rec


def _member_difference(
    member: Anggota, kategori: str, row: ActiveRow | None = None
) -> Difference:
    return Difference(
        kategori=kategori,
        noka=member.noka,
        nik_masked=mask_identifier(member.nik),
        nama=member.nama,
        desa=member.usulan.desa.nama,
        tmt=member.tmt,
        status_bpjs=row.status if row else "",
        segmen_bpjs=row.segmen if row else "",
        anggota_id=member.pk,
    )


def _bpjs_difference(row: ActiveRow) -> Difference:
    return Difference(
        kategori=TIDAK_DIKENAL,
        noka=row.noka,
        nik_masked=mask_identifier(row.nik),
        nama=row.nama,
        status_bpjs=row.status,
        segmen_bpjs=row.segmen,
    )


# --- Export -------------------------------------------------------------------


def differences_workbook(rec: Reconciliation) -> bytes:
    """A summary sheet, then one sheet per category (NIKs masked)."""
    wb = xlsx.new_workbook()
    counts = rec.counts()
    summary = [
        ["Terdaftar di portal", "", rec.jumlah_portal],
        ["Baris di daftar BPJS", "", rec.jumlah_bpjs],
        ["Cocok (aktif di segmen kita)", "", rec.cocok],
        *[[SHEET_TITLES[k], CATEGORIES[k], counts[k]] for k in CATEGORIES],
        ["Diabaikan (tidak aktif/segmen lain, tidak dikenal)", "", rec.diabaikan],
    ]
    xlsx.write_sheet(
        wb,
        "Ringkasan",
        ["Uraian", "Keterangan", "Jumlah"],
        summary,
        widths=[40, 70, 10],
    )
    for kategori, title in SHEET_TITLES.items():
        xlsx.write_sheet(
            wb,
            title,
            DIFF_HEADERS,
            (
                [
                    number,
                    d.noka,
                    d.nik_masked,
                    d.nama,
                    d.desa,
                    d.tmt,
                    d.status_bpjs,
                    d.segmen_bpjs,
                    d.kategori_label,
                ]
                for number, d in enumerate(rec.differences[kategori], start=1)
            ),
            widths=[6, 16, 20, 30, 22, 12, 16, 16, 50],
        )
    return xlsx.to_bytes(wb)
