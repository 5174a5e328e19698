import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .defaults import MIG34_COLUMNS, MIG37_COLUMNS
from .models import DocumentRequirement, ExportColumn, OfficeProfile

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
    "header_sinonim_hasil",
)


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
            setattr(profile, field, data[field])
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
