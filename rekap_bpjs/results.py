"""Applying BPJS's result file to a locked batch: members, households, the file."""

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.bulk import bulk_set, gc_paused
from kis_portal.roles import require_role
from usulan.models import Anggota, Usulan
from usulan.services import usulan_advance_bulk

from .access import STAFF
from .imports import ResultPreview, SentMember, preview_result
from .models import Batch, BatchFile, BatchItem
from .result_file import ENROLLED, FAILED, parse_result
from .workflow import BATCH

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
    "dipulihkan",
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
@gc_paused()  # its 40,000 parsed and matched rows live to the end
def result_apply(*, periode: str, content: bytes, filename: str, by) -> ApplyResult:
    """Apply BPJS's result file to the batch; the same file twice changes nothing.

    The batch row lock queues two staff importing at once: the second finds the
    file already stored and returns its counts.
    """
    require_role(
        by, *STAFF, message="Hanya staf rekap BPJS yang dapat mengimpor hasil BPJS."
    )
    batch = get_result_batch(periode, lock=True)
    digest = sha256_of(content)
    if batch.files.filter(kind=BatchFile.Kind.HASIL, sha256=digest).exists():
        return ApplyResult(
            batch=batch, already=True, counts=_previous_counts(batch, digest)
        )
    preview = preview_result(batch, parse_result(content, filename))
    changed: list[SentMember] = []
    for rows, hasil in ((preview.enrolled, ENROLLED), (preview.failed, FAILED)):
        for row in rows:
            member = row.item
            assert member is not None
            member.hasil = hasil
            member.noka = row.noka if hasil == ENROLLED else ""
            member.tmt = row.tmt if hasil == ENROLLED else None
            member.keterangan = row.keterangan
            changed.append(member)
    hasil = [m.hasil for m in changed]
    noka = [m.noka for m in changed]
    tmt = [m.tmt for m in changed]
    keterangan = [m.keterangan for m in changed]
    bulk_set(
        BatchItem,
        [m.item_id for m in changed],
        {"hasil": hasil, "noka": noka, "tmt": tmt, "keterangan": keterangan},
    )
    bulk_set(
        Anggota,
        [m.anggota_id for m in changed],
        {
            "status_bpjs": hasil,
            "noka": noka,
            "tmt": tmt,
            "keterangan_bpjs": keterangan,
        },
    )
    terdaftar, gagal = _advance_households(batch, preview, changed, by=by)

    stored = BatchFile(
        batch=batch,
        kind=BatchFile.Kind.HASIL,
        name=PurePath(filename.replace("\\", "/")).name[:200] or "hasil",
        sha256=digest,
        created_by=by,
    )
    suffix = PurePath(stored.name).suffix.lower()
    stored.file.save(
        f"hasil-{digest[:16]}{suffix if suffix in ('.xlsx', '.xls', '.csv') else ''}",
        ContentFile(content),
        save=False,
    )
    stored.save()
    if batch.status == Batch.Status.TERKUNCI:
        BATCH.move(
            batch,
            to=Batch.Status.HASIL,
            by=by,
            reason=f"Hasil BPJS pertama diimpor: {stored.name}",
        )
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


def _advance_households(
    batch: Batch, preview: ResultPreview, changed: list[SentMember], *, by
) -> tuple[int, int]:
    """Move each affected household still DIKIRIM to TERDAFTAR or GAGAL_BPJS.

    Set-based: the preview holds every member of the batch (a household's other
    members may have got their result from an earlier file) with this file's
    results applied; the households are locked, moved and recorded in bulk.
    """
    affected = {member.usulan_id for member in changed}
    if not affected:
        return 0, 0
    sent: dict[int, list[SentMember]] = {}
    for member in sorted(preview.items.values(), key=lambda m: m.urutan):
        if member.usulan_id in affected:
            sent.setdefault(member.usulan_id, []).append(member)
    ids = sorted(sent)
    households: list[Usulan] = []
    for start in range(0, len(ids), BULK_SIZE):
        households += (
            Usulan.objects.select_for_update()
            .filter(pk__in=ids[start : start + BULK_SIZE], status=Usulan.Status.DIKIRIM)
            .only("pk", "nomor", "desa_id", "status")
            .order_by("pk")
        )
    failed: dict[int, str] = {}
    enrolled: dict[int, str] = {}
    for usulan in households:
        household = sent[usulan.pk]
        refused = [member for member in household if member.hasil == FAILED]
        if refused:
            reasons = "; ".join(
                f"{member.nama}: {member.keterangan or 'tanpa keterangan'}"
                for member in refused
            )
            failed[usulan.pk] = f"Gagal di BPJS: {reasons}"
        elif all(member.hasil == ENROLLED for member in household):
            enrolled[usulan.pk] = f"Terdaftar di BPJS (rekap {batch.periode})"
    for to, reasons in (
        (Usulan.Status.GAGAL_BPJS, failed),
        (Usulan.Status.TERDAFTAR, enrolled),
    ):
        usulan_advance_bulk(
            usulan_list=[usulan for usulan in households if usulan.pk in reasons],
            to=to,
            by=by,
            reasons=reasons,
        )
    return len(enrolled), len(failed)
