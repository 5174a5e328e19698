"""Retention of stored files (UU 27/2022): a closed case's files go after the period.

What goes: scanned documents and field-check photos of usulan in a final status
(enrolled or refused), attachments of finished complaints, and the photo of a
card handed to the citizen, once the case closed more than
`KIS_RETENSI_DOKUMEN_HARI` days ago. The database rows stay: the file name is
emptied, one audit event per file says it was purged and one more sums up the
run. Official records (SK, hand-over receipts, BPJS batch files) are kept.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from distribusi.models import Kartu
from kis_portal.audit.models import AksesData, AuditEvent
from kis_portal.audit.services import audit_record
from pengaduan.models import Lampiran, Pengaduan
from usulan.models import Dokumen, Usulan
from usulan.workflow import USULAN
from verifikasi.models import FotoLapangan

logger = logging.getLogger(__name__)

CHUNK = 500


@dataclass(frozen=True)
class JenisBerkas:
    key: str
    label: str
    model: type[models.Model]
    field: str


@dataclass
class HasilRetensi:
    days: int
    cutoff: datetime.datetime
    dry_run: bool
    labels: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.ids.values())

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(ids) for key, ids in self.ids.items()}


def final_usulan_statuses() -> set[str]:
    """The usulan statuses a case never leaves (enrolled, refused)."""

    return set(USULAN.final_statuses)


def closed_usulan(cutoff: datetime.datetime) -> models.QuerySet:
    """Usulan in a final status since before `cutoff` (their last status change)."""

    closed_at = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Usulan),
            object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
            action=AuditEvent.Action.STATUS,
            to_status=OuterRef("status"),
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        Usulan.objects.filter(status__in=final_usulan_statuses())
        .annotate(closed_at=Coalesce(Subquery(closed_at), "updated_at"))
        .filter(closed_at__lt=cutoff)
    )


def due_files(cutoff: datetime.datetime) -> list[tuple[JenisBerkas, models.QuerySet]]:
    """Per kind of file, the rows whose stored file is past retention."""

    closed = closed_usulan(cutoff).values("pk")
    return [
        (
            JenisBerkas("dokumen", "Dokumen usulan", Dokumen, "file"),
            Dokumen.objects.filter(
                Q(usulan_id__in=closed) | Q(anggota__usulan_id__in=closed)
            ).exclude(file=""),
        ),
        (
            JenisBerkas("foto_lapangan", "Foto cek lapangan", FotoLapangan, "file"),
            FotoLapangan.objects.filter(cek__usulan_id__in=closed).exclude(file=""),
        ),
        (
            JenisBerkas("lampiran_pengaduan", "Lampiran pengaduan", Lampiran, "berkas"),
            Lampiran.objects.filter(
                pengaduan__status=Pengaduan.Status.SELESAI,
                pengaduan__resolved_at__lt=cutoff,
            ).exclude(berkas=""),
        ),
        (
            JenisBerkas("foto_kartu", "Foto penyerahan kartu", Kartu, "warga_foto"),
            Kartu.objects.filter(
                status=Kartu.Status.DITERIMA_WARGA,
                warga_tanggal__lt=timezone.localdate(cutoff),
            ).exclude(warga_foto=""),
        ),
    ]


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _purge(jenis: JenisBerkas, rows: list[tuple[int, str]], days: int):
    """Delete the files, then empty the names and write one audit event per file."""
    storage = jenis.model._meta.get_field(jenis.field).storage
    done, failed = [], []
    for pk, name in rows:
        try:
            storage.delete(name)  # a file already gone is not an error
        except OSError:
            logger.warning("purge_dokumen could not delete %s id=%s", jenis.key, pk)
            failed.append(pk)
        else:
            done.append(pk)
    content_type = ContentType.objects.get_for_model(jenis.model)
    reason = f"Berkas dihapus: masa simpan {days} hari setelah kasus selesai berakhir."
    for chunk in _chunks(done):
        with transaction.atomic():
            jenis.model.objects.filter(pk__in=chunk).update(**{jenis.field: ""})
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    action=AuditEvent.Action.DELETE,
                    content_type=content_type,
                    object_id=str(pk),
                    # Not str(obj): an uploader's file name may hold anything.
                    object_repr=f"{jenis.label} #{pk}",
                    reason=reason,
                    data={"retensi": jenis.key, "retensi_hari": days},
                )
                for pk in chunk
            )
    return done, failed


def purge_dokumen(
    *, days: int, dry_run: bool = False, now: datetime.datetime | None = None
) -> HasilRetensi:
    """Purge the stored files of cases closed more than `days` days ago."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    result = HasilRetensi(days=days, cutoff=cutoff, dry_run=dry_run)
    for jenis, qs in due_files(cutoff):
        rows = list(qs.order_by("pk").values_list("pk", jenis.field))
        result.labels[jenis.key] = jenis.label
        if dry_run:
            result.ids[jenis.key], result.failed[jenis.key] = [pk for pk, _ in rows], []
        else:
            result.ids[jenis.key], result.failed[jenis.key] = _purge(jenis, rows, days)
    logger.info(
        "purge_dokumen dry_run=%s retention_days=%s cutoff=%s %s failed=%s",
        dry_run,
        days,
        timezone.localdate(cutoff).isoformat(),
        " ".join(f"{key}={count}" for key, count in result.counts.items()),
        sum(len(ids) for ids in result.failed.values()),
    )
    for key, ids in result.ids.items():
        if ids:
            logger.info(
                "purge_dokumen dry_run=%s %s ids=%s",
                dry_run,
                key,
                ",".join(map(str, ids)),
            )
    if not dry_run and (result.total or any(result.failed.values())):
        audit_record(
            action=AuditEvent.Action.DELETE,
            reason=(
                f"Retensi dokumen: {result.total} berkas dari kasus yang selesai "
                f"lebih dari {days} hari lalu dihapus."
            ),
            data={
                "retensi_hari": days,
                "batas": cutoff.isoformat(),
                "jumlah": result.counts,
                "id": result.ids,
                "gagal": result.failed,
            },
        )
    return result


@transaction.atomic
def purge_akses(
    *, days: int, dry_run: bool = False, now: datetime.datetime | None = None
) -> int:
    """Delete access records written more than `days` days ago; how many."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    due = AksesData.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return due.count()
    if connection.vendor == "postgresql":
        # The append-only trigger lets this transaction, and only it, delete.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL kis.retensi_akses = 'on'")
    count, _ = due.delete()
    logger.info(
        "purge_akses retention_days=%s cutoff=%s deleted=%s",
        days,
        timezone.localdate(cutoff).isoformat(),
        count,
    )
    if count:
        audit_record(
            action=AuditEvent.Action.DELETE,
            reason=(
                f"Retensi catatan akses: {count} catatan yang lebih tua dari {days} "
                "hari dihapus."
            ),
            data={"retensi_hari": days, "batas": cutoff.isoformat(), "jumlah": count},
        )
    return count
