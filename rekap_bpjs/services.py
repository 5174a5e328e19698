"""The monthly BPJS batch: build in priority order within the quota, adjust, lock."""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dtks.selectors import dtks_status_for
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.bulk import among, bulk_set, gc_paused
from kis_portal.offices.models import NOMOR_SURAT_DEFAULT, OfficeProfile
from kis_portal.offices.selectors import get_active_profile
from kis_portal.offices.services import format_nomor, next_number
from kis_portal.roles import Role, require_role
from kis_portal.wilayah.models import Desa
from usulan.models import Anggota, Usulan
from usulan.services import usulan_advance_bulk

from .access import STAFF
from .deactivations import (
    DeactivationFileError,
    parse_deactivations,
    preview_deactivations,
)
from .models import Batch, BatchItem, DaftarNonaktif, Nonaktif, periode_validator
from .selection import choose
from .selectors import batch_unanswered, members_ready
from .signals import nonaktif_found
from .snapshot import (
    SnapshotMember,
    SnapshotRules,
    household_snapshot,
    member_snapshot,
)
from .workflow import BATCH, NONAKTIF

logger = logging.getLogger(__name__)

LETTER_SERIES = "surat_bpjs"


class BatchLocked(ValidationError):
    pass


@dataclass
class BuildResult:
    batch: Batch
    diambil: int = 0
    menunggu: dict[str, int] = field(default_factory=dict)


MSG_NO_FASKES = (
    "{n} orang belum punya kode faskes; kolom faskes di berkas BPJS akan kosong. "
    "Keluarkan mereka dari rekap, atau centang bahwa rekap tetap dikirim tanpa faskes."
)
MSG_STAFF_ONLY = "Hanya staf rekap BPJS yang dapat menyusun rekap."


# progress(done, total, message): what a build or lock job shows on its page.
LockProgress = Callable[[int, int | None, str], None]
PROGRESS_EVERY = 2_000


def _no_progress(done: int, total: int | None, message: str) -> None:
    pass


def cutoff_date(periode: str, day: int) -> datetime.date:
    year, month = (int(part) for part in periode.split("-"))
    return datetime.date(year, month, day)


@transaction.atomic
def batch_build(
    *, periode: str, by, progress: LockProgress | None = None
) -> BuildResult:
    """(Re)build a draft batch from every member ready now.

    Priority order from the office profile, then the moment each became ready;
    households stay together: one that does not fit waits and smaller ones behind
    it may fill the remaining places. Staff additions and removals are kept.
    A build job (jobs_lock.py) passes `progress(done, total, message)`.
    """
    progress = progress or _no_progress
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    periode_validator(periode)
    profile = get_active_profile()
    if profile is None:
        raise ValidationError("Belum ada profil kantor aktif.")
    batch, _ = Batch.objects.select_for_update().get_or_create(
        periode=periode,
        defaults={
            "created_by": by,
            "kuota": profile.monthly_quota,
            "tanggal_batas": cutoff_date(periode, profile.cutoff_day),
        },
    )
    if batch.status != Batch.Status.DRAFT:
        raise BatchLocked(f"Rekap {periode} sudah dikunci; tidak dapat disusun ulang.")
    batch.kuota = profile.monthly_quota
    batch.tanggal_batas = cutoff_date(periode, profile.cutoff_day)

    manual = {item.anggota_id: item for item in batch.items.exclude(manual="")}
    batch.items.filter(manual="").delete()
    # A member failed by BPJS may be sent again once fixed; anyone else sent stays out.
    taken_elsewhere = (
        BatchItem.objects.filter(diambil=True)
        .exclude(batch=batch)
        .exclude(hasil="gagal")
    )
    candidates = list(
        members_ready(profile)
        .exclude(pk__in=taken_elsewhere.values("anggota_id"))
        .select_related("usulan__desa__kecamatan")
    )
    progress(0, len(candidates), f"Mengurutkan {len(candidates)} anggota yang siap ...")
    result = BuildResult(batch=batch)
    used = sum(1 for item in manual.values() if item.diambil)
    rows: list[BatchItem] = []
    for household in choose(
        candidates,
        kuota=batch.kuota,
        tanggal_batas=batch.tanggal_batas,
        used=used,
        skip=manual,
    ):
        for member, urutan in zip(household.members, household.urutan, strict=True):
            rows.append(
                BatchItem(
                    batch=batch,
                    anggota=member,
                    nik=member.nik,
                    diambil=household.taken,
                    alasan=household.reason,
                    urutan=urutan,
                    prioritas=household.prioritas,
                    layout=member.usulan.jenis,
                )
            )
            if household.taken:
                result.diambil += 1
            else:
                key = household.reason.split(":")[0]
                result.menunggu[key] = result.menunggu.get(key, 0) + 1
    progress(len(rows), len(rows), f"Menyimpan {len(rows)} baris rekap ...")
    BatchItem.objects.bulk_create(rows)
    result.diambil += sum(1 for item in manual.values() if item.diambil)
    batch.built_at = timezone.now()
    batch.save(update_fields=["kuota", "tanggal_batas", "built_at"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=batch,
        reason=f"Rekap disusun: {result.diambil} orang",
        data={"diambil": result.diambil, "menunggu": result.menunggu},
    )
    logger.info(
        "batch=%s built taken=%s by user=%s", batch.periode, result.diambil, by.pk
    )
    return result


@transaction.atomic
def batch_set_member(
    *, periode: str, anggota_id: int, ambil: bool, alasan: str, by
) -> BatchItem:
    """A staff member adds or removes one member before locking, with a reason."""
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    if not alasan.strip():
        raise ValidationError({"alasan": "Alasan wajib diisi."})
    batch = Batch.objects.select_for_update().get(periode=periode)
    if batch.status != Batch.Status.DRAFT:
        raise BatchLocked(f"Rekap {periode} sudah dikunci.")
    item = batch.items.filter(anggota_id=anggota_id).first()
    if item is None:
        # A staff addition, with its reason, may take a member held for SIKS-NG.
        member = members_ready(hold_siksng=False).filter(pk=anggota_id).first()
        if member is None:
            raise ValidationError("Anggota ini tidak siap diusulkan.")
        last = (
            batch.items.order_by("-urutan").values_list("urutan", flat=True).first()
            or 0
        )
        item = BatchItem(
            batch=batch,
            anggota=member,
            nik=member.nik,
            urutan=last + 1,
            prioritas=member.prioritas,
            layout=member.usulan.jenis,
        )
    item.diambil = ambil
    item.manual = BatchItem.Manual.TAMBAH if ambil else BatchItem.Manual.HAPUS
    item.alasan = alasan.strip()[:250]
    item.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        by=by,
        target=batch,
        reason=f"{item.get_manual_display()}: {item.alasan}",
        data={"anggota": anggota_id},
    )
    return item


@transaction.atomic
@gc_paused()  # its 40,000 members and snapshots live to the end
def batch_lock(
    *,
    periode: str,
    by,
    tanpa_faskes: bool = False,
    progress: LockProgress | None = None,
) -> Batch:
    """Freeze the batch: store what is sent and mark the households as sent.

    Two staff locking at once: the row lock makes the second see it locked.
    Members without a faskes are sent only when staff say so (`tanpa_faskes`).
    A batch of a peak month is locked by a background job (jobs_lock.py), which
    passes `progress`.
    """
    progress = progress or _no_progress
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    batch = Batch.objects.select_for_update().get(periode=periode)
    if batch.status != Batch.Status.DRAFT:
        return batch
    items, households = _sent_items(batch)
    if not items:
        raise ValidationError("Rekap kosong: tidak ada anggota yang dapat dikirim.")
    no_faskes = [item for item in items if not item.anggota.kode_faskes]
    if no_faskes and not tanpa_faskes:
        raise ValidationError(MSG_NO_FASKES.format(n=len(no_faskes)))
    total = len(items)
    progress(0, total, f"Menyusun data kiriman {total} orang ...")
    dtks = dtks_status_for([item.nik for item in items])
    profile = get_active_profile()
    rules = SnapshotRules.of(profile, batch.periode)
    shared: dict[int, dict] = {}  # each household's part, made once
    snapshots = []
    for index, item in enumerate(items, start=1):
        anggota = item.anggota
        household = shared.get(anggota.usulan_id)
        if household is None:
            household = shared[anggota.usulan_id] = household_snapshot(
                anggota.usulan, rules
            )
        snapshots.append(
            member_snapshot(
                anggota,
                nomor_urut=index,
                dtks_label=dtks[item.nik].label,
                rules=rules,
                household=household,
            )
        )
        if index % PROGRESS_EVERY == 0:
            progress(index, total, f"Menyusun data kiriman: {index} dari {total} ...")
    progress(total, total, "Menyimpan rekap dan menandai keluarga DIKIRIM ...")
    # Set-based: a peak month's batch holds 40,000 members of 13,000 households.
    bulk_set(BatchItem, [item.pk for item in items], {"snapshot": snapshots})
    sent = {item.anggota.usulan_id for item in items}
    ready = [usulan for usulan in households if usulan.status == Usulan.Status.SIAP]
    usulan_advance_bulk(
        usulan_list=ready,
        to=Usulan.Status.DIKIRIM,
        by=by,
        reason=f"Dikirim ke BPJS dalam rekap {batch.periode}",
    )
    BATCH.move(
        batch,
        to=Batch.Status.TERKUNCI,
        by=by,
        reason=f"Dikunci: {len(items)} orang dari {len(sent)} keluarga",
    )
    _give_letter_number(batch, profile)
    return batch


@dataclass
class _SentItem:
    pk: int
    nik: str
    anggota: SnapshotMember


def _sent_items(batch: Batch) -> tuple[list[_SentItem], list[Usulan]]:
    """The batch's taken items in order, each with its member, household, desa;
    and the households, locked (in pk order), which the lock moves to DIKIRIM.

    Three reads instead of one with four levels of select_related: a peak
    month's 40,000 members would otherwise be 200,000 model instances, most of
    them the same 13,000 households and 148 desa again and again. The members
    are read as plain values (SnapshotMember), not model instances.
    """
    taken = Anggota.objects.filter(batch_items__batch=batch, batch_items__diambil=True)
    rows = taken.order_by("batch_items__urutan", "batch_items__pk").values_list(
        "batch_items__pk", "batch_items__nik", *SnapshotMember.FIELDS
    )
    items = [_SentItem(row[0], row[1], SnapshotMember(*row[2:])) for row in rows]
    ids = sorted({item.anggota.usulan_id for item in items})
    households = list(
        Usulan.objects.select_for_update()
        .filter(pk__in=among(ids, otherwise=taken.values("usulan_id")))
        .order_by("pk")
    )
    desa = {
        d.pk: d
        for d in Desa.objects.filter(
            pk__in={u.desa_id for u in households}
        ).select_related("kecamatan")
    }
    by_pk = {}
    for usulan in households:
        usulan.desa = desa[usulan.desa_id]
        by_pk[usulan.pk] = usulan
    for item in items:
        item.anggota.usulan = by_pk[item.anggota.usulan_id]
    return items, households


def _give_letter_number(batch: Batch, profile: OfficeProfile | None) -> None:
    """The next number of the cover-letter series, once per batch (row locked)."""
    if batch.nomor_surat:
        return
    today = timezone.localdate()
    urut = next_number(LETTER_SERIES, today.year)
    pola = profile.nomor_surat_pola if profile else NOMOR_SURAT_DEFAULT
    batch.nomor_surat = format_nomor(
        pola, urut=urut, tahun=today.year, bulan=today.month
    )
    batch.surat_tahun, batch.surat_urut = today.year, urut
    batch.save(update_fields=["nomor_surat", "surat_tahun", "surat_urut"])


@transaction.atomic
def batch_letter_number(*, periode: str) -> Batch:
    """The batch with its cover-letter number (given now to one locked earlier)."""
    batch = Batch.objects.select_for_update().get(periode=periode)
    if batch.status != Batch.Status.DRAFT:
        _give_letter_number(batch, get_active_profile())
    return batch


@transaction.atomic
def batch_close(*, periode: str, by, alasan: str = "") -> Batch:
    """Close a batch once BPJS's result is in: no more result files are applied.

    Members BPJS has not answered for stay as they are; closing says the office
    stops waiting for this batch. Two staff closing at once: the row lock makes
    it happen once.
    """
    require_role(by, *STAFF, message=MSG_STAFF_ONLY)
    batch = Batch.objects.select_for_update().get(periode=periode)
    if batch.status == Batch.Status.DITUTUP:
        return batch
    if batch.status != Batch.Status.HASIL:
        raise ValidationError(
            f"Rekap {periode} belum menerima hasil BPJS: belum dapat ditutup."
        )
    waiting = batch_unanswered(batch)
    if waiting and not alasan.strip():
        raise ValidationError(
            {
                "alasan": f"{waiting} anggota belum ada hasil BPJS: "
                "tuliskan alasan menutup rekap."
            }
        )
    BATCH.move(
        batch,
        to=Batch.Status.DITUTUP,
        by=by,
        reason=alasan.strip()[:250] or "Ditutup: semua anggota sudah ada hasil BPJS",
        data={"tanpa_hasil": waiting},
    )
    return batch


# --- BPJS's list of deactivated participants -------------------------------------


class DeactivationImportError(ValidationError):
    """The list cannot be applied; the message is for the uploader."""


@transaction.atomic
def nonaktif_import(*, content: bytes, filename: str, by) -> DaftarNonaktif:
    """Apply BPJS's list of deactivated participants: one task per match.

    The file is read and matched again (what the preview showed, unless the
    register changed in between); the same file twice is refused, and a
    deactivation already recorded is not recorded again. The desa are told
    through `signals.nonaktif_found` (notifikasi).
    """
    require_role(
        by, *STAFF, message="Hanya staf rekap BPJS yang menerapkan daftar nonaktif."
    )
    digest = hashlib.sha256(content).hexdigest()
    if DaftarNonaktif.objects.filter(sha256=digest).exists():
        raise DeactivationImportError(
            "Berkas yang sama sudah pernah diterapkan.", code="duplicate"
        )
    try:
        rows = parse_deactivations(content)
    except DeactivationFileError as exc:
        raise DeactivationImportError(exc.message, code="file") from exc
    preview = preview_deactivations(rows, profile=get_active_profile())
    daftar = DaftarNonaktif.objects.create(
        name=filename[-200:],
        sha256=digest,
        baris=preview.rows,
        cocok=len(preview.matched),
        ditahan=len(preview.held),
        tidak_dikenal=len(preview.unknown),
        created_by=by,
    )
    created = Nonaktif.objects.bulk_create(
        [
            Nonaktif(
                daftar=daftar,
                anggota_id=row.peserta.anggota_id,
                desa_id=row.peserta.desa_id,
                tanggal_nonaktif=row.tanggal,
                batas=row.batas,
                keterangan_bpjs=row.keterangan,
                baris=row.number,
            )
            for row in preview.matched
        ]
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        by=by,
        target=daftar,
        reason="Daftar peserta nonaktif BPJS diterapkan",
        data=preview.counts,
    )
    logger.info(
        "nonaktif list=%s rows=%s matched=%s held=%s by user=%s",
        daftar.pk,
        preview.rows,
        len(created),
        len(preview.held),
        by.pk,
    )
    if created:
        nonaktif_found.send(sender=Nonaktif, instances=created)
    return daftar


@transaction.atomic
def nonaktif_close(*, nonaktif_id: int, tindak_lanjut: str, by) -> Nonaktif:
    """The desa (or the office) records what was done about a deactivation."""
    require_role(
        by,
        Role.OPERATOR_DESA,
        *STAFF,
        message="Hanya operator desa atau staf rekap yang mencatat tindak lanjut.",
    )
    task = Nonaktif.objects.select_for_update().get(pk=nonaktif_id)
    text = " ".join((tindak_lanjut or "").split())[:300]
    if not text:
        raise ValidationError(
            {
                "tindak_lanjut": "Tuliskan tindak lanjutnya, misalnya nomor usulan "
                "reaktivasi atau alasan tidak diusulkan."
            }
        )
    if task.status == Nonaktif.Status.SELESAI:
        return task  # a second click: already recorded
    task.tindak_lanjut = text
    NONAKTIF.move(
        task,
        to=Nonaktif.Status.SELESAI,
        by=by,
        reason=text,
        update_fields=["tindak_lanjut"],
    )
    return task
