"""Starting a job: the request records it and queues it for the worker."""

from .models import Job
from .registry import HANDLERS
from .tasks import run_job


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
