"""What /healthz/detail reports: each check with its value and its threshold.

Nothing here names a host, a path or a person: the answer goes to a monitor.
"""

import logging
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .services import job_states

logger = logging.getLogger(__name__)

QUEUE_MAX_WAIT = timedelta(minutes=30)  # the oldest task ready to run, waiting
DISK_MIN_FREE_PERCENT = 10
DISK_MIN_FREE_BYTES = 2 * 1024**3


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat()


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"
        logger.error("healthz: database unreachable (%s)", type(exc).__name__)
        return {"status": "error"}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def check_queue(now: datetime) -> dict:
    """How long the oldest task that is ready to run has waited for the worker."""
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values("enqueued_at", "run_after").first()
    wait = None
    if oldest:
        since = oldest["enqueued_at"]
        if oldest["run_after"] != get_date_max():
            since = max(since, oldest["run_after"])
        wait = max(now - since, timedelta(0))
    return {
        "status": "error" if wait is not None and wait > QUEUE_MAX_WAIT else "ok",
        "ready": ready.count(),
        "oldest_wait_s": _seconds(wait),
        "max_wait_s": _seconds(QUEUE_MAX_WAIT),
    }


def _existing(path: Path) -> Path:
    """The path, or its nearest existing parent (a folder not created yet)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk() -> dict:
    folders = {"media": settings.MEDIA_ROOT, "cadangan": settings.KIS_CADANGAN_DIR}
    result: dict = {
        "status": "ok",
        "min_free_percent": DISK_MIN_FREE_PERCENT,
        "min_free_bytes": DISK_MIN_FREE_BYTES,
    }
    for label, folder in folders.items():
        usage = shutil.disk_usage(_existing(folder))
        percent = round(usage.free * 100 / usage.total, 1) if usage.total else 0.0
        low = percent < DISK_MIN_FREE_PERCENT or usage.free < DISK_MIN_FREE_BYTES
        result[label] = {"free_bytes": usage.free, "free_percent": percent}
        if low:
            result["status"] = "error"
    return result


def health_report() -> dict:
    """Every check; "status" is "error" as soon as one of them is."""
    now = timezone.now()
    checks: dict = {"database": check_database()}
    if checks["database"]["status"] == "ok":
        try:
            checks["queue"] = check_queue(now)
            for name, state in job_states(now=now).items():
                checks[name] = {
                    "status": "ok" if state.ok else "error",
                    "state": state.state,
                    "last_success": _iso(state.last_success_at),
                    "last_failure": _iso(state.last_failure_at),
                    "age_s": _seconds(state.age),
                    "max_age_s": _seconds(state.job.max_age),
                    "schedule": state.job.schedule,
                }
        except DatabaseError as exc:
            logger.error("healthz: heartbeats unreadable (%s)", type(exc).__name__)
            checks["heartbeats"] = {"status": "error"}
    checks["disk"] = check_disk()
    failing = sorted(name for name, check in checks.items() if check["status"] != "ok")
    return {
        "status": "error" if failing else "ok",
        "failing": failing,
        "checks": checks,
    }
