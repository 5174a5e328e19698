"""Field check, the head of office's approval and the SK penetapan (non-DTKS path).

Writes are keyword-only services that lock the usulan rows they change and move
status only through `usulan_advance`. The reads the screens need sit at the end.
"""

import datetime
import logging
import re
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.offices.models import OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.offices.signatures import kepala
from kis_portal.pdf import BULAN, render_pdf, tanggal_indonesia
from kis_portal.privacy import mask_identifier
from kis_portal.roles import Role, require_role
from kis_portal.uploads import check_upload
from usulan.models import Anggota, Usulan
from usulan.services import usulan_advance, usulan_advance_bulk

from .access import assigned_kecamatan_ids
from .models import CekLapangan, FotoLapangan, Pemeriksaan, Persetujuan, SkPenetapan

logger = logging.getLogger(__name__)

S = Usulan.Status
MAX_PHOTOS = 5
PHOTO_TYPES = {"image/jpeg", "image/png"}
PERIODE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# --- Field check --------------------------------------------------------------


def _in_area(user, usulan: Usulan) -> bool:
    area = assigned_kecamatan_ids(user)
    return not area or usulan.desa.kecamatan_id in area


@transaction.atomic
def cek_lapangan_record(
    *,
    usulan_id: int,
    by,
    tanggal_kunjungan: datetime.date,
    temuan: str,
    rekomendasi: str,
    photos: list[UploadedFile],
) -> CekLapangan:
    """Record a home visit with its photos and pass the usulan to the head of office."""
    require_role(
        by,
        Role.LAPANGAN,
        message="Hanya petugas lapangan yang dapat mencatat cek lapangan.",
    )
    usulan = Usulan.objects.select_for_update().select_related("desa").get(pk=usulan_id)
    if not _in_area(by, usulan):
        raise ValidationError("Usulan ini di luar kecamatan tugas Anda.")
    if usulan.status != S.CEK_LAPANGAN:
        raise ValidationError(
            f"Usulan {usulan.nomor} tidak lagi menunggu cek lapangan "
            f"(status: {usulan.get_status_display()}).",
            code="not_waiting",
        )
    errors: dict[str, list[str]] = {}
    if tanggal_kunjungan > timezone.localdate():
        errors["tanggal_kunjungan"] = ["Tanggal kunjungan tidak boleh di masa depan."]
    if not (temuan or "").strip():
        errors["temuan"] = ["Tuliskan temuan di lapangan."]
    if rekomendasi not in CekLapangan.Rekomendasi.values:
        errors["rekomendasi"] = ["Pilih rekomendasi."]
    photos = [p for p in photos if p]
    if not photos:
        errors["foto"] = ["Lampirkan minimal satu foto rumah."]
    elif len(photos) > MAX_PHOTOS:
        errors["foto"] = [f"Paling banyak {MAX_PHOTOS} foto."]
    if errors:
        raise ValidationError(errors)

    # Every photo is checked before anything is written: one bad file saves nothing.
    checked = []
    for index, photo in enumerate(photos, start=1):
        try:
            checked.append(check_upload(photo, allowed=PHOTO_TYPES))
        except ValidationError as exc:
            errors.setdefault("foto", []).append(
                f"Foto {index} ({photo.name}): {' '.join(exc.messages)}"
            )
    if errors:
        raise ValidationError(errors)

    cek = CekLapangan(
        usulan=usulan,
        petugas=by,
        tanggal_kunjungan=tanggal_kunjungan,
        temuan=temuan.strip(),
        rekomendasi=rekomendasi,
    )
    cek.full_clean()
    cek.save()
    written: list[str] = []
    try:
        for item in checked:
            foto = FotoLapangan(
                cek=cek,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
            )
            foto.file.save("foto.jpg", ContentFile(item.content), save=False)
            written.append(foto.file.name)
            foto.full_clean(exclude=["file"])
            foto.save()
        usulan_advance(
            usulan_id=usulan.pk,
            to=S.MENUNGGU_ACC,
            by=by,
            reason=(
                f"Cek lapangan {tanggal_kunjungan:%d-%m-%Y}: "
                f"{cek.get_rekomendasi_display()}"
            ),
        )
    except Exception:
        _delete_files(written)
        raise
    logger.info(
        "user=%s recorded field check usulan=%s photos=%s",
        by.pk,
        usulan.pk,
        len(checked),
    )
    return cek


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- Approval by the head of office ---------------------------------------------


def involved_user_ids(usulan_ids: list[int]) -> dict[int, set[int]]:
    """Per usulan: who accepted it as verifier and who checked it in the field."""
    out: dict[int, set[int]] = {pk: set() for pk in usulan_ids}
    accepted = (
        Pemeriksaan.objects.filter(
            usulan_id__in=usulan_ids, keputusan=Pemeriksaan.Keputusan.TERIMA
        )
        .order_by()
        .values_list("usulan_id", "verifikator_id")
    )
    visited = (
        CekLapangan.objects.filter(usulan_id__in=usulan_ids)
        .order_by()
        .values_list("usulan_id", "petugas_id")
    )
    for usulan_id, user_id in accepted.union(visited, all=True):  # one query
        out[usulan_id].add(user_id)
    return out


@transaction.atomic
def persetujuan_decide(
    *, usulan_ids: list[int], by, keputusan: str, alasan: str = ""
) -> list[Usulan]:
    """Approve or decline one or many waiting usulan: all of them, or none."""
    require_role(
        by, Role.KADIS, message="Hanya Kepala Dinas yang dapat memberi persetujuan."
    )
    if keputusan not in Persetujuan.Keputusan.values:
        raise ValidationError("Keputusan tidak dikenal.")
    alasan = (alasan or "").strip()
    if keputusan == Persetujuan.Keputusan.TOLAK and not alasan:
        raise ValidationError(
            {"alasan": "Alasan wajib diisi bila usulan tidak disetujui."}
        )
    ids = sorted(set(usulan_ids))
    if not ids:
        raise ValidationError("Pilih minimal satu usulan.")

    # A fixed lock order keeps two batches that overlap from deadlocking. Only
    # what a decision reads is loaded: 500 rows at once are cheaper so.
    locked = {
        u.pk: u
        for u in Usulan.objects.select_for_update()
        .filter(pk__in=ids)
        .only("nomor", "status", "desa_id")
        .order_by("pk")
    }
    involved = involved_user_ids(ids)
    decided_ids = [
        pk for pk in ids if pk in locked and locked[pk].status in (S.SIAP, S.DITOLAK)
    ]
    decided = (
        {p.usulan_id: p for p in Persetujuan.objects.filter(usulan_id__in=decided_ids)}
        if decided_ids
        else {}
    )
    errors: list[str] = []
    for pk in ids:
        usulan = locked.get(pk)
        if usulan is None:
            errors.append(f"Usulan #{pk} tidak ditemukan.")
        elif usulan.status in (S.SIAP, S.DITOLAK):
            label = decided[pk].get_keputusan_display() if pk in decided else ""
            errors.append(
                f"Usulan {usulan.nomor} sudah diputuskan"
                + (f" ({label})" if label else "")
                + f" dan tidak lagi menunggu persetujuan (status: "
                f"{usulan.get_status_display()})."
            )
        elif usulan.status != S.MENUNGGU_ACC:
            errors.append(
                f"Usulan {usulan.nomor} tidak sedang menunggu persetujuan "
                f"(status: {usulan.get_status_display()})."
            )
        elif by.pk in involved[pk]:
            errors.append(
                f"Usulan {usulan.nomor}: Anda memverifikasi atau mengecek usulan ini di "
                "lapangan, sehingga tidak dapat memberi persetujuan (pemisahan tugas)."
            )
    if errors:
        raise ValidationError(errors, code="refused")

    setuju = keputusan == Persetujuan.Keputusan.SETUJU
    reason = (
        "Disetujui Kepala Dinas"
        if setuju
        else f"Tidak disetujui Kepala Dinas: {alasan}"
    )
    usulan_list = [locked[pk] for pk in ids]
    # Set-based: a constant number of queries for 1 or 500 usulan (bench B7).
    try:
        Persetujuan.objects.bulk_create(
            Persetujuan(usulan=usulan, kadis=by, keputusan=keputusan, alasan=alasan)
            for usulan in usulan_list
        )
    except IntegrityError as exc:
        # Only reachable where row locks are weaker (another kadis got there
        # first); raising rolls this whole decision back.
        raise ValidationError(
            "Sebagian usulan yang dipilih baru saja diputuskan oleh pengguna lain.",
            code="taken",
        ) from exc
    done = usulan_advance_bulk(
        usulan_list=usulan_list,
        to=S.SIAP if setuju else S.DITOLAK,
        by=by,
        reason=reason,
    )
    logger.info(
        "user=%s decided keputusan=%s usulan=%s",
        by.pk,
        keputusan,
        ",".join(map(str, ids)),
    )
    return done


# --- SK penetapan -----------------------------------------------------------------


def parse_periode(periode: str) -> tuple[int, int]:
    match = PERIODE_RE.match((periode or "").strip())
    if not match:
        raise ValidationError(
            {"periode": "Periode harus berbentuk TAHUN-BULAN, misalnya 2026-05."}
        )
    return int(match.group(1)), int(match.group(2))


def periode_label(year: int, month: int) -> str:
    return f"{BULAN[month - 1]} {year}"


def _month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def sk_candidates(year: int, month: int) -> QuerySet[Anggota]:
    """Members ready (verified and, when needed, approved) that month, not in an SK yet."""
    start, end = _month_bounds(year, month)
    return (
        # Ready once means approved: siap_sejak is only stamped on SIAP, and the
        # usulan may have moved on to a BPJS batch since.
        Anggota.objects.filter(
            aktif=True,
            siap_sejak__gte=start,
            siap_sejak__lt=end,
            sk_set__isnull=True,
        )
        .select_related("usulan__desa")
        .order_by("usulan__desa__nama", "nama", "pk")
    )


@transaction.atomic
def sk_issue(*, periode: str, by) -> SkPenetapan:
    """Issue the next numbered SK for the people ready in `periode` (YYYY-MM)."""
    require_role(
        by,
        Role.KADIS,
        message="Hanya Kepala Dinas yang dapat menerbitkan SK penetapan.",
    )
    profile = get_active_profile()
    if profile is None or not profile.sk_penetapan:
        raise ValidationError("Profil kantor ini tidak menerbitkan SK penetapan.")
    year, month = parse_periode(periode)
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError({"periode": "Periode tidak boleh di masa depan."})
    # The one active profile row is the lock: SKs are issued one at a time, so
    # numbers are gap-free and a person lands in one SK only (SQLite serialises
    # writers anyway; the unique (tahun, urut) is the last guard).
    OfficeProfile.objects.select_for_update().filter(pk=profile.pk).first()
    members = list(sk_candidates(year, month))
    label = periode_label(year, month)
    if not members:
        raise ValidationError(
            f"Tidak ada peserta siap periode {label} yang belum masuk SK penetapan."
        )
    tahun = today.year
    urut = (
        SkPenetapan.objects.filter(tahun=tahun).aggregate(n=Max("urut"))["n"] or 0
    ) + 1
    sk = SkPenetapan(
        nomor=f"SK/{urut:03d}/DINSOS/{tahun}",
        tahun=tahun,
        urut=urut,
        periode=f"{year:04d}-{month:02d}",
        tanggal=today,
        kadis=by,
    )
    sk.full_clean(exclude=["file"])
    sk.save()
    sk.anggota.set(members)
    pdf = render_pdf(
        "verifikasi/pdf/sk_penetapan.html",
        sk_context(sk, members, profile, by),
        nomor=sk.nomor,
    )
    sk.file.save(f"SK-{urut:03d}-DINSOS-{tahun}.pdf", ContentFile(pdf), save=False)
    name = sk.file.name
    try:
        sk.save(update_fields=["file"])
        audit_record(
            action=AuditEvent.Action.CREATE,
            by=by,
            target=sk,
            reason=f"SK penetapan periode {label}",
            data={"periode": sk.periode, "jumlah": len(members)},
        )
    except Exception:
        _delete_files([name])
        raise
    transaction.on_commit(
        lambda: logger.info(
            "user=%s issued sk=%s periode=%s people=%s",
            by.pk,
            sk.pk,
            sk.periode,
            len(members),
        )
    )
    return sk


DIKTUM = (
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def sk_context(
    sk: SkPenetapan, members: list[Anggota], profile: OfficeProfile, by
) -> dict:
    year, month = parse_periode(sk.periode)
    by_profile = getattr(by, "profile", None)
    # The head of office signs the SK; the Kepala Dinas issuing it is the head,
    # so their own account fills what the profile lacks.
    ttd = kepala(profile, fallback_nama=by.get_full_name() or by.username)
    if not ttd.nip and by_profile is not None and by_profile.nip:
        ttd = replace(ttd, nip=by_profile.nip)
    return {
        "sk": sk,
        "periode_label": periode_label(year, month).upper(),
        "nama_dinas": profile.nama_dinas,
        "pemerintah": profile.pemerintah,
        "kota": profile.kota_surat,
        "tanggal": tanggal_indonesia(sk.tanggal),
        "ttd": ttd,
        "menimbang": _lines(profile.sk_menimbang),
        "mengingat": _lines(profile.sk_mengingat),
        "diktum": list(zip(DIKTUM, _lines(profile.sk_diktum), strict=False)),
        "rows": [
            {
                "nik": mask_identifier(m.nik),
                "nama": m.nama,
                "desa": m.usulan.desa.nama,
                "kategori": m.get_kategori_display(),
            }
            for m in members
        ],
        "jumlah": len(members),
    }


# --- Reads for the screens --------------------------------------------------------


def field_check_queue(usulan: QuerySet[Usulan], *, q: str = "") -> QuerySet[Usulan]:
    """The officer's list (of `usulan`, its scope): waiting for a visit, oldest
    first, by name or desa."""
    qs = usulan.filter(status=S.CEK_LAPANGAN)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(anggota_set__nama__icontains=q) | Q(desa__nama__icontains=q)
        ).distinct()
    return qs.prefetch_related("anggota_set").order_by("submitted_at", "pk")


def approval_queue(usulan: QuerySet[Usulan], *, q: str = "") -> QuerySet[Usulan]:
    """Of `usulan` (its scope), those waiting for the head of office, oldest first,
    with their field check."""
    qs = usulan.filter(status=S.MENUNGGU_ACC).select_related("desa__kecamatan")
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(anggota_set__nama__icontains=q)
            | Q(desa__nama__icontains=q)
            | Q(nomor__iexact=q)
        ).distinct()
    return qs.prefetch_related(
        "anggota_set",
        Prefetch(
            "cek_lapangan_set",
            queryset=CekLapangan.objects.select_related("petugas").prefetch_related(
                "foto_set"
            ),
        ),
    ).order_by("submitted_at", "pk")
