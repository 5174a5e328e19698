"""Starting a job, failing the jobs whose worker died, and starting a failed one again."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Job
from .registry import HANDLERS
from .tasks import run_job
from .workflow import JOB

logger = logging.getLogger(__name__)

# The worker beats every HEARTBEAT_SECONDS (runner.py); a running job silent this
# long lost its worker: the process was killed, ran out of memory, the host stopped.
STALE_AFTER = datetime.timedelta(minutes=2)
MSG_STOPPED = (
    "Tugas terhenti di tengah jalan karena proses pekerja berhenti. "
    'Tekan "Coba lagi" untuk menjalankannya sekali lagi.'
)
MSG_NO_RETRY = "Hanya tugas yang gagal dan belum diulang yang dapat dijalankan lagi."


def job_start(*, kind: str, by, params: dict | None = None, label: str = "") -> Job:
    """Record a job and queue it for the worker (tests run it immediately)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        label=label or HANDLERS[kind].label,
        params=params or {},
        created_by=by,
    )
    run_job.enqueue(job.pk)
    return job


def jobs_fail_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Mark failed the running jobs whose worker stopped beating; their ids.

    The job's own writes are in the handler's transactions, which the database
    rolled back when the worker's connection went; the worker's task row is
    marked failed too, so nothing waits for it.
    """
    cutoff = (now or timezone.now()) - STALE_AFTER
    silent = Q(heartbeat_at__lt=cutoff) | Q(
        heartbeat_at__isnull=True, started_at__lt=cutoff
    )
    with transaction.atomic():
        stale = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(silent, status=Job.Status.RUNNING)
            .order_by("pk")
        )
        for job in stale:
            job.message = MSG_STOPPED
            JOB.move(job, to=Job.Status.FAILED, by=None, update_fields=["message"])
            logger.warning("job=%s kind=%s failed: worker stopped", job.pk, job.kind)
        ids = [job.pk for job in stale]
        if ids:
            rows = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            dead = [
                r.pk for r in rows if r.args_kwargs.get("args") in [[i] for i in ids]
            ]
            rows.filter(pk__in=dead).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now()
            )
    return ids


def job_retry(*, job_id: int, by) -> Job:
    """Start a failed job of `by` again with the same parameters (once)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id, created_by=by)
        if not job.can_retry:
            raise ValidationError(MSG_NO_RETRY)
        retry = Job.objects.create(
            kind=job.kind,
            label=job.label,
            params=job.params,
            created_by=by,
            retry_of=job,
        )
    logger.info("job=%s retries job=%s kind=%s", retry.pk, job.pk, job.kind)
    run_job.enqueue(retry.pk)
    return retry
