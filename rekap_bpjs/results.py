"""Applying BPJS's result file to a locked batch: members, households, the file."""

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from kis_portal.accounts.roles import Role, has_role
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from usulan.models import Anggota, Usulan
from usulan.services import usulan_advance

from .imports import ENROLLED, FAILED, ResultPreview, parse_result, preview_result
from .models import Batch, BatchFile, BatchItem

logger = logging.getLogger(__name__)

BULK_SIZE = 1000
COUNT_KEYS = (
    "terdaftar",
    "gagal",
    "tidak_cocok",
    "salah_format",
    "tidak_berubah",
    "konflik",
    "duplikat",
    "menunggu",
    "usulan_terdaftar",
    "usulan_gagal",
)


@dataclass
class ApplyResult:
    batch: Batch
    already: bool = False  # this very file was applied before: nothing changed
    counts: dict[str, int] = field(default_factory=dict)
    preview: ResultPreview | None = None  # None when already

    @property
    def enrolled(self) -> int:
        return self.counts.get("terdaftar", 0)

    @property
    def failed(self) -> int:
        return self.counts.get("gagal", 0)

    @property
    def unmatched(self) -> int:
        return self.counts.get("tidak_cocok", 0)

    @property
    def malformed(self) -> int:
        return self.counts.get("salah_format", 0)

    @property
    def conflicts(self) -> int:
        return self.counts.get("konflik", 0)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def get_result_batch(periode: str, *, lock: bool = False) -> Batch:
    """The batch a result file may be applied to, or ValidationError."""
    qs = Batch.objects.select_for_update() if lock else Batch.objects.all()
    batch = qs.filter(periode=periode).first()
    if batch is None:
        raise ValidationError(f"Rekap {periode} tidak ada.")
    if batch.status not in (Batch.Status.TERKUNCI, Batch.Status.HASIL):
        raise ValidationError(
            f"Rekap {periode} belum dikunci/dikirim ke BPJS: hasil belum dapat diimpor."
        )
    return batch


@transaction.atomic
def result_apply(*, periode: str, content: bytes, filename: str, by) -> ApplyResult:
    """Apply BPJS's result file to the batch; the same file twice changes nothing.

    The batch row lock queues two staff importing at once: the second finds the
    file already stored and returns its counts.
    """
    if not has_role(by, Role.REKAP, Role.ADMIN):
        raise ValidationError("Hanya staf rekap BPJS yang dapat mengimpor hasil BPJS.")
    batch = get_result_batch(periode, lock=True)
    digest = sha256_of(content)
    if batch.files.filter(kind=BatchFile.Kind.HASIL, sha256=digest).exists():
        return ApplyResult(
            batch=batch, already=True, counts=_previous_counts(batch, digest)
        )
    preview = preview_result(batch, parse_result(content, filename))
    items: list[BatchItem] = []
    members: list[Anggota] = []
    for row in preview.enrolled:
        item = row.item
        assert item is not None
        item.hasil, item.noka, item.tmt = ENROLLED, row.noka, row.tmt
        item.keterangan = row.keterangan
        member = item.anggota
        member.status_bpjs, member.noka, member.tmt = ENROLLED, row.noka, row.tmt
        member.keterangan_bpjs = row.keterangan
        items.append(item)
        members.append(member)
    for row in preview.failed:
        item = row.item
        assert item is not None
        item.hasil, item.noka, item.tmt = FAILED, "", None
        item.keterangan = row.keterangan
        member = item.anggota
        member.status_bpjs, member.noka, member.tmt = FAILED, "", None
        member.keterangan_bpjs = row.keterangan
        items.append(item)
        members.append(member)
    BatchItem.objects.bulk_update(
        items, ["hasil", "noka", "tmt", "keterangan"], batch_size=BULK_SIZE
    )
    Anggota.objects.bulk_update(
        members,
        ["status_bpjs", "noka", "tmt", "keterangan_bpjs"],
        batch_size=BULK_SIZE,
    )
    terdaftar, gagal = _advance_households(batch, items, by=by)

    stored = BatchFile(
        batch=batch,
        kind=BatchFile.Kind.HASIL,
        name=PurePath(filename.replace("\\", "/")).name[:200] or "hasil",
        sha256=digest,
        created_by=by,
    )
    suffix = PurePath(stored.name).suffix.lower()
    stored.file.save(
        f"hasil-{digest[:16]}{suffix if suffix in ('.xlsx', '.csv') else ''}",
        ContentFile(content),
        save=False,
    )
    stored.save()
    if batch.status == Batch.Status.TERKUNCI:
        batch.status = Batch.Status.HASIL
        batch.save(update_fields=["status"])
    counts = {
        **preview.counts,
        "usulan_terdaftar": terdaftar,
        "usulan_gagal": gagal,
    }
    audit_record(
        action=AuditEvent.Action.IMPORT,
        by=by,
        target=batch,
        reason=(
            f"Hasil BPJS diimpor: terdaftar {counts['terdaftar']}, gagal "
            f"{counts['gagal']}, tidak cocok {counts['tidak_cocok']}, salah format "
            f"{counts['salah_format']}"
        ),
        data={"sha256": digest, "berkas": stored.name, "counts": counts},
    )
    logger.info(
        "batch=%s result imported enrolled=%s failed=%s by user=%s",
        batch.periode,
        counts["terdaftar"],
        counts["gagal"],
        by.pk,
    )
    return ApplyResult(batch=batch, counts=counts, preview=preview)


def _previous_counts(batch: Batch, digest: str) -> dict[str, int]:
    event = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.IMPORT,
            object_id=str(batch.pk),
            data__sha256=digest,
        )
        .order_by("-pk")
        .first()
    )
    counts = (event.data.get("counts") if event else None) or {}
    return {key: int(counts.get(key, 0)) for key in COUNT_KEYS}


def _advance_households(batch: Batch, changed: list[BatchItem], *, by) -> tuple:
    """Move each affected household still DIKIRIM to TERDAFTAR or GAGAL_BPJS."""
    affected = {item.anggota.usulan_id for item in changed}
    if not affected:
        return 0, 0
    sent: dict[int, list[BatchItem]] = {}
    # One query for the whole batch: a household's other members may have got
    # their result from an earlier file.
    for item in batch.items.filter(diambil=True).select_related("anggota__usulan"):
        if item.anggota.usulan_id in affected:
            sent.setdefault(item.anggota.usulan_id, []).append(item)
    terdaftar = gagal = 0
    for usulan_id in sorted(sent):
        household = sent[usulan_id]
        if household[0].anggota.usulan.status != Usulan.Status.DIKIRIM:
            continue
        failed = [item for item in household if item.hasil == FAILED]
        if failed:
            reasons = "; ".join(
                f"{item.anggota.nama}: {item.keterangan or 'tanpa keterangan'}"
                for item in failed
            )
            usulan_advance(
                usulan_id=usulan_id,
                to=Usulan.Status.GAGAL_BPJS,
                by=by,
                reason=f"Gagal di BPJS: {reasons}",
            )
            gagal += 1
        elif all(item.hasil == ENROLLED for item in household):
            usulan_advance(
                usulan_id=usulan_id,
                to=Usulan.Status.TERDAFTAR,
                by=by,
                reason=f"Terdaftar di BPJS (rekap {batch.periode})",
            )
            terdaftar += 1
    return terdaftar, gagal
