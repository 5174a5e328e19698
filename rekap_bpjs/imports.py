"""BPJS's result file ("umpan balik"): file -> parsed rows, then a preview per batch.

Both functions only read: `parse_result` (rekap_bpjs/result_file.py, the
cell-by-cell reading) reads the office profile's header spellings,
`preview_result` loads the batch's members once (a dict by NIK) and matches the
rows in memory.

An enrolled row whose TMT cannot be read takes the first of the next month. An
NIK read from a number cell may have lost its last digit (Excel keeps 15): it is
matched on the 15 digits that survive and the name (and the KK when the file has
one), or held back as "digit hilang". Every matched row's name must fit the member's name, and a NOKA
already held by someone else is never given to a second person.
"""

import datetime
from dataclasses import dataclass, field

from kis_portal.incoming import gc_paused
from kis_portal.names import names_fit
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota

from .models import Batch
from .result_file import (
    ENROLLED,
    EXACT_DIGITS,
    FAILED,
    NOTE_TMT_UNREAD,
    ROUNDING_ABOVE,
    ROUNDING_BELOW,
    ParsedResult,
    ParsedRow,
    ResultFileError,
    parse_result,
)

__all__ = ["ResultFileError", "parse_result", "preview_result"]

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
        # BPJS's files mostly echo the batch's names: equal spellings fit.
        if (
            first.nama
            and first.nama != item.nama
            and not names_fit(first.nama, item.nama)
        ):
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
