import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .defaults import MIG34_COLUMNS, MIG37_COLUMNS
from .models import (
    DocumentRequirement,
    ExportColumn,
    NomorSurat,
    OfficeProfile,
    Penandatangan,
)

PROFILES_DIR = Path(__file__).parent / "profiles"
PROFILE_FIELDS = (
    "nama_dinas",
    "pemerintah",
    "alamat",
    "kota_surat",
    "telepon",
    "email",
    "website",
    "kepala_nama",
    "kepala_nip",
    "monthly_quota",
    "cutoff_day",
    "priority_order",
    "field_check_required",
    "sk_penetapan",
    "wajib_no_hp",
    "wajib_faskes",
    "verification_days",
    "sheet_split",
    "recap_per_desa",
    "kepala_pangkat",
    "kepala_jabatan",
    "kode_wilayah",
    "nilai_tetap",
    "peta_kode",
    "kolom_internal",
    "nomor_surat_pola",
    "sk_menimbang",
    "sk_mengingat",
    "sk_diktum",
    "header_sinonim_hasil",
    "aturan_desil",
    "desil_di_rekap",
    "reaktivasi_batas_bulan",
    "reaktivasi_alasan_surat_faskes",
    "header_sinonim_nonaktif",
)
# Profile JSON gives the SK texts as lists of lines.
LINE_FIELDS = ("sk_menimbang", "sk_mengingat", "sk_diktum")


class ProfileError(ValueError):
    pass


def available_profiles() -> list[str]:
    return sorted(path.stem for path in PROFILES_DIR.glob("*.json"))


def read_profile_file(name: str) -> dict[str, Any]:
    if name not in available_profiles():
        raise ProfileError(
            f"Profil '{name}' tidak ada. Pilihan: {', '.join(available_profiles())}."
        )
    return json.loads((PROFILES_DIR / f"{name}.json").read_text(encoding="utf-8"))


@transaction.atomic
def profile_load(*, data: dict[str, Any], activate: bool = True) -> OfficeProfile:
    """Create or replace a profile from its JSON description; all or nothing."""
    profile = OfficeProfile.objects.filter(slug=data["slug"]).first() or OfficeProfile(
        slug=data["slug"]
    )
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            if field in LINE_FIELDS and isinstance(value, list):
                value = "\n".join(value)
            setattr(profile, field, value)
    if activate:
        OfficeProfile.objects.exclude(pk=profile.pk).filter(is_active=True).update(
            is_active=False
        )
        profile.is_active = True
    profile.full_clean()
    profile.save()

    profile.requirements.all().delete()
    for position, item in enumerate(data.get("requirements", []), start=1):
        requirement = DocumentRequirement(profile=profile, urutan=position, **item)
        requirement.full_clean()
        requirement.save()

    if "penandatangan" in data:  # absent: the delegates set in the admin stay
        profile.penandatangan.all().delete()
        for item in data["penandatangan"]:
            signer = Penandatangan(profile=profile, **item)
            signer.full_clean()
            signer.save()

    columns = data.get("columns") or {"MIG34": MIG34_COLUMNS, "MIG37": MIG37_COLUMNS}
    profile.columns.all().delete()
    for layout, rows in columns.items():
        for position, (header, field, fmt) in enumerate(rows, start=1):
            column = ExportColumn(
                profile=profile,
                layout=layout,
                urutan=position,
                header=header,
                field=field,
                format=fmt,
            )
            try:
                column.full_clean()
            except ValidationError as exc:
                raise ProfileError(
                    f"Kolom {layout} #{position} ({header}): {exc}"
                ) from exc
            column.save()
    return profile


def profile_load_named(*, name: str, activate: bool = True) -> OfficeProfile:
    return profile_load(data=read_profile_file(name), activate=activate)


def next_number(jenis: str, tahun: int) -> int:
    """The next number of the letter series `jenis` in `tahun`, gap-free.

    One upsert creates the year's counter or increments it and locks its row
    until the caller's transaction commits; a rollback gives the number back.
    The same scheme as the card hand-over receipts (distribusi.services).
    """
    meta = NomorSurat._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    jenis_col, tahun_col, terakhir_col = (
        quote(meta.get_field(name).column) for name in ("jenis", "tahun", "terakhir")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({jenis_col}, {tahun_col}, {terakhir_col}) "  # nosec B608 - quoted model identifiers; values are parameters
            f"VALUES (%s, %s, 1) ON CONFLICT ({jenis_col}, {tahun_col}) "
            f"DO UPDATE SET {terakhir_col} = {table}.{terakhir_col} + 1 "
            f"RETURNING {terakhir_col}",
            [jenis, tahun],
        )
        return cursor.fetchone()[0]


ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def format_nomor(pola: str, *, urut: int, tahun: int, bulan: int) -> str:
    """A letter number from the profile's pattern ({urut}, {tahun}, {bulan})."""
    return pola.format(urut=f"{urut:03d}", tahun=tahun, bulan=ROMAWI[bulan - 1])
