"""Accounts from the office's own spreadsheet: file -> checked rows -> accounts.

The file (XLSX or CSV: NAMA, KODE DESA, TELEPON, PERAN; `build_template` writes
one with every desa code) is read through `kis_portal.incoming`, previewed row by
row, held in `kis_portal.staging`, and read and checked again when the job
creates the accounts: nothing is trusted between the two. Each account gets a
one-time password in its own short transaction, as in `bulk.py`.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from kis_portal.identifiers import clean_digits, normalise_phone
from kis_portal.incoming import (
    CellValue,
    Column,
    Columns,
    IncomingError,
    normalise_header,
    read_table,
)
from kis_portal.roles import Role, require_role
from kis_portal.wilayah.models import Desa
from kis_portal.xlsx import new_workbook, to_bytes, write_sheet
from kis_portal.xlsx_read import XlsxError, read_limited

from .models import UserProfile
from .services import MSG_ADMIN_ONLY, Issued, one_time_password_new, user_create
from .usernames import taken_usernames, username_base, username_unique

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 2000
# What kis_portal.staging holds an uploaded list as, between preview and job.
STAGING_PURPOSE = "akun_berkas"

COLUMNS = Columns(
    Column(
        "nama", ("NAMA", "nama lengkap", "nama operator", "nama petugas"), required=True
    ),
    Column(
        "kode_desa",
        (
            "KODE DESA",
            "kode desa/kelurahan",
            "kode kelurahan",
            "kode wilayah",
            "kode kemendagri",
        ),
    ),
    Column(
        "telepon",
        (
            "TELEPON",
            "no hp",
            "nomor hp",
            "hp",
            "no telepon",
            "nomor telepon",
            "no wa",
            "whatsapp",
        ),
    ),
    Column("peran", ("PERAN", "role", "jenis akun")),
    hint="Gunakan templat dari halaman Akun massal: NAMA, KODE DESA, TELEPON, PERAN.",
)
TEMPLATE_HEADERS = ("NAMA", "KODE DESA", "TELEPON", "PERAN")

# PERAN as offices write it (compared loosely); empty means operator desa.
ROLE_WORDS: dict[str, str] = {
    **{normalise_header(role.value): role.value for role in Role},
    **{normalise_header(role.label): role.value for role in Role},
    "operator": Role.OPERATOR_DESA,
    "operatordesa": Role.OPERATOR_DESA,
    "operatorkelurahan": Role.OPERATOR_DESA,
    "desa": Role.OPERATOR_DESA,
    "kelurahan": Role.OPERATOR_DESA,
    "loket": Role.LOKET,
    "lapangan": Role.LAPANGAN,
    "rekap": Role.REKAP,
    "distribusi": Role.DISTRIBUSI,
    "kadis": Role.KADIS,
}

MSG_NO_ROWS = "Berkas tidak berisi baris data di bawah judul kolom."


class AccountsFileError(Exception):
    """The file as a whole cannot be used; the message is for the admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_rows() -> int:
    return int(getattr(settings, "KIS_BULK_MAX_ROWS", DEFAULT_MAX_ROWS))


def _name_key(nama: str) -> str:
    return " ".join(nama.lower().split())


@dataclass
class AccountRow:
    """One row of the file, checked, with the username it would get."""

    number: int
    nama: str
    kode_desa: str
    telepon: str
    role: str
    desa: Desa | None = None
    username: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing: str = ""  # the username of an active account that is this person

    @property
    def ok(self) -> bool:
        return not self.errors and not self.existing

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""


@dataclass
class AccountsPreview:
    rows: list[AccountRow]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok_rows(self) -> list[AccountRow]:
        return [row for row in self.rows if row.ok]

    @property
    def error_rows(self) -> list[AccountRow]:
        return [row for row in self.rows if row.errors]

    @property
    def existing_rows(self) -> list[AccountRow]:
        return [row for row in self.rows if row.existing and not row.errors]


def read_upload(upload) -> bytes:
    try:
        return read_limited(upload, MAX_BYTES)
    except XlsxError as exc:
        raise AccountsFileError(exc.message) from exc


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _desa_code(raw: str) -> str:
    """'51.08.06.2001' or '5108062001' (a number in Excel) -> '51.08.06.2001'."""
    digits = clean_digits(raw)
    if len(digits) != 10:
        return raw.strip()
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def _phone(raw: str) -> str:
    digits = clean_digits(raw)
    if digits.startswith("8"):
        raw = "0" + digits  # Excel dropped the leading zero of a number cell
    return normalise_phone(raw)


def parse_accounts(content: bytes) -> AccountsPreview:
    """Read and check every row; AccountsFileError for the file as a whole."""
    try:
        table = read_table(
            content, columns=COLUMNS, max_rows=max_rows(), max_bytes=MAX_BYTES
        )
    except IncomingError as exc:
        raise AccountsFileError(exc.message) from exc
    if table.duplicated:
        raise AccountsFileError(
            "Kolom berikut muncul lebih dari sekali: "
            + ", ".join(sorted(key.upper() for key in table.duplicated))
            + ". Hapus salah satunya lalu unggah ulang."
        )
    rows: list[AccountRow] = []
    for number, values, errors in table.rows:
        cells = {
            key: values[index] if index < len(values) else None
            for key, index in table.columns.items()
        }
        if all(value is None for value in cells.values()):
            continue
        row = AccountRow(
            number=number,
            nama=_text(cells.get("nama"))[:150],
            kode_desa=_desa_code(_text(cells.get("kode_desa"))),
            telepon=_text(cells.get("telepon")),
            role="",
        )
        for index, message in sorted(errors.items()):
            if index in table.columns.values():
                row.errors.append(f"{table.label(index)}: {message}")
        _check_row(row, _text(cells.get("peran")))
        rows.append(row)
    if not rows:
        raise AccountsFileError(MSG_NO_ROWS)
    _check_against_portal(rows)
    return AccountsPreview(rows=rows, ignored_columns=table.unknown)


def _check_row(row: AccountRow, peran: str) -> None:
    if not row.nama:
        row.errors.append("NAMA kosong.")
    if peran:
        row.role = ROLE_WORDS.get(normalise_header(peran), "")
        if not row.role:
            row.errors.append(
                f"PERAN '{peran}' tidak dikenal: tulis misalnya operator desa, "
                "petugas loket, verifikator, petugas lapangan."
            )
    else:
        row.role = Role.OPERATOR_DESA
    if row.role == Role.ADMIN:
        row.errors.append(
            "Akun admin tidak dibuat dari berkas: buat satu per satu di Pengguna baru."
        )
    if row.role == Role.FASKES:
        # The file has no faskes column: a faskes account without its faskes
        # would see nothing. One at a time, with the faskes code.
        row.errors.append(
            "Akun petugas faskes tidak dibuat dari berkas: buat satu per satu di "
            "Pengguna baru, dengan kode faskesnya."
        )
    try:
        row.telepon = _phone(row.telepon)
    except ValidationError as exc:
        row.errors.append(f"TELEPON: {' '.join(exc.messages)}")
        row.telepon = ""
    if row.role == Role.OPERATOR_DESA and not row.kode_desa:
        row.errors.append("KODE DESA wajib untuk operator desa.")
    if row.role and row.role != Role.OPERATOR_DESA and row.kode_desa:
        row.errors.append(
            "Hanya operator desa yang terikat pada desa: kosongkan KODE DESA."
        )


def _check_against_portal(rows: list[AccountRow]) -> None:
    """The desa exist; no person twice in the file; who already has an account."""
    codes = {row.kode_desa for row in rows if row.kode_desa}
    desa_by_code = {
        desa.kode: desa
        for desa in Desa.objects.filter(kode__in=codes).select_related("kecamatan")
    }
    for row in rows:
        if row.kode_desa and row.role == Role.OPERATOR_DESA:
            row.desa = desa_by_code.get(row.kode_desa)
            if row.desa is None:
                row.errors.append(
                    f"KODE DESA {row.kode_desa} tidak ada di daftar wilayah portal."
                )
    existing = _existing_accounts(rows)
    operators = dict(
        UserProfile.objects.filter(
            desa__in=[row.desa for row in rows if row.desa],
            user__is_active=True,
            user__groups__name=Role.OPERATOR_DESA,
        ).values_list("desa_id", "user__username")
    )
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        key = (_name_key(row.nama), row.desa.pk if row.desa else row.role)
        if key in seen:
            row.errors.append(f"Orang yang sama sudah ada di baris {seen[key]}.")
            continue
        seen[key] = row.number
        row.existing = existing.get(key, "")
        if row.desa and not row.existing and row.desa.pk in operators:
            row.warnings.append(
                f"{row.desa} sudah punya operator aktif ({operators[row.desa.pk]}): "
                "akun ini menjadi operator kedua. Untuk mengganti operator, pakai "
                "Ganti operator di halaman akun lama."
            )
    ok = [row for row in rows if row.ok]
    bases = {row.number: username_base(desa=row.desa, nama=row.nama) for row in ok}
    taken = taken_usernames(list(bases.values()))
    for row in ok:
        row.username = username_unique(bases[row.number], taken)


def _existing_accounts(rows: list[AccountRow]) -> dict[tuple, str]:
    """(name, desa id or role) -> username, for active accounts of these people."""
    names = {_name_key(row.nama) for row in rows if row.nama}
    found: dict[tuple, str] = {}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(profile__desa__isnull=False) | Q(groups__name__in=Role.values))
        .select_related("profile")
        .prefetch_related("groups")
        .distinct()
    )
    for user in users:
        name = _name_key(user.get_full_name())
        if name not in names:
            continue
        profile = getattr(user, "profile", None)
        if profile is not None and profile.desa_id:
            found[(name, profile.desa_id)] = user.username
        for group in user.groups.all():
            found[(name, group.name)] = user.username
    return found


def file_accounts_create(
    preview: AccountsPreview,
    *,
    by,
    progress: Callable[[int, int], None] | None = None,
) -> list[Issued]:
    """Create the rows that passed, each with a one-time password."""
    require_role(by, Role.ADMIN, message=MSG_ADMIN_ONLY)
    rows = preview.ok_rows
    taken = taken_usernames([username_base(desa=r.desa, nama=r.nama) for r in rows])
    issued: list[Issued] = []
    for index, row in enumerate(rows, start=1):
        one_time = one_time_password_new()
        with transaction.atomic():
            if row.desa is not None:
                Desa.objects.select_for_update().filter(pk=row.desa.pk).first()
            user = user_create(
                username=username_unique(
                    username_base(desa=row.desa, nama=row.nama), taken
                ),
                role=row.role,
                desa=row.desa,
                first_name=row.nama,
                telepon=row.telepon,
                jabatan=f"Operator {row.desa}" if row.desa else "",
                one_time=one_time,
                by=by,
            )
        issued.append(
            Issued(
                user=user, password=one_time.password, expires_at=one_time.expires_at
            )
        )
        if progress:
            progress(index, len(rows))
    logger.info("user=%s file accounts created=%s", by.pk, len(issued))
    return issued


def build_template() -> bytes:
    """The XLSX the office fills: the columns, how to fill them, every desa code."""
    wb = new_workbook()
    write_sheet(wb, "Akun", TEMPLATE_HEADERS, [], widths=[32, 18, 18, 24])
    roles = [
        (
            role.label,
            "KODE DESA wajib" if role == Role.OPERATOR_DESA else "KODE DESA kosong",
        )
        for role in Role
        if role != Role.ADMIN
    ]
    write_sheet(
        wb,
        "Petunjuk",
        ("Kolom / PERAN", "Keterangan"),
        [
            ("NAMA", "Nama lengkap pemilik akun (wajib)."),
            (
                "KODE DESA",
                "Kode Kemendagri desa/kelurahan, mis. 51.08.06.2001 (lihat lembar Kode desa).",
            ),
            ("TELEPON", "Nomor HP untuk kiriman kata sandi sementara (boleh kosong)."),
            ("PERAN", "Kosong berarti operator desa. Pilihan di bawah ini."),
            *roles,
        ],
        widths=[28, 80],
    )
    write_sheet(
        wb,
        "Kode desa",
        ("KODE DESA", "DESA/KELURAHAN", "KECAMATAN"),
        (
            (kode, f"{Desa.Jenis(jenis).label} {nama}", kecamatan)
            for kode, jenis, nama, kecamatan in Desa.objects.order_by(
                "kode"
            ).values_list("kode", "jenis", "nama", "kecamatan__nama")
        ),
        widths=[18, 32, 24],
    )
    return to_bytes(wb)
