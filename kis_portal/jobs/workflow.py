"""A background job's statuses: queued, running, then succeeded or failed."""

from kis_portal.workflow import Entering, Workflow

from .models import Job

S = Job.Status

TRANSITIONS: dict[str, set[str]] = {
    S.QUEUED: {S.RUNNING},
    S.RUNNING: {S.SUCCEEDED, S.FAILED},
    S.SUCCEEDED: set(),
    S.FAILED: set(),
}


def enter_running(entering: Entering) -> None:
    entering.set(started_at=entering.now, heartbeat_at=entering.now)


def enter_finished(entering: Entering) -> None:
    entering.set(finished_at=entering.now)


# No history rows: a job is a technical queue entry, not a case. The row itself
# keeps who asked (created_by), when it started and finished, and its message; a
# history row per move would double the audit table's writes for every export
# and import without telling an auditor anything more. What the job did to
# business data is recorded by the services it calls.
JOB = Workflow(
    Job,
    transitions=TRANSITIONS,
    on_enter={
        S.RUNNING: enter_running,
        S.SUCCEEDED: enter_finished,
        S.FAILED: enter_finished,
    },
    history=False,
)
