"""Files sent to BPJS from a locked batch: the MIG34/MIG37 workbook and cover letter.

Everything is read from the items' lock snapshot, never from the live usulan, so
an export made today equals the one made on the day of locking.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from kis_portal import xlsx
from kis_portal.offices.choices import (
    ColumnFormat,
    DokumenTtd,
    JenisUsulan,
    Kategori,
    SheetSplit,
)
from kis_portal.offices.fields import INTERNAL_FIELDS
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.signatures import penandatangan
from kis_portal.pdf import BULAN, render_pdf, tanggal_indonesia

from .models import Batch, BatchItem

RECAP_TITLE = "REKAP PER DESA"
PROGRESS_EVERY = 2000
DATE_FORMATS = {
    ColumnFormat.DATE_DMY: "DD-MM-YYYY",
    ColumnFormat.DATE_DMY_SLASH: "DD/MM/YYYY",
    ColumnFormat.DATE_ISO: "YYYY-MM-DD",
}
# Characters Excel refuses in a sheet title.
SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")


class BatchNotLocked(ValueError):
    """Only a locked batch has the snapshot that is sent to BPJS."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    format: str


@dataclass
class DesaCount:
    kode: str
    nama: str
    kecamatan: str
    per_kategori: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_kategori.values())


@dataclass
class BatchCounts:
    """Members sent, per category label, per layout and per desa (from snapshots)."""

    kategori: list[str]
    per_kategori: dict[str, int]
    per_layout: dict[str, int]
    desa: list[DesaCount]

    @property
    def total(self) -> int:
        return sum(self.per_kategori.values())


def periode_label(periode: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, month = periode.split("-")
    return f"{BULAN[int(month) - 1]} {year}"


def require_locked(batch: Batch) -> None:
    if batch.status == Batch.Status.DRAFT:
        raise BatchNotLocked(
            f"Rekap {batch.periode} belum dikunci: kunci dulu sebelum diekspor."
        )


def sent_items(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.filter(diambil=True)


def profile_columns(profile: OfficeProfile) -> dict[str, list[Column]]:
    """The profile's columns per layout, in order; the office's internal ones only
    when the profile sends them (kolom_internal)."""
    columns: dict[str, list[Column]] = {layout: [] for layout in JenisUsulan.values}
    for col in profile.columns.order_by("layout", "urutan"):
        if col.field in INTERNAL_FIELDS and not profile.kolom_internal:
            continue
        columns.setdefault(col.layout, []).append(
            Column(header=col.header, field=col.field, format=col.format)
        )
    return columns


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _converter(fmt: str) -> Callable[[object], object]:
    if fmt in DATE_FORMATS:

        def convert_date(value: object) -> object:
            parsed = _date(value)
            # An unparsable date is kept as text so nothing sent is lost.
            return parsed if parsed is not None else (str(value) if value else None)

        return convert_date
    if fmt == ColumnFormat.NUMBER:

        def convert_number(value: object) -> object:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            text = "" if value is None else str(value).strip()
            return int(text) if text.isdigit() else text

        return convert_number

    def convert_text(value: object) -> object:
        if isinstance(value, str):
            return value
        return "" if value is None else str(value)

    return convert_text


def _sheet_title(name: str, used: set[str]) -> str:
    base = SHEET_TITLE_INVALID.sub(" ", name).strip().strip("'")[:31] or "Sheet"
    title, n = base, 1
    while title.lower() in used:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.lower())
    return title


def _rows(
    snapshots: Iterator[dict],
    columns: list[Column],
    tick: Callable[[], None],
) -> Iterator[list]:
    fields = [c.field for c in columns]
    converters = [_converter(c.format) for c in columns]
    pairs = list(zip(fields, converters, strict=True))
    for position, data in enumerate(snapshots, start=1):
        tick()
        # The row number runs per sheet, as on BPJS's form.
        yield [
            convert(position if name == "nomor_urut" else data.get(name))
            for name, convert in pairs
        ]


def _write(wb, title: str, columns: list[Column], rows: Iterator[list]) -> int:
    return xlsx.write_sheet(
        wb,
        title,
        [c.header for c in columns],
        rows,
        widths=[max(8, min(40, len(c.header) + 4)) for c in columns],
        number_formats=[DATE_FORMATS.get(c.format, "") for c in columns],
    )


def batch_workbook(
    batch: Batch,
    profile: OfficeProfile,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The XLSX for BPJS: sheets per layout or per desa, plus the recap per desa.

    MIG34 and MIG37 rows never share a sheet: split per desa, each desa gets a
    sheet per form ("Kalibukbuk MIG34", "Kalibukbuk MIG37"), each with its
    form's columns.
    """
    require_locked(batch)
    columns = profile_columns(profile)
    items = sent_items(batch)
    layouts = sorted(set(items.order_by().values_list("layout", flat=True).distinct()))
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)

    wb = xlsx.new_workbook()
    if profile.sheet_split == SheetSplit.DESA:
        used: set[str] = {RECAP_TITLE.lower()}
        ordered = (
            items.order_by(_desa_key(), "layout", "urutan")
            .values_list("layout", "snapshot")
            .iterator(chunk_size=PROGRESS_EVERY)
        )
        for (_kode, layout), group in groupby(
            ordered, key=lambda pair: (_snapshot_desa(pair[1]), pair[0])
        ):
            members = [snapshot for _layout, snapshot in group]  # one desa: small
            nama = members[0].get("nama_desa") or _kode or "Desa"
            cols = columns.get(layout, [])
            title = _sheet_title(f"{nama[: 31 - len(layout) - 1]} {layout}", used)
            _write(wb, title, cols, _rows(iter(members), cols, tick))
    else:
        for layout in layouts:
            snapshots = (
                items.filter(layout=layout)
                .order_by("urutan")
                .values_list("snapshot", flat=True)
                .iterator(chunk_size=PROGRESS_EVERY)
            )
            cols = columns.get(layout, [])
            _write(wb, layout, cols, _rows(snapshots, cols, tick))
    if not layouts:
        # An empty workbook is invalid; a locked batch always has members anyway.
        xlsx.write_sheet(wb, "MIG34", [c.header for c in columns["MIG34"]], [])
    if profile.recap_per_desa:
        _write_recap(wb, batch_counts(batch, profile))
    if progress is not None:
        progress(done)
    return xlsx.to_bytes(wb)


def _write_recap(wb, counts: BatchCounts) -> None:
    headers = ["KODE DESA", "NAMA DESA", "KECAMATAN", *counts.kategori, "JUMLAH"]
    rows: list[list] = [
        [
            d.kode,
            d.nama,
            d.kecamatan,
            *(d.per_kategori.get(k, 0) for k in counts.kategori),
            d.total,
        ]
        for d in counts.desa
    ]
    rows.append(
        [
            "",
            "JUMLAH",
            "",
            *(counts.per_kategori.get(k, 0) for k in counts.kategori),
            counts.total,
        ]
    )
    xlsx.write_sheet(
        wb, RECAP_TITLE, headers, rows, widths=[16, 24, 20, *[14] * len(headers[3:])]
    )


def _desa_key():
    """The desa a snapshot belongs to: the portal's code (older snapshots: the
    exported one), unambiguous whatever style the export writes codes in."""
    return Coalesce(KT("snapshot__kode_desa_portal"), KT("snapshot__kode_desa"))


def _snapshot_desa(snapshot: dict) -> str:
    return snapshot.get("kode_desa_portal") or snapshot.get("kode_desa", "")


def batch_counts(batch: Batch, profile: OfficeProfile | None = None) -> BatchCounts:
    """Counts from the snapshots in one grouped query."""
    grouped = (
        sent_items(batch)
        .order_by()
        .values(
            "layout",
            desa_key=_desa_key(),
            kode=KT("snapshot__kode_desa"),
            nama=KT("snapshot__nama_desa"),
            kecamatan=KT("snapshot__nama_kecamatan"),
            kat=KT("snapshot__kategori"),
        )
        .annotate(n=Count("pk"))
    )
    per_kategori: dict[str, int] = {}
    per_layout: dict[str, int] = {}
    desa: dict[str, DesaCount] = {}
    for row in grouped:
        kat = row["kat"] or "-"
        per_kategori[kat] = per_kategori.get(kat, 0) + row["n"]
        per_layout[row["layout"]] = per_layout.get(row["layout"], 0) + row["n"]
        entry = desa.setdefault(
            row["desa_key"] or "",
            DesaCount(
                kode=row["kode"] or "",
                nama=row["nama"] or "",
                kecamatan=row["kecamatan"] or "",
            ),
        )
        entry.per_kategori[kat] = entry.per_kategori.get(kat, 0) + row["n"]
    # Known categories in the office's priority order, then any other label.
    labels = dict(Kategori.choices)
    known = [labels[k] for k in _priority(profile) if labels.get(k) in per_kategori]
    other = sorted(k for k in per_kategori if k not in known)
    return BatchCounts(
        kategori=known + other,
        per_kategori=per_kategori,
        per_layout={k: per_layout[k] for k in sorted(per_layout)},
        desa=[desa[k] for k in sorted(desa)],
    )


def _priority(profile: OfficeProfile | None) -> list[str]:
    order = list(profile.priority_order) if profile else []
    return order + [k for k in Kategori.values if k not in order]


def cover_letter_pdf(batch: Batch, profile: OfficeProfile) -> bytes:
    """The surat pengantar to BPJS Kesehatan with the counts of the batch.

    Signed by the profile's delegate for it ("a.n." the head) or the head of
    office, never by the clerk who locked or exported the batch.
    """
    require_locked(batch)
    counts = batch_counts(batch, profile)
    context = {
        "batch": batch,
        "nomor": batch.nomor_surat,
        "bulan": periode_label(batch.periode),
        "tanggal": tanggal_indonesia(timezone.localdate()),
        "kota": profile.kota_surat,
        "cabang": profile.kota_surat or "",
        "nama_dinas": profile.nama_dinas,
        "counts": counts,
        "kategori_rows": [(k, counts.per_kategori[k]) for k in counts.kategori],
        "layout_rows": [
            (JenisUsulan(k).label if k in JenisUsulan.values else k, n)
            for k, n in counts.per_layout.items()
        ],
        "ttd": penandatangan(profile, DokumenTtd.SURAT_PENGANTAR),
    }
    return render_pdf(
        "rekap_bpjs/pdf/surat_pengantar.html", context, nomor=batch.nomor_surat
    )
