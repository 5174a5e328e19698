"""Deleting finished jobs: their rows, their result files and the worker's task rows.

Export files can hold full NIKs; a finished job is kept KIS_TUGAS_SIMPAN_HARI days
for its owner to download, then goes. Files under MEDIA_ROOT/jobs/ that no job
names any more (a crash between writing and saving) go after the same time.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Job

logger = logging.getLogger(__name__)

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED)


@dataclass
class PruneResult:
    jobs: int = 0
    files: int = 0
    orphans: int = 0
    task_rows: int = 0
    failed: list[str] = field(default_factory=list)


def jobs_prune(*, days: int, dry_run: bool = False) -> PruneResult:
    cutoff = timezone.now() - timedelta(days=days)
    result = PruneResult()
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff)
    for job in old.only("pk", "result_file").iterator():
        if job.result_file:
            result.files += 1
            if not dry_run:
                try:
                    default_storage.delete(job.result_file.name)
                except OSError as exc:
                    result.failed.append(job.result_file.name)
                    logger.error(
                        "job=%s file not deleted (%s)", job.pk, type(exc).__name__
                    )
                    continue
        result.jobs += 1
        if not dry_run:
            job.delete()
    result.orphans = _prune_orphans(cutoff.timestamp(), dry_run=dry_run)
    tasks = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    result.task_rows = tasks.count() if dry_run else tasks.delete()[0]
    logger.info(
        "prune_jobs days=%s jobs=%s files=%s orphans=%s task_rows=%s dry_run=%s",
        days,
        result.jobs,
        result.files,
        result.orphans,
        result.task_rows,
        dry_run,
    )
    return result


def _prune_orphans(cutoff: float, *, dry_run: bool) -> int:
    root = Path(settings.MEDIA_ROOT) / "jobs"
    if not root.is_dir():
        return 0
    named = set(
        Job.objects.exclude(result_file="").values_list("result_file", flat=True)
    )
    count = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.stat().st_mtime >= cutoff:
            continue
        if path.relative_to(settings.MEDIA_ROOT).as_posix() in named:
            continue
        count += 1
        if not dry_run:
            path.unlink(missing_ok=True)
    if not dry_run:
        _remove_empty_folders(root)
    return count


def _remove_empty_folders(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()) and folder.stat().st_mtime < time.time() - 3600:
            folder.rmdir()
