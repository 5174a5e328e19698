"""Background jobs of the BPJS batch: the export to BPJS."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.services import audit_record
from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.offices.selectors import get_active_profile

from .exports import batch_workbook, cover_letter_pdf, sent_items
from .models import Batch, BatchFile
from .services import batch_letter_number

logger = logging.getLogger(__name__)


def back_to_batch(params: dict) -> tuple[str, str]:
    """The job page of an export or a result import leads back to its batch."""
    periode = params["periode"]
    return f"Kembali ke rekap {periode}", reverse("rekap_bpjs:detail", args=[periode])


def export_names(periode: str) -> tuple[str, str]:
    return f"rekap-bpjs-{periode}.xlsx", f"surat-pengantar-{periode}.pdf"


def _store(batch: Batch, kind: str, name: str, content: bytes, by) -> BatchFile:
    record = BatchFile(
        batch=batch,
        kind=kind,
        name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=by,
    )
    record.file.save(name, ContentFile(content), save=False)
    record.save()
    return record


@job_handler(
    "batch_export",
    label="Ekspor rekap BPJS (XLSX dan surat pengantar)",
    back=back_to_batch,
)
def export_batch(ctx, *, periode: str) -> None:
    by = ctx.job.created_by
    batch = Batch.objects.select_related("locked_by").filter(periode=periode).first()
    if batch is None:
        raise JobFailed(f"Rekap {periode} tidak ditemukan.")
    if batch.status == Batch.Status.DRAFT:
        raise JobFailed(
            f"Rekap {periode} belum dikunci. Kunci rekap dulu, lalu ekspor lagi."
        )
    profile = get_active_profile()
    if profile is None:
        raise JobFailed("Belum ada profil kantor aktif.")
    total = sent_items(batch).count()
    ctx.progress(0, total, "Menyusun berkas XLSX...")
    workbook = batch_workbook(
        batch, profile, progress=lambda done: ctx.progress(done, total)
    )
    ctx.progress(total, total, "Menyusun surat pengantar...")
    batch = batch_letter_number(periode=periode)
    letter = cover_letter_pdf(batch, profile)
    xlsx_name, pdf_name = export_names(periode)
    # Both files, the audit row and the job's result together: a worker killed
    # between them leaves no XLSX without its letter (the files it wrote are
    # orphans on disk, named by no row).
    with transaction.atomic():
        _store(batch, BatchFile.Kind.EKSPOR, xlsx_name, workbook, by)
        _store(batch, BatchFile.Kind.SURAT, pdf_name, letter, by)
        audit_record(
            action=AuditEvent.Action.EXPORT,
            by=by,
            target=batch,
            reason=f"Ekspor rekap {periode}: {total} orang",
            data={"jumlah": total, "berkas": [xlsx_name, pdf_name]},
        )
        ctx.save_result(
            xlsx_name, workbook, f"{total} orang diekspor; surat pengantar dibuat."
        )
    logger.info("user=%s exported batch=%s rows=%s", by.pk, periode, total)
