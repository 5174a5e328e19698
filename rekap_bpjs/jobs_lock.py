"""Locking a batch runs in the background; one batch job at a time per batch.

Job kind "batch_lock", params: periode, tanpa_faskes. A peak month's batch
(40,000 members of 13,000 households) takes seconds to lock: the request only
starts the job, the job page shows its progress.

While a lock or a result apply of a batch is queued or running, another start of
either for the same batch is refused (`batch_job_start`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from kis_portal.jobs.models import Job
from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.jobs.services import job_start

from .models import Batch
from .services import batch_lock

LOCK_KIND = "batch_lock"
APPLY_KIND = "bpjs_result_apply"
# The jobs that change a batch's state: never two of them at once for one batch.
BATCH_KINDS = (LOCK_KIND, APPLY_KIND)
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
MSG_BUSY = {
    LOCK_KIND: "Rekap {periode} sedang dikunci oleh tugas latar yang belum selesai.",
    APPLY_KIND: "Hasil BPJS untuk rekap {periode} sedang diterapkan oleh tugas latar "
    "yang belum selesai.",
}
MSG_WAIT = " Tunggu sampai tugas itu selesai, lalu muat ulang halaman rekap."


class BatchBusy(ValidationError):
    pass


def active_batch_job(periode: str) -> Job | None:
    """The lock or result apply of `periode` that is queued or running, if any."""
    return (
        Job.objects.filter(
            kind__in=BATCH_KINDS, params__periode=periode, status__in=ACTIVE
        )
        .order_by("pk")
        .first()
    )


def batch_job_start(*, kind: str, periode: str, by, params: dict) -> Job:
    """Start a lock or result apply of `periode`, unless one is queued or running.

    The batch row is locked while looking: two clicks at once start one job.
    """
    if kind not in BATCH_KINDS:
        raise ValueError(f"not a batch job: {kind!r}")
    with transaction.atomic():
        Batch.objects.select_for_update().filter(periode=periode).first()
        if busy := active_batch_job(periode):
            raise BatchBusy(MSG_BUSY[busy.kind].format(periode=periode) + MSG_WAIT)
        # kembali/kembali_nama: the job page links back to the batch.
        page = {
            "kembali": reverse("rekap_bpjs:detail", args=[periode]),
            "kembali_nama": f"rekap {periode}",
        }
        return job_start(
            kind=kind, by=by, params={**params, **page, "periode": periode}
        )


@job_handler(LOCK_KIND, label="Kunci rekap BPJS")
def lock_batch(ctx, *, periode: str, tanpa_faskes: bool = False, **_page) -> None:
    by = ctx.job.created_by
    batch = Batch.objects.filter(periode=periode).first()
    if batch is None:
        raise JobFailed(f"Rekap {periode} tidak ditemukan.")
    if batch.status != Batch.Status.DRAFT:
        ctx.job.message = (
            f"Rekap {periode} sudah dikunci ({batch.get_status_display()}); "
            "tidak ada yang berubah."
        )
        ctx.job.save(update_fields=["message"])
        return
    ctx.progress(0, None, f"Mengunci rekap {periode} ...")
    try:
        batch = batch_lock(
            periode=periode,
            by=by,
            tanpa_faskes=tanpa_faskes,
            progress=ctx.progress,
        )
    except ValidationError as exc:
        raise JobFailed(" ".join(exc.messages)) from exc
    taken = batch.items.filter(diambil=True).count()
    ctx.progress(taken, taken)
    ctx.job.message = (
        f"Rekap {periode} dikunci: {taken} orang. Siapkan berkas BPJS dari halaman "
        "rekap."
    )
    ctx.job.save(update_fields=["message"])
