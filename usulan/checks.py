"""Validation shared by the form, the counter form and the bulk import."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from kis_portal.audit.services import record_access
from kis_portal.identifiers import check_nik_matches, nik_birth_info, validate_nik
from kis_portal.offices.choices import AlasanReaktivasi, JenisUsulan, Kategori
from kis_portal.ratelimit.services import Limit, attempt_distinct, within_distinct
from kis_portal.roles import operator_desa_id
from kis_portal.wilayah.models import Desa

from .selectors import member_niks, nik_conflicts

logger = logging.getLogger(__name__)


def member_errors(data: dict) -> dict[str, str]:
    """Field errors of one member that need the other fields (NIK vs birth date, sex;
    the priority category vs sex and age)."""
    nik = data.get("nik")
    if not nik:
        return {}
    errors = check_nik_matches(
        nik, data.get("tanggal_lahir"), data.get("jenis_kelamin", "")
    )
    if message := kategori_error(
        data.get("kategori", ""),
        sex=nik_birth_info(nik)[3],
        birth=data.get("tanggal_lahir"),
    ):
        errors.setdefault("kategori", message)
    return errors


# A pregnancy outside these ages is a typing error far more often than a fact.
HAMIL_AGES = (10, 55)


def kategori_error(kategori: str, *, sex: str, birth: datetime.date | None) -> str:
    """Why a priority category cannot hold for this person, or ''."""
    if kategori != Kategori.HAMIL:
        return ""
    if sex != "P":
        return (
            "Kategori ibu hamil hanya untuk perempuan; NIK ini milik laki-laki. "
            "Pilih kategori lain."
        )
    if birth:
        today = timezone.localdate()
        age = (
            today.year
            - birth.year
            - ((today.month, today.day) < (birth.month, birth.day))
        )
        if not HAMIL_AGES[0] <= age <= HAMIL_AGES[1]:
            return (
                f"Kategori ibu hamil untuk umur {age} tahun: periksa kategori atau "
                "tanggal lahir."
            )
    return ""


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
    errors.update(reaktivasi_errors(data))
    return errors


def reaktivasi_errors(data: dict) -> dict[str, str]:
    """A reactivation names its reason and the day BPJS deactivated the card.

    A date past the profile's window is not an error (usulan/reaktivasi.py)."""
    alasan = data.get("reaktivasi_alasan") or ""
    if not alasan:
        return {}
    errors: dict[str, str] = {}
    if data.get("jenis") != JenisUsulan.MIG37:
        errors["reaktivasi_alasan"] = (
            "Reaktivasi PBI hanya untuk usulan MIG37 (peserta yang sudah punya NOKA)."
        )
    tanggal = data.get("reaktivasi_nonaktif_sejak")
    if not tanggal:
        errors["reaktivasi_nonaktif_sejak"] = (
            "Isi tanggal kartu PBI dinonaktifkan (lihat surat/daftar BPJS)."
        )
    elif tanggal > timezone.localdate():
        errors["reaktivasi_nonaktif_sejak"] = (
            "Tanggal dinonaktifkan tidak boleh setelah hari ini."
        )
    if (
        alasan == AlasanReaktivasi.LAINNYA
        and not (data.get("reaktivasi_keterangan") or "").strip()
    ):
        errors["reaktivasi_keterangan"] = "Tuliskan alasan reaktivasinya."
    return errors


# An operator told "already proposed elsewhere" for more than KIS_NIK_LAIN_MAKS_HARI
# distinct NIKs in 24 hours is told nothing more about any new NIK until the window
# passes: typing other villages' NIKs is not a way to learn who is proposed.
NIK_PAUSED = (
    "Pemeriksaan NIK untuk akun Anda dihentikan sementara: dalam 24 jam terakhir "
    "terlalu banyak NIK yang sudah diusulkan di desa/kelurahan lain dimasukkan. "
    "Anggota yang sudah tersimpan tetap aman. Hubungi Dinas Sosial."
)


def nik_lookup_limit() -> Limit:
    return Limit(
        scope="nik-desa-lain",
        maks=int(getattr(settings, "KIS_NIK_LAIN_MAKS_HARI", 10)),
        jendela=datetime.timedelta(hours=24),
    )


def nik_taken_messages(
    niks: list[str], *, exclude_usulan_id: int | None, user
) -> dict[str, str]:
    """The message for each NIK the asker may not propose here: already in another
    usulan (where, only if the asker may open it), or every new NIK once the
    asker has run past the limit of other-desa NIKs."""
    conflicts = nik_conflicts(niks, exclude_usulan_id=exclude_usulan_id, user=user)
    hidden = sorted(nik for nik, c in conflicts.items() if not c.visible)
    allowed = True
    if hidden:
        outcome = attempt_distinct(nik_lookup_limit(), f"user:{user.pk}", hidden)
        allowed = outcome.allowed
        if outcome.new:
            record_access(
                by=user,
                tindakan="cari",
                halaman="Pemeriksaan NIK: sudah diusulkan di desa lain",
                niks=sorted(outcome.new),
            )
        if not allowed:
            logger.warning(
                "user=%s NIK checks paused: too many other-desa NIKs in 24 hours",
                user.pk,
            )
    elif operator_desa_id(user) is not None:
        allowed = within_distinct(nik_lookup_limit(), f"user:{user.pk}")
    if not allowed:
        known = member_niks(exclude_usulan_id)
        return {nik: NIK_PAUSED for nik in niks if nik not in known}
    return {nik: conflict.message for nik, conflict in conflicts.items()}


def members_together_errors(
    niks: list[str | None],
    *,
    exclude_usulan_id: int | None,
    user,
    taken: dict[str, str] | None = None,
) -> dict[int, str]:
    """NIK errors by row: the same NIK twice here, or not to be proposed here
    (`taken`: nik_taken_messages, when the caller already has it)."""
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
    if taken is None:
        taken = nik_taken_messages(
            list(seen), exclude_usulan_id=exclude_usulan_id, user=user
        )
    for nik, index in seen.items():
        if nik in taken and index not in errors:
            errors[index] = taken[nik]
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
