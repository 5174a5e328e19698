"""What the worker runs: one queued job, its handler, its outcome on the job row."""

import logging

from django.core.files.base import ContentFile

from kis_portal.privacy import masked_traceback

from .models import Job
from .registry import HANDLERS
from .workflow import JOB

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised by a handler with a message for the user (Indonesian)."""


class JobContext:
    """What a handler gets: the job, progress reporting and the result file."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        fields = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["message"] = message
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def save_result(self, name: str, content: bytes, message: str = "") -> None:
        self.job.result_name = name
        self.job.result_file.save(name, ContentFile(content), save=False)
        if message:
            self.job.message = message
        self.job.save(update_fields=["result_name", "result_file", "message"])


def job_run(job_id: int) -> None:
    """Run one queued job; a failure is stored on the job, never raised to the worker."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        logger.warning("job=%s skipped: status=%s", job.pk, job.status)
        return
    JOB.move(job, to=Job.Status.RUNNING, by=None)
    logger.info("job=%s kind=%s started user=%s", job.pk, job.kind, job.created_by_id)
    try:
        HANDLERS[job.kind].func(JobContext(job), **job.params)
    except JobFailed as exc:
        _finish(job, Job.Status.FAILED, str(exc))
    except Exception as exc:
        # Not logger.exception: an import's error may quote a cell (a NIK).
        logger.error(
            "job=%s kind=%s crashed\n%s", job.pk, job.kind, masked_traceback(exc)
        )
        _finish(
            job, Job.Status.FAILED, "Terjadi kesalahan sistem. Hubungi admin portal."
        )
    else:
        job.refresh_from_db(fields=["message"])
        _finish(job, Job.Status.SUCCEEDED, job.message or "Selesai.")


def _finish(job: Job, status: str, message: str) -> None:
    job.message = message
    JOB.move(job, to=status, by=None, update_fields=["message"])
    logger.info("job=%s finished status=%s", job.pk, status)
