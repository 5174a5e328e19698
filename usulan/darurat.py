"""Urgent patients registered by a faskes (jalur darurat): the writes and reads.

A faskes user (admission desk) submits one patient from a phone: NIK, No. KK,
name, birth, desa of residence, the patient's FKTP, the reason for admission and
the faskes letter. The usulan goes straight to the verifier's queue (no desa
cover letter, no draft); the KK/KTP may follow within the office profile's
window (`darurat_berkas_jam`). docs/domain.md, "Pasien darurat dari faskes",
says how the verification steps apply.
"""

import datetime
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.identifiers import nik_birth_info
from kis_portal.offices.choices import JenisUsulan, Kategori, Level
from kis_portal.offices.selectors import get_active_profile
from kis_portal.roles import Role, faskes_kode, require_role
from kis_portal.uploads import CheckedFile
from kis_portal.wilayah.models import Desa

from .models import Anggota, Dokumen, KasusDarurat, Usulan
from .services import usulan_save
from .workflow import USULAN

logger = logging.getLogger(__name__)

SURAT = ("surat_faskes", "Surat keterangan faskes (pasien dirawat)")
KK = ("kk", "Kartu Keluarga (KK)")
KTP = ("ktp", "KTP-el / identitas pasien")
# The papers that may follow after submission, by the code the forms post.
BERKAS_MENYUSUL = {"kk": KK, "ktp": KTP}
DEFAULT_BERKAS_JAM = 48
DEFAULT_TARGET_JAM = 24

MSG_FASKES_ONLY = "Hanya petugas faskes yang dapat mengajukan pasien darurat."


def berkas_jam() -> int:
    profile = get_active_profile()
    return profile.darurat_berkas_jam if profile else DEFAULT_BERKAS_JAM


def target_jam() -> int:
    profile = get_active_profile()
    return profile.darurat_target_jam if profile else DEFAULT_TARGET_JAM


def _store(
    *, checked: CheckedFile, kode: tuple[str, str], by, usulan=None, anggota=None
) -> Dokumen:
    """Keep one checked file for an urgent case (replacing the same paper)."""
    level = Level.ANGGOTA if anggota is not None else Level.KELUARGA
    target = {"anggota": anggota} if anggota is not None else {"usulan": usulan}
    old = Dokumen.objects.filter(requirement_kode=kode[0], **target).first()
    old_file = old.file.name if old else None
    if old:
        old.delete()
    dokumen = Dokumen(
        requirement_kode=kode[0],
        requirement_nama=kode[1],
        level=level,
        content_type=checked.content_type,
        size=checked.size,
        original_name=checked.original_name,
        sha256=checked.sha256,
        uploaded_by=by,
        **target,
    )
    dokumen.file.save("berkas", ContentFile(checked.content), save=False)
    transaction.on_commit(lambda: old_file and default_storage.delete(old_file))
    try:
        dokumen.full_clean(exclude=["file"])
        dokumen.save()
    except Exception:
        default_storage.delete(dokumen.file.name)
        raise
    return dokumen


@transaction.atomic
def darurat_submit(
    *,
    data: dict,
    surat: CheckedFile,
    by,
    client_token: uuid.UUID,
    kk: CheckedFile | None = None,
    ktp: CheckedFile | None = None,
) -> Usulan:
    """Register an urgent patient and put it in the verifier's queue at once.

    `data`: nik, no_kk, nama, tempat_lahir, tanggal_lahir, shdk, status_kawin,
    desa (a Desa), alamat, rt, kode_faskes/nama_faskes (the patient's FKTP),
    alasan, telepon. Files arrive checked (content and size). A repeated post
    with the same form token returns the first case.
    """
    require_role(by, Role.FASKES, message=MSG_FASKES_ONLY)
    kode = faskes_kode(by)
    profile = getattr(by, "profile", None)
    if not kode or kode == "-" or profile is None:
        raise ValidationError(
            "Akun Anda belum terikat pada faskes. Hubungi admin Dinas Sosial."
        )
    if (
        existing := Usulan.objects.filter(client_token=client_token, created_by=by)
        .select_related("darurat")
        .first()
    ):
        return existing
    desa = data["desa"]
    if not isinstance(desa, Desa):
        raise ValidationError({"desa": "Pilih desa/kelurahan tempat tinggal pasien."})
    nik = data["nik"]
    usulan = usulan_save(
        usulan=None,
        household={
            "jenis": JenisUsulan.MIG34,
            "no_kk": data["no_kk"],
            "alamat": data["alamat"],
            "rt": data["rt"],
            "rw": "",
            "telepon": data.get("telepon", ""),
        },
        members=[
            {
                "nik": nik,
                "nama": data["nama"],
                "tempat_lahir": data["tempat_lahir"],
                "tanggal_lahir": data["tanggal_lahir"],
                "jenis_kelamin": nik_birth_info(nik)[3],
                "shdk": data["shdk"],
                "status_kawin": data["status_kawin"],
                "kode_faskes": data.get("fktp") or kode,
                "nama_faskes": data.get("nama_fktp") or "",
                "kategori": Kategori.MISKIN,
                "telepon": data.get("telepon", ""),
                "catatan": "",
            }
        ],
        by=by,
        desa=desa,
        sumber=Usulan.Sumber.FASKES,
        pengajuan=None,
        client_token=client_token,
    )
    usulan.jalur = Usulan.Jalur.DARURAT
    usulan.save(update_fields=["jalur", "updated_at"])
    now = timezone.now()
    KasusDarurat.objects.create(
        usulan=usulan,
        kode_faskes=kode,
        nama_faskes=profile.nama_faskes or kode,
        alasan=data["alasan"],
        berkas_tenggat=now + datetime.timedelta(hours=berkas_jam()),
    )
    member = usulan.anggota_set.get()
    _store(checked=surat, kode=SURAT, by=by, usulan=usulan)
    if kk is not None:
        _store(checked=kk, kode=KK, by=by, usulan=usulan)
    if ktp is not None:
        _store(checked=ktp, kode=KTP, by=by, anggota=member)
    USULAN.move(
        usulan,
        to=Usulan.Status.DIAJUKAN,
        by=by,
        reason=f"Pasien darurat diajukan {profile.nama_faskes or kode}",
    )
    logger.info("usulan=%s urgent case submitted by user=%s", usulan.pk, by.pk)
    return usulan


@transaction.atomic
def darurat_berkas_add(
    *, usulan: Usulan, kode: str, checked: CheckedFile, by
) -> Dokumen:
    """The KK or KTP that follows: the faskes user adds it to its own case.

    The caller found `usulan` through darurat_for_user (the faskes's own case).
    """
    require_role(by, Role.FASKES, message=MSG_FASKES_ONLY)
    if kode not in BERKAS_MENYUSUL:
        raise ValidationError("Berkas tidak dikenal.")
    locked = Usulan.objects.select_for_update().get(pk=usulan.pk)
    if locked.sumber != Usulan.Sumber.FASKES or locked.status == Usulan.Status.DITOLAK:
        raise ValidationError("Berkas tidak dapat ditambahkan pada usulan ini.")
    if kode == "ktp":
        dokumen = _store(
            checked=checked,
            kode=KTP,
            by=by,
            anggota=locked.anggota_set.order_by("pk").first(),
        )
    else:
        dokumen = _store(checked=checked, kode=KK, by=by, usulan=locked)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=locked,
        reason=f"Berkas menyusul diunggah faskes: {BERKAS_MENYUSUL[kode][1]}",
        data={"dokumen": kode, "ukuran": checked.size},
    )
    return dokumen


def berkas_status(usulan: Usulan) -> dict[str, Dokumen | None]:
    """The papers of an urgent case: the letter, the KK and the patient's KTP."""
    family = {d.requirement_kode: d for d in usulan.dokumen_set.all()}
    member = usulan.anggota_set.order_by("pk").first()
    ktp = member.dokumen_set.filter(requirement_kode="ktp").first() if member else None
    return {
        "surat_faskes": family.get("surat_faskes"),
        "kk": family.get("kk"),
        "ktp": ktp,
    }


def hours_between(start, end) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def urgent_waiting(
    qs: QuerySet[Usulan], *, target: int | None = None, now=None
) -> list[Usulan]:
    """Urgent cases waiting for the verifier, oldest first, each with `jam_menunggu`
    and `lewat_target` (past the profile's target hours). One query when the
    caller gives the target."""
    now = now or timezone.now()
    target = target_jam() if target is None else target
    rows = list(
        qs.filter(
            jalur=Usulan.Jalur.DARURAT,
            status=Usulan.Status.DIAJUKAN,
            submitted_at__isnull=False,
            # Every urgent usulan has its case (created together): joining from
            # the few cases spares a scan of the whole queue, as jalur has no index.
            darurat__isnull=False,
        )
        .select_related("darurat", "desa__kecamatan")
        .order_by("submitted_at", "pk")
    )
    for row in rows:
        row.jam_menunggu = hours_between(row.submitted_at, now)
        row.lewat_target = row.jam_menunggu >= target
        row.target_jam = target
    return rows


def papers_overdue(usulan: Usulan, *, now=None) -> bool:
    """The KK/KTP window has passed (the verifier then needs the papers)."""
    kasus = getattr(usulan, "darurat", None)
    return bool(kasus and (now or timezone.now()) > kasus.berkas_tenggat)


def urgent_member(usulan: Usulan) -> Anggota | None:
    return usulan.anggota_set.order_by("pk").first()
