"""What the worker runs: one queued job, its handler, its outcome on the job row."""

import logging
import threading

from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from kis_portal.privacy import masked_traceback

from .models import Job
from .registry import HANDLERS
from .workflow import JOB

logger = logging.getLogger(__name__)

# How often a running job tells it is alive (services.STALE_AFTER: when it is not).
HEARTBEAT_SECONDS = 15


class JobFailed(Exception):
    """Raised by a handler with a message for the user (Indonesian)."""


class JobContext:
    """What a handler gets: the job, progress reporting and the result file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._side = None  # a second connection, for progress inside a transaction
        self._side_sees_job = True

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        fields = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["message"] = message
        if (
            connection.in_atomic_block
            and connection.vendor == "postgresql"
            and self._side_sees_job
        ):
            # A handler's long transaction (locking a batch) would hide its
            # progress until the commit: it is written beside it, committed.
            # A job row the other connection cannot see (made in this same
            # transaction: a job run at once inside a test's transaction) gets
            # it in the transaction, as before.
            if self._progress_beside(fields):
                return
            self._side_sees_job = False
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def _progress_beside(self, fields: dict) -> bool:
        """Write `fields` on the side connection; whether the job's row was there."""
        if self._side is None:
            self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                # Never wait behind the handler's own lock on the job row.
                cursor.execute("SET lock_timeout = '2s'")
        meta = Job._meta
        quote = self._side.ops.quote_name
        names = ", ".join(f"{quote(meta.get_field(f).column)} = %s" for f in fields)
        try:
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(meta.db_table)} SET {names} "  # nosec B608 - model identifiers; values are parameters
                    f"WHERE {quote(meta.pk.column)} = %s",
                    [*fields.values(), self.job.pk],
                )
                return cursor.rowcount > 0
        except DatabaseError as exc:
            logger.warning(
                "job=%s progress not written (%s)", self.job.pk, type(exc).__name__
            )
            return True  # the row is there (locked): the next report may pass

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def save_result(self, name: str, content: bytes, message: str = "") -> None:
        self.job.result_name = name
        self.job.result_file.save(name, ContentFile(content), save=False)
        if message:
            self.job.message = message
        self.job.save(update_fields=["result_name", "result_file", "message"])


class Heartbeat:
    """While a handler runs, a thread writes `heartbeat_at` on its own connection.

    The handler's own writes may sit in a long transaction; the heartbeat is
    committed beside it, so a job whose process died is seen by its silence.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(
                        pk=self.job_id, status=Job.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    logger.warning(
                        "job=%s heartbeat not written (%s)",
                        self.job_id,
                        type(exc).__name__,
                    )
        finally:
            connection.close()  # this thread's connection


def job_run(job_id: int) -> None:
    """Run one queued job; a failure is stored on the job, never raised to the worker."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        logger.warning("job=%s skipped: status=%s", job.pk, job.status)
        return
    JOB.move(job, to=Job.Status.RUNNING, by=None)
    logger.info("job=%s kind=%s started user=%s", job.pk, job.kind, job.created_by_id)
    ctx = JobContext(job)
    try:
        with Heartbeat(job.pk):
            HANDLERS[job.kind].func(ctx, **job.params)
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
    finally:
        ctx.close()


def _finish(job: Job, status: str, message: str) -> None:
    job.message = message
    JOB.move(job, to=status, by=None, update_fields=["message"])
    logger.info("job=%s finished status=%s", job.pk, status)
