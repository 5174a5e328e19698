"""Validation shared by the form, the counter form and the bulk import."""

from django.core.exceptions import ValidationError

from kis_portal.offices.choices import JenisUsulan
from kis_portal.wilayah.models import Desa

from .selectors import nik_conflicts
from .validators import check_nik_matches, validate_nik


def member_errors(data: dict) -> dict[str, str]:
    """Field errors of one member that need the other fields (NIK vs birth date, sex)."""
    nik = data.get("nik")
    if not nik:
        return {}
    return check_nik_matches(
        nik, data.get("tanggal_lahir"), data.get("jenis_kelamin", "")
    )


def household_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.get("jenis") == JenisUsulan.MIG37:
        if not data.get("noka_lama"):
            errors["noka_lama"] = (
                "Usulan MIG37 wajib mencantumkan NOKA lama (13 angka)."
            )
        if not data.get("segmen_asal"):
            errors["segmen_asal"] = (
                "Pilih segmen asal kepesertaan (misalnya BPJS Mandiri)."
            )
    return errors


def members_together_errors(
    niks: list[str | None], *, exclude_usulan_id: int | None, user
) -> dict[int, str]:
    """NIK errors by row: the same NIK twice here, or already in another usulan."""
    errors: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, nik in enumerate(niks):
        if not nik:
            continue
        if nik in seen:
            errors[index] = (
                f"NIK ini sama dengan anggota ke-{seen[nik] + 1} dalam usulan ini."
            )
        else:
            seen[nik] = index
    conflicts = nik_conflicts(
        list(seen), exclude_usulan_id=exclude_usulan_id, user=user
    )
    for nik, index in seen.items():
        if nik in conflicts and index not in errors:
            errors[index] = conflicts[nik].message
    return errors


def nik_region_warning(nik: str, desa: Desa) -> str:
    """People move: a NIK issued in another kecamatan is worth a look, not a refusal."""
    try:
        validate_nik(nik)
    except ValidationError:
        return ""
    if nik[:6] != desa.kecamatan.nik_prefix:
        return (
            f"NIK diterbitkan di wilayah {nik[:2]}.{nik[2:4]}.{nik[4:6]}, bukan Kec. "
            f"{desa.kecamatan.nama}: pastikan warga berdomisili di {desa}."
        )
    return ""
