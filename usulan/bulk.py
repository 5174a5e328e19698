"""Bulk intake from a spreadsheet: the template, the preview, the drafts.

One row per member; rows with the same No. KK and JENIS are one household (one
usulan). Every row goes through the same forms as the browser (UsulanForm,
AnggotaForm, then the NIK checks across members), so the import accepts exactly
what a person could type, and nothing is trusted between preview and creation:
the stored file is read and checked again when the operator confirms.
"""

import datetime
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dtks.models import DtksRecord
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.identifiers import clean_digits
from kis_portal.incoming import (
    CellValue,
    Columns,
    IncomingError,
    Inexact,
    normalise_header,
    read_table,
)
from kis_portal.incoming import Column as FileColumn
from kis_portal.incoming import Row as FileRow
from kis_portal.names import names_fit
from kis_portal.offices.choices import JenisUsulan, Kategori
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.wilayah.models import Desa
from kis_portal.xlsx import cell, new_workbook, to_bytes, write_sheet
from kis_portal.xlsx_read import XlsxError, read_limited

from .checks import members_together_errors, nik_region_warning, nik_taken_messages
from .forms import AnggotaForm, UsulanForm
from .models import Anggota, Usulan
from .services import pengajuan_current, usulan_save

logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 2000
MAX_BYTES = 10 * 1024 * 1024
# The browser form takes at most this many members per household (formset max_num).
MAX_MEMBERS = 20
DATA_SHEET = "Data"
# What kis_portal.staging holds the uploaded file as, between preview and job.
STAGING_PURPOSE = "usulan_bulk"
IMPORT_NAMESPACE = uuid.UUID("0b7c5f55-6a53-4d0e-9a53-2f1d1f3c9b21")


def max_rows() -> int:
    return int(getattr(settings, "KIS_BULK_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- Columns ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One template column: header, key, whether required, help for the uploader."""

    header: str
    key: str
    required: bool
    help: str
    example: str = ""
    household: bool = False  # same for every member of the KK
    identifier: bool = False  # kept as text so Excel keeps leading zeros
    aliases: tuple[str, ...] = ()
    profile_flag: str = ""  # OfficeProfile flag that makes the column required

    @property
    def field(self) -> str:
        """The form field the column feeds."""
        return "telepon" if self.key == "telepon_keluarga" else self.key


def _codes(choices: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{value} = {label}" for value, label in choices)


TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "NO KK",
        "no_kk",
        True,
        "Nomor Kartu Keluarga, 16 angka. Baris dengan NO KK dan JENIS yang sama "
        "menjadi satu usulan.",
        "5108061501200003",
        household=True,
        identifier=True,
        aliases=("nomor kk", "no kartu keluarga", "nomor kartu keluarga", "kk"),
    ),
    Column(
        "JENIS",
        "jenis",
        True,
        "MIG34 (pendaftaran baru) atau MIG37 (pengaktifan/peralihan).",
        "MIG34",
        household=True,
        aliases=("jenis usulan", "form"),
    ),
    Column(
        "ALAMAT",
        "alamat",
        True,
        "Alamat rumah (dusun/banjar, jalan).",
        "Banjar Dinas Kaja",
        household=True,
        aliases=("alamat rumah",),
    ),
    Column(
        "RT",
        "rt",
        True,
        "Angka, misalnya 003.",
        "003",
        household=True,
        identifier=True,
    ),
    Column(
        "RW",
        "rw",
        False,
        "Angka; kosongkan bila tidak ada.",
        "001",
        household=True,
        identifier=True,
    ),
    Column(
        "NO HP KELUARGA",
        "telepon_keluarga",
        False,
        "Nomor HP keluarga, 08xxxxxxxxxx.",
        "081234567890",
        household=True,
        identifier=True,
        aliases=("hp keluarga", "telepon keluarga", "no telepon keluarga"),
        profile_flag="wajib_no_hp",
    ),
    Column(
        "NOKA LAMA",
        "noka_lama",
        False,
        "Hanya MIG37: nomor kartu JKN anggota ini sebelumnya, 13 angka. Tiap anggota "
        "punya NOKA sendiri; kosongkan bila anggota belum pernah punya.",
        "",
        identifier=True,
        aliases=("noka", "no kartu lama", "nomor kartu lama"),
    ),
    Column(
        "SEGMEN ASAL",
        "segmen_asal",
        False,
        "Hanya MIG37: " + _codes(Usulan.Segmen.choices) + ".",
        "",
        household=True,
        aliases=("segmen",),
    ),
    Column(
        "NIK",
        "nik",
        True,
        "NIK e-KTP, 16 angka.",
        "5108061203850001",
        identifier=True,
        aliases=("no ktp", "nomor nik", "no nik"),
    ),
    Column(
        "NAMA",
        "nama",
        True,
        "Nama lengkap sesuai KK.",
        "I KETUT CONTOH",
        aliases=("nama lengkap",),
    ),
    Column(
        "TEMPAT LAHIR",
        "tempat_lahir",
        True,
        "Kota/kabupaten tempat lahir.",
        "Singaraja",
        aliases=("tmp lahir", "tempat"),
    ),
    Column(
        "TANGGAL LAHIR",
        "tanggal_lahir",
        True,
        "DD-MM-YYYY (misalnya 12-03-1985) atau sel tanggal Excel. Harus sesuai NIK.",
        "12-03-1985",
        aliases=("tgl lahir", "tanggal lahir dd mm yyyy"),
    ),
    Column(
        "JENIS KELAMIN",
        "jenis_kelamin",
        True,
        "L (laki-laki) atau P (perempuan). Harus sesuai NIK.",
        "L",
        aliases=("jk", "l p", "kelamin"),
    ),
    Column(
        "HUBUNGAN DALAM KK",
        "shdk",
        True,
        "Kode atau nama: " + _codes(Anggota.Shdk.choices) + ".",
        "1",
        aliases=("hubungan", "hubungan keluarga", "shdk", "status hubungan"),
    ),
    Column(
        "STATUS KAWIN",
        "status_kawin",
        True,
        "Kode atau nama: " + _codes(Anggota.StatusKawin.choices) + ".",
        "2",
        aliases=("status perkawinan", "kawin"),
    ),
    Column(
        "KATEGORI",
        "kategori",
        True,
        "Kategori prioritas, kode atau nama: " + _codes(Kategori.choices) + ".",
        "miskin",
        aliases=("kategori prioritas", "prioritas"),
    ),
    Column(
        "KODE FASKES",
        "kode_faskes",
        False,
        "Kode faskes tingkat I, 8 karakter (misalnya 09020107).",
        "09020107",
        identifier=True,
        aliases=("faskes",),
        profile_flag="wajib_faskes",
    ),
    Column(
        "NAMA FASKES",
        "nama_faskes",
        False,
        "Nama puskesmas/klinik.",
        "Puskesmas Buleleng I",
    ),
    Column(
        "NO HP",
        "telepon",
        False,
        "Nomor HP anggota, 08xxxxxxxxxx.",
        "",
        identifier=True,
        aliases=("hp", "telepon", "no telepon", "no hp anggota"),
    ),
    Column(
        "CATATAN",
        "catatan",
        False,
        "Keterangan tambahan (misalnya nama penyakit kronis).",
        "",
        aliases=("keterangan",),
    ),
)


def columns_for(profile: OfficeProfile | None) -> list[Column]:
    """The template columns with required-ness as the active office profile sets it."""
    return [
        replace(column, required=True)
        if column.profile_flag and getattr(profile, column.profile_flag, False)
        else column
        for column in TEMPLATE_COLUMNS
    ]


def _file_columns(columns: list[Column]) -> Columns:
    """What the reader looks for: each column by its header, key or aliases."""
    return Columns(
        *(
            FileColumn(
                c.key,
                (c.header, c.key, *c.aliases),
                label=c.header,
                required=c.required,
            )
            for c in columns
        ),
        hint="Gunakan templat dari portal dan jangan mengubah judul kolom.",
    )


# --- Codes: what people type -> the form's choice values -----------------------


def _lookup(choices: Iterable[tuple[str, str]], **extra: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in choices:
        for name in (value, label, re.sub(r"\(.*?\)", "", label)):
            table.setdefault(normalise_header(name), value)
        inner = re.search(r"\((.*?)\)", label)
        if inner:
            table.setdefault(normalise_header(inner.group(1)), value)
    table.update({normalise_header(k): v for k, v in extra.items()})
    return table


CHOICE_LOOKUPS: dict[str, dict[str, str]] = {
    "jenis": _lookup(JenisUsulan.choices, **{"34": "MIG34", "37": "MIG37"}),
    "segmen_asal": _lookup(Usulan.Segmen.choices, mandiri="mandiri"),
    "jenis_kelamin": _lookup(
        Anggota.JenisKelamin.choices, lk="L", pria="L", pr="P", wanita="P"
    ),
    "shdk": _lookup(
        Anggota.Shdk.choices, kepala="1", isteri="3", famili="9", orangtua="7"
    ),
    "status_kawin": _lookup(Anggota.StatusKawin.choices, belummenikah="1", menikah="2"),
    # The SOP PBI's priority letters A-E are what some offices' lists already use
    # (docs/domain.md, "Rekap BPJS").
    "kategori": _lookup(
        Kategori.choices,
        a="tambahan",
        b="hamil",
        c="kronis",
        d="disabilitas",
        e="miskin",
    ),
}


def _choice(key: str, text: str) -> str:
    if not text:
        return ""
    normal = normalise_header(text)
    if normal.isdigit():
        normal = str(int(normal))  # "01" is code 1
    # Unknown values go to the form as typed: it names them in its message.
    return CHOICE_LOOKUPS[key].get(normal, text)


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _phone(text: str) -> str:
    # A number cell drops the leading 0 of 0812...: put it back before the form checks.
    return "0" + text if re.fullmatch(r"8\d{8,11}", text) else text


# --- Preview ------------------------------------------------------------------


class BulkFileError(Exception):
    """The file as a whole cannot be imported; nothing is created."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    """One member row of the file, as typed and as checked."""

    number: int
    values: dict[str, str]
    birth_date: datetime.date | None = None  # from a date cell, no text round trip
    unreadable: set[str] = field(default_factory=set)  # keys of cells in error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Household:
    """The rows sharing a No. KK and JENIS: one usulan."""

    no_kk: str
    jenis: str
    rows: list[Row]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and all(row.ok for row in self.rows)

    @property
    def first_row(self) -> int:
        return self.rows[0].number

    @property
    def alamat(self) -> str:
        return next((a for r in self.rows if (a := r.values.get("alamat"))), "")

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


@dataclass
class Preview:
    households: list[Household]
    ignored_columns: list[str]

    @property
    def ok_households(self) -> list[Household]:
        return [h for h in self.households if h.ok]

    @property
    def error_households(self) -> list[Household]:
        return [h for h in self.households if not h.ok]

    @property
    def row_count(self) -> int:
        return sum(len(h.rows) for h in self.households)

    @property
    def ok_row_count(self) -> int:
        return sum(len(h.rows) for h in self.ok_households)


class BulkUploadForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas Excel (.xlsx)",
        help_text=(
            "Gunakan templat dari portal (.xlsx; berkas .xls dari Excel lama juga "
            "dibaca). PDF dan CSV ditolak."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, or BulkFileError when it is over the size limit."""
    try:
        return read_limited(upload, MAX_BYTES)
    except XlsxError as exc:
        raise BulkFileError(exc.message) from exc


def parse_upload(file, *, user, desa: Desa) -> Preview:
    """Read and check every row as the browser form would; BulkFileError for the file."""
    columns = columns_for(get_active_profile())
    try:
        table = read_table(
            file,
            columns=_file_columns(columns),
            max_rows=max_rows(),
            max_bytes=MAX_BYTES,
            text=False,
            sheet=DATA_SHEET,
        )
    except IncomingError as exc:
        raise BulkFileError(exc.message) from exc
    if table.duplicated:
        headers = {c.key: c.header for c in columns}
        raise BulkFileError(
            "Kolom berikut muncul lebih dari sekali: "
            + ", ".join(sorted(headers[key] for key in table.duplicated))
            + ". Hapus salah satunya lalu unggah ulang."
        )
    households = _group(table.rows, table.columns)
    _check(households, user=user, desa=desa, columns=columns)
    logger.info(
        "user=%s bulk preview rows=%s households=%s ok=%s",
        getattr(user, "pk", None),
        sum(len(h.rows) for h in households),
        len(households),
        sum(1 for h in households if h.ok),
    )
    return Preview(households=households, ignored_columns=table.unknown)


def _group(file_rows: Iterable[FileRow], positions: dict[str, int]) -> list[Household]:
    by_key: dict[tuple[str, str], Household] = {}
    labels = {c.key: c.header for c in TEMPLATE_COLUMNS}
    for number, cells, cell_errors in file_rows:
        values: dict[str, str] = {}
        row = Row(number=number, values=values)
        for key, index in positions.items():
            raw = cells[index] if index < len(cells) else None
            if index in cell_errors:
                row.errors.append(f"{labels[key]}: {cell_errors[index]}")
                row.unreadable.add(key)
            if key == "tanggal_lahir" and isinstance(raw, datetime.date):
                row.birth_date = raw
            values[key] = _text(raw).strip()
        _recover_numbers(row, cells, cell_errors, positions, labels)
        no_kk = clean_digits(values.get("no_kk", ""))
        jenis = _choice("jenis", values.get("jenis", ""))
        household = by_key.get((no_kk, jenis))
        if household is None:
            household = by_key[(no_kk, jenis)] = Household(
                no_kk=no_kk, jenis=jenis, rows=[]
            )
        household.rows.append(row)
    return list(by_key.values())


def _recover_numbers(
    row: Row,
    cells: list,
    cell_errors: dict[int, str],
    positions: dict[str, int],
    labels: dict[str, str],
) -> None:
    """An NIK (and KK) typed as a number: found in DTKS by 15 digits and name, or held.

    Excel keeps 15 digits of a number, so the 16th may be wrong. The row is used
    only when exactly one DTKS person has an NIK within Excel's cut of it and a
    fitting name; the KK then comes from that person when it was a number too.
    """
    index = positions.get("nik")
    raw = cells[index] if index is not None and index < len(cells) else None
    if not isinstance(raw, Inexact) or len(raw) != 16:
        return
    label = labels["nik"]
    stale = f"{label}: {cell_errors[index]}"
    kk_index = positions.get("no_kk")
    kk_raw = cells[kk_index] if kk_index is not None and kk_index < len(cells) else None
    kk = str(kk_raw)[:14] if isinstance(kk_raw, Inexact) else ""
    nama = row.values.get("nama", "")
    stored = int(raw)
    found = {
        (nik, no_kk)
        for nik, other, no_kk in DtksRecord.objects.filter(
            nik__gte=str(stored - 5), nik__lte=str(stored + 9)
        ).values_list("nik", "nama", "no_kk")
        if nama and names_fit(nama, other) and (not kk or no_kk.startswith(kk))
    }
    niks = {nik for nik, _ in found}
    if len(niks) != 1:
        why = (
            "tidak ada orang di DTKS dengan 15 digit dan nama itu"
            if not niks
            else f"{len(niks)} orang di DTKS cocok dengan 15 digit dan nama itu"
        )
        row.errors[row.errors.index(stale)] = (
            f"{label}: digit hilang: NIK tersimpan sebagai angka ({raw[:15]}?) "
            f"sehingga digit terakhirnya bisa berubah, dan {why}. Format kolom "
            "sebagai Teks lalu ketik ulang."
        )
        return
    nik = niks.pop()
    row.errors.remove(stale)
    row.unreadable.discard("nik")
    row.values["nik"] = nik
    row.warnings.append(
        f"{label}: tersimpan sebagai angka; dipulihkan dari DTKS (15 digit dan nama sama)."
    )
    if kk:
        kk_stale = f"{labels['no_kk']}: {cell_errors[kk_index]}"
        kk_found = {no_kk for n, no_kk in found if n == nik and no_kk}
        if len(kk_found) == 1 and kk_stale in row.errors:
            row.errors.remove(kk_stale)
            row.unreadable.discard("no_kk")
            row.values["no_kk"] = kk_found.pop()


def _check(
    households: list[Household], *, user, desa: Desa, columns: list[Column]
) -> None:
    labels = {c.key: c.header for c in columns}
    household_labels = {c.field: c.header for c in columns if c.household}
    member_labels = {c.field: c.header for c in columns if not c.household}
    required = {c.key for c in columns if c.required}
    niks_by_household: list[list[str | None]] = []
    for household in households:
        _check_household(household, labels, household_labels)
        if len(household.rows) > MAX_MEMBERS:
            household.errors.append(
                f"Satu KK paling banyak {MAX_MEMBERS} anggota; berkas memuat "
                f"{len(household.rows)} baris untuk KK ini."
            )
        niks_by_household.append(
            [_check_member(row, member_labels) for row in household.rows]
        )
    # One query for the whole file tells which households the per-household check
    # (the form's own) can find anything in; the others it would pass unchanged.
    taken = nik_taken_messages(
        [nik for niks in niks_by_household for nik in niks if nik],
        exclude_usulan_id=None,
        user=user,
    )
    seen: dict[str, tuple[int, Household]] = {}  # NIK -> first row, across the file
    _check_noka_lama(households, labels)
    for household, niks in zip(households, niks_by_household, strict=True):
        present = [nik for nik in niks if nik]
        if taken.keys() & set(present) or len(set(present)) < len(present):
            for index, message in members_together_errors(
                niks, exclude_usulan_id=None, user=user, taken=taken
            ).items():
                nik = niks[index]
                earlier = niks.index(nik) if nik else index
                if earlier != index:  # the same NIK twice in this KK: say which row
                    message = (
                        f"NIK ini sudah ada di baris {household.rows[earlier].number} "
                        "berkas ini (KK yang sama)."
                    )
                household.rows[index].errors.append(f"{labels['nik']}: {message}")
        for row, nik in zip(household.rows, niks, strict=True):
            if not nik:
                continue
            first = seen.get(nik)
            if first is None:
                seen[nik] = (row.number, household)
            elif first[1] is not household:
                row.errors.append(
                    f"{labels['nik']}: NIK ini sudah ada di baris {first[0]} "
                    "berkas ini (KK lain)."
                )
            if warning := nik_region_warning(nik, desa):
                row.warnings.append(warning)
            if "kode_faskes" in required and not row.cleaned.get("kode_faskes"):
                row.warnings.append(
                    f"{labels['kode_faskes']} wajib diisi sebelum usulan diajukan."
                )
        if (
            "telepon_keluarga" in required
            and not household.cleaned.get("telepon")
            and not any(row.cleaned.get("telepon") for row in household.rows)
        ):
            household.warnings.append(
                "Nomor HP (keluarga atau anggota) wajib diisi sebelum usulan diajukan."
            )


def _check_household(
    household: Household, labels: dict[str, str], field_labels: dict[str, str]
) -> None:
    """The household columns must agree across the KK's rows; then the form decides."""
    keys = [c.key for c in TEMPLATE_COLUMNS if c.household and c.key in labels]
    data: dict[str, str] = {}
    source: dict[str, int] = {}
    for row in household.rows:
        for key in keys:
            value = row.values.get(key, "")
            if not value:
                continue
            if key not in data:
                data[key], source[key] = value, row.number
            elif _same(key, value) != _same(key, data[key]):
                row.errors.append(
                    f"{labels[key]}: berbeda dengan baris {source[key]} untuk KK yang "
                    f"sama ({data[key]})."
                )
    form_data = {
        "jenis": _choice("jenis", data.get("jenis", "")),
        "no_kk": data.get("no_kk", ""),
        "alamat": data.get("alamat", ""),
        "rt": data.get("rt", ""),
        "rw": data.get("rw", ""),
        "telepon": _phone(data.get("telepon_keluarga", "")),
        # Each member's own NOKA lama is checked with the member; the household
        # needs one (MIG37): the head's, else the first given.
        "noka_lama": _household_noka(household),
        "segmen_asal": _choice("segmen_asal", data.get("segmen_asal", "")),
    }
    form = UsulanForm(data=form_data)
    if form.is_valid():
        household.cleaned = form.cleaned_data
    else:
        household.errors.extend(_form_errors(form, field_labels))


def _check_noka_lama(households: list[Household], labels: dict[str, str]) -> None:
    """A NOKA lama is one person's: the same one on two rows, or held, is an error."""
    rows = [
        (row, clean_digits(row.values.get("noka_lama", "")))
        for household in households
        for row in household.rows
    ]
    given = [(row, noka) for row, noka in rows if noka]
    if not given:
        return
    held = dict(
        Anggota.objects.filter(
            aktif=True, noka_lama__in=sorted({noka for _, noka in given})
        ).values_list("noka_lama", "nama")
    )
    first: dict[str, int] = {}
    label = labels.get("noka_lama", "NOKA LAMA")
    for row, noka in given:
        if noka in first:
            row.errors.append(
                f"{label}: NOKA lama ini sudah ada di baris {first[noka]} berkas ini: "
                "tiap anggota punya NOKA sendiri."
            )
            continue
        first[noka] = row.number
        if noka in held:
            row.errors.append(
                f"{label}: NOKA lama ini sudah tercatat untuk {held[noka]} di usulan lain."
            )


def _household_noka(household: Household) -> str:
    given = [row for row in household.rows if row.values.get("noka_lama")]
    head = next(
        (row for row in given if _choice("shdk", row.values.get("shdk", "")) == "1"),
        given[0] if given else None,
    )
    return head.values["noka_lama"] if head else ""


def _same(key: str, value: str) -> str:
    if key in ("no_kk", "rt", "rw", "telepon_keluarga", "noka_lama"):
        return clean_digits(value).lstrip("0")
    if key in ("jenis", "segmen_asal"):
        return _choice(key, value)
    return " ".join(value.split()).casefold()


def _check_member(row: Row, field_labels: dict[str, str]) -> str | None:
    """Validate one member with the browser's form; return its clean NIK if valid."""
    values = row.values
    form_data: dict[str, Any] = {
        "nik": values.get("nik", ""),
        "nama": values.get("nama", ""),
        "tempat_lahir": values.get("tempat_lahir", ""),
        "tanggal_lahir": row.birth_date or values.get("tanggal_lahir", ""),
        "jenis_kelamin": _choice("jenis_kelamin", values.get("jenis_kelamin", "")),
        "shdk": _choice("shdk", values.get("shdk", "")),
        "status_kawin": _choice("status_kawin", values.get("status_kawin", "")),
        "kategori": _choice("kategori", values.get("kategori", "")),
        "kode_faskes": values.get("kode_faskes", ""),
        "nama_faskes": values.get("nama_faskes", ""),
        "telepon": _phone(values.get("telepon", "")),
        "catatan": values.get("catatan", ""),
        "noka_lama": values.get("noka_lama", ""),
    }
    form = AnggotaForm(data=form_data)
    if form.is_valid():
        row.cleaned = dict(form.cleaned_data)
        return row.cleaned["nik"]
    # A cell the reader refused is already reported; "required" would only repeat it.
    for name in row.unreadable:
        form.errors.pop(name, None)
    row.errors.extend(_form_errors(form, field_labels))
    return form.cleaned_data.get("nik") if "nik" not in form.errors else None


def _form_errors(form: forms.BaseForm, field_labels: dict[str, str]) -> list[str]:
    out = []
    for name, messages in form.errors.items():
        label = field_labels.get(name, "")
        for message in messages:
            if "pilihan yang" in message or "valid choice" in message:
                message += " Lihat lembar Petunjuk untuk kode yang boleh."
            out.append(f"{label}: {message}" if label else message)
    return out


# --- Creation -----------------------------------------------------------------


def create_drafts(
    preview: Preview, *, user, desa: Desa, import_token: str = ""
) -> list[Usulan]:
    """Create every valid household as a draft usulan, all in one transaction.

    With `import_token`, each household gets a form token derived from it, so a
    confirmation that races with itself returns the first one's usulan.
    """
    valid = preview.ok_households
    if not valid:
        return []
    created: list[Usulan] = []
    with transaction.atomic():
        pengajuan = pengajuan_current(desa=desa, by=user)
        for index, household in enumerate(valid):
            created.append(
                usulan_save(
                    usulan=None,
                    household=household.cleaned,
                    members=[row.cleaned for row in household.rows],
                    by=user,
                    desa=desa,
                    pengajuan=pengajuan,
                    client_token=uuid.uuid5(
                        IMPORT_NAMESPACE, f"{import_token}:{index}:{household.no_kk}"
                    )
                    if import_token
                    else None,
                )
            )
        audit_record(
            action=AuditEvent.Action.IMPORT,
            by=user,
            target=pengajuan,
            reason="Impor usulan dari Excel",
            data={
                "usulan": len(created),
                "anggota": sum(len(h.rows) for h in valid),
                "dilewati": len(preview.error_households),
            },
        )
    logger.info(
        "user=%s bulk import desa=%s created=%s skipped=%s",
        getattr(user, "pk", None),
        desa.pk,
        len(created),
        len(preview.error_households),
    )
    return created


# --- Template -----------------------------------------------------------------


def build_template(profile: OfficeProfile | None) -> bytes:
    """The XLSX to fill: a Data sheet with the header, a Petunjuk sheet explaining it."""

    columns = columns_for(profile)
    wb = new_workbook()
    ws = wb.create_sheet(DATA_SHEET)
    last = max_rows() + 1
    for index, column in enumerate(columns, start=1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, len(column.header) + 4)
        if column.identifier:
            dimension.number_format = "@"  # text: Excel keeps leading zeros
    lists = {
        "jenis": JenisUsulan.values,
        "jenis_kelamin": Anggota.JenisKelamin.values,
        "kategori": Kategori.values,
    }
    for index, column in enumerate(columns, start=1):
        if column.key in lists:
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(lists[column.key]) + '"',
                allow_blank=True,
            )
            validation.add(f"{letter}2:{letter}{last}")
            ws.data_validations.append(validation)
    ws.freeze_panes = "A2"
    ws.append([cell(ws, column.header, bold=True) for column in columns])

    rows: list[list[str]] = [
        [
            column.header,
            "wajib" if column.required else "boleh kosong",
            column.help,
            column.example,
        ]
        for column in columns
    ]
    rows += [
        ["", "", "", ""],
        [
            "PETUNJUK",
            "",
            f"Satu baris untuk satu anggota keluarga, paling banyak {max_rows()} "
            "baris. Baris dengan NO KK dan JENIS yang sama menjadi satu usulan; "
            "ALAMAT, RT, RW, NO HP KELUARGA, NOKA LAMA dan SEGMEN ASAL cukup diisi "
            "di baris pertama KK tersebut.",
            "",
        ],
        [
            "",
            "",
            "Isi nilai saja, tanpa rumus. NIK, NO KK, NOKA dan nomor HP diketik "
            "sebagai teks (kolomnya sudah berformat teks).",
            "",
        ],
        [
            "",
            "",
            "Usulan dibuat sebagai draf: lengkapi dokumen setiap usulan lalu ajukan.",
            "",
        ],
        ["", "", "", ""],
        ["KODE", "Kode", "Arti", ""],
    ]
    for column_key, choices in (
        ("JENIS", JenisUsulan.choices),
        ("JENIS KELAMIN", Anggota.JenisKelamin.choices),
        ("HUBUNGAN DALAM KK", Anggota.Shdk.choices),
        ("STATUS KAWIN", Anggota.StatusKawin.choices),
        ("KATEGORI", Kategori.choices),
        ("SEGMEN ASAL", Usulan.Segmen.choices),
    ):
        rows += [[column_key, value, label, ""] for value, label in choices]
    write_sheet(
        wb,
        "Petunjuk",
        ["Kolom", "Wajib", "Keterangan", "Contoh"],
        rows,
        widths=[22, 14, 90, 20],
    )
    return to_bytes(wb)
