"""Heartbeats: each periodic job records when it started, succeeded or failed."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .models import Heartbeat
from .periodic import PERIODIC, Periodic

logger = logging.getLogger(__name__)


def heartbeat_started(*, name: str) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"last_started_at": timezone.now()}
    )


def heartbeat_succeeded(
    *, name: str, message: str = "", duration: timedelta | None = None
) -> None:
    Heartbeat.objects.update_or_create(
        name=name,
        defaults={
            "last_success_at": timezone.now(),
            "last_duration": duration,
            "message": message[:300],
        },
    )


def heartbeat_failed(*, name: str, message: str) -> None:
    Heartbeat.objects.update_or_create(
        name=name,
        defaults={"last_failure_at": timezone.now(), "message": message[:300]},
    )
    logger.error("periodic=%s failed: %s", name, message)


@dataclass(frozen=True)
class JobState:
    """One periodic job as the health check and the deploy checks see it."""

    job: Periodic
    state: str  # ok, never (no success yet), stale (too old), failed (last run)
    last_success_at: datetime | None
    last_failure_at: datetime | None
    age: timedelta | None

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def describe(self) -> str:
        """In Indonesian, for a warning or a log line."""
        if self.state == "never":
            return f"{self.job.label} ({self.job.name}) belum pernah berhasil"
        when = _local(self.last_success_at)
        if self.state == "failed":
            return (
                f"{self.job.label} ({self.job.name}) gagal pada "
                f"{_local(self.last_failure_at)}; terakhir berhasil {when}"
            )
        if self.state == "stale":
            return (
                f"{self.job.label} ({self.job.name}) terakhir berhasil {when}, "
                f"lebih lama dari {_hours(self.job.max_age)}"
            )
        return f"{self.job.label} ({self.job.name}) berhasil {when}"


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "belum pernah"
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} jam" if minutes % 60 == 0 else f"{minutes} menit"


def job_states(*, now: datetime | None = None) -> dict[str, JobState]:
    """Every registered periodic job's state, from its heartbeat row."""
    now = now or timezone.now()
    rows = {row.name: row for row in Heartbeat.objects.filter(name__in=PERIODIC)}
    states = {}
    for name, job in PERIODIC.items():
        row = rows.get(name)
        success = row.last_success_at if row else None
        failure = row.last_failure_at if row else None
        age = now - success if success else None
        if failure is not None and (success is None or failure > success):
            state = "failed"
        elif success is None:
            state = "never"
        elif age > job.max_age:
            state = "stale"
        else:
            state = "ok"
        states[name] = JobState(job, state, success, failure, age)
    return states
