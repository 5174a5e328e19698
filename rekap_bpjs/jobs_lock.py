"""Building and locking a batch run in the background; one batch job at a time.

Job kinds "batch_build" (params: periode) and "batch_lock" (periode,
tanpa_faskes). A peak month's batch (40,000 members of 13,000 households) takes
seconds to build or lock: the request only starts the job, the job page shows
its progress and links back to the batch.

While a build, lock or result apply of a batch is queued or running, another
start of any of them for the same batch is refused (`batch_job_start`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kis_portal.jobs.models import Job
from kis_portal.jobs.registry import job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.jobs.services import job_start

from .jobs import back_to_batch
from .models import Batch
from .services import batch_build, batch_lock

BUILD_KIND = "batch_build"
LOCK_KIND = "batch_lock"
APPLY_KIND = "bpjs_result_apply"
# The jobs that change a batch's state: never two of them at once for one batch.
BATCH_KINDS = (BUILD_KIND, LOCK_KIND, APPLY_KIND)
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
MSG_BUSY = {
    BUILD_KIND: "Rekap {periode} sedang disusun oleh tugas latar yang belum selesai.",
    LOCK_KIND: "Rekap {periode} sedang dikunci oleh tugas latar yang belum selesai.",
    APPLY_KIND: "Hasil BPJS untuk rekap {periode} sedang diterapkan oleh tugas latar "
    "yang belum selesai.",
}
MSG_WAIT = " Tunggu sampai tugas itu selesai, lalu muat ulang halaman rekap."


class BatchBusy(ValidationError):
    pass


def active_batch_job(periode: str) -> Job | None:
    """The build, lock or result apply of `periode` queued or running, if any."""
    return (
        Job.objects.filter(
            kind__in=BATCH_KINDS, params__periode=periode, status__in=ACTIVE
        )
        .order_by("pk")
        .first()
    )


def batch_job_start(*, kind: str, periode: str, by, params: dict) -> Job:
    """Start a build, lock or result apply of `periode`, unless one is queued or
    running.

    The batch row is locked while looking: two clicks at once start one job
    (a batch not built yet has no row to lock: two first builds at the very same
    moment may both queue; the second rebuilds the same draft).
    """
    if kind not in BATCH_KINDS:
        raise ValueError(f"not a batch job: {kind!r}")
    with transaction.atomic():
        Batch.objects.select_for_update().filter(periode=periode).first()
        if busy := active_batch_job(periode):
            raise BatchBusy(MSG_BUSY[busy.kind].format(periode=periode) + MSG_WAIT)
        return job_start(kind=kind, by=by, params={**params, "periode": periode})


@job_handler(LOCK_KIND, label="Kunci rekap BPJS", back=back_to_batch)
def lock_batch(ctx, *, periode: str, tanpa_faskes: bool = False) -> None:
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


@job_handler(BUILD_KIND, label="Susun rekap BPJS", back=back_to_batch)
def build_batch(ctx, *, periode: str) -> None:
    ctx.progress(0, None, f"Menyusun rekap {periode} dari anggota yang siap ...")
    try:
        result = batch_build(
            periode=periode, by=ctx.job.created_by, progress=ctx.progress
        )
    except ValidationError as exc:
        raise JobFailed(" ".join(exc.messages)) from exc
    waiting = sum(result.menunggu.values())
    ctx.progress(result.diambil + waiting, result.diambil + waiting)
    ctx.job.message = (
        f"Rekap {periode} disusun: {result.diambil} orang masuk, {waiting} menunggu."
    )
    ctx.job.save(update_fields=["message"])
