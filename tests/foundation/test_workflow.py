"""The status mechanism itself (kis_portal.workflow), on the jobs' model.

Each app's table is tested in tests/security/matrix/test_workflow.py; here: what
a move writes, what entering a status does, the bulk path's chunks, the signals.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kis_portal import workflow as workflow_module
from kis_portal.audit.models import AuditEvent
from kis_portal.audit.selectors import history_for
from kis_portal.jobs.models import Job
from kis_portal.jobs.workflow import JOB
from kis_portal.workflow import (
    Entering,
    InvalidTransition,
    Workflow,
    status_changed,
    statuses_changed,
)

pytestmark = pytest.mark.django_db

S = Job.Status
TABLE = {
    S.QUEUED: {S.RUNNING},
    S.RUNNING: {S.SUCCEEDED, S.FAILED},
    S.SUCCEEDED: set(),
    S.FAILED: set(),
}


class Recorder:
    """An `on_enter` action that stamps the message and remembers each call."""

    def __init__(self) -> None:
        self.calls: list[Entering] = []

    def __call__(self, entering: Entering) -> None:
        self.calls.append(entering)
        entering.set(message=f"masuk {entering.to}")


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def audited(recorder):
    return Workflow(Job, transitions=TABLE, on_enter={S.RUNNING: recorder})


@pytest.fixture
def jobs(verifikator):
    ContentType.objects.get_for_model(Job)  # a warm cache, as in use
    return [
        Job.objects.create(
            kind="audit_export", label=f"uji {n}", created_by=verifikator
        )
        for n in range(5)
    ]


@pytest.fixture
def signals():
    received = []

    def single(sender, **kwargs):
        received.append(("status_changed", sender, kwargs))

    def many(sender, **kwargs):
        received.append(("statuses_changed", sender, kwargs))

    status_changed.connect(single)
    statuses_changed.connect(many)
    yield received
    status_changed.disconnect(single)
    statuses_changed.disconnect(many)


def test_a_table_must_name_every_status_and_only_known_ones():
    with pytest.raises(ValueError, match="missing"):
        Workflow(Job, transitions={S.QUEUED: {S.RUNNING}})
    with pytest.raises(ValueError, match="unknown"):
        Workflow(Job, transitions={**TABLE, S.QUEUED: {"berjalan"}})
    with pytest.raises(ValueError, match="unknown"):
        Workflow(Job, transitions=TABLE, on_enter={"berjalan": print})


def test_the_table_answers_what_may_follow_and_what_is_final(audited):
    assert audited.allowed_from(S.RUNNING) == {S.SUCCEEDED, S.FAILED}
    assert audited.may_move(S.QUEUED, S.RUNNING)
    assert not audited.may_move(S.QUEUED, S.SUCCEEDED)
    assert audited.sources(S.RUNNING) == {S.QUEUED}
    assert audited.final_statuses == {S.SUCCEEDED, S.FAILED}


def test_a_move_writes_the_status_what_entering_sets_the_history_and_the_signal(
    audited, recorder, jobs, verifikator, signals
):
    job = jobs[0]
    with CaptureQueriesContext(connection) as captured:
        event = audited.move(job, to=S.RUNNING, by=verifikator, reason="mulai")
    writes = [q["sql"].split()[0] for q in captured]
    assert writes == ["UPDATE", "INSERT"]  # the row with its stamp, the history
    job.refresh_from_db()
    assert (job.status, job.message) == (S.RUNNING, "masuk running")
    [entering] = recorder.calls
    assert (entering.pks, entering.from_statuses, entering.by) == (
        [job.pk],
        [S.QUEUED],
        verifikator,
    )
    assert history_for(job) == [event]
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        S.QUEUED,
        S.RUNNING,
        verifikator,
        "mulai",
    )
    [(name, sender, kwargs)] = signals
    assert (name, sender, kwargs["instance"], kwargs["from_status"]) == (
        "status_changed",
        Job,
        job,
        S.QUEUED,
    )


def test_a_refused_move_runs_nothing_and_writes_nothing(
    audited, recorder, jobs, verifikator, signals
):
    job = jobs[0]
    with pytest.raises(InvalidTransition) as refused:
        audited.move(job, to=S.SUCCEEDED, by=verifikator)
    assert refused.value.messages == [
        "Perubahan status dari 'queued' ke 'succeeded' tidak diizinkan."
    ]
    job.refresh_from_db()
    assert (job.status, job.message) == (S.QUEUED, "")
    assert not recorder.calls and not signals and not history_for(job)
    # The caller's transaction is still usable after a refusal.
    assert Job.objects.filter(pk=job.pk).exists()


def test_a_bulk_move_costs_one_update_per_chunk_and_one_history_insert(
    audited, recorder, jobs, verifikator, signals, monkeypatch
):
    monkeypatch.setattr(workflow_module, "BULK_SIZE", 2)
    reasons = {jobs[0].pk: "sendiri"}
    with CaptureQueriesContext(connection) as captured:
        events = audited.move_bulk(
            jobs, to=S.RUNNING, by=verifikator, reason="bersama", reasons=reasons
        )
    writes = [q["sql"].split()[0] for q in captured]
    # 5 rows in chunks of 2; the history rows of all chunks in one insert.
    assert writes == ["UPDATE"] * 3 + ["INSERT"]
    assert [len(call.objs) for call in recorder.calls] == [2, 2, 1]
    assert len(events) == 5
    events = list(AuditEvent.objects.filter(pk__in=events).order_by("pk"))
    assert set(Job.objects.values_list("status", "message")) == {
        (S.RUNNING, "masuk running")
    }
    assert all(job.status == S.RUNNING for job in jobs)  # the objects too
    assert [e.reason for e in events] == ["sendiri"] + ["bersama"] * 4
    [(name, sender, kwargs)] = signals  # once, for every row
    assert (name, sender, kwargs["instances"], kwargs["reasons"]) == (
        "statuses_changed",
        Job,
        jobs,
        reasons,
    )
    assert kwargs["from_statuses"] == [S.QUEUED] * 5


def test_a_bulk_move_with_one_row_out_of_place_moves_none(
    audited, recorder, jobs, verifikator
):
    Job.objects.filter(pk=jobs[-1].pk).update(status=S.FAILED)
    jobs[-1].refresh_from_db()
    with pytest.raises(InvalidTransition):
        audited.move_bulk(jobs, to=S.RUNNING, by=verifikator)
    assert not recorder.calls
    assert Job.objects.filter(status=S.RUNNING).count() == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_a_queue_without_history_writes_no_history_and_sends_no_signal(
    jobs, verifikator, signals
):
    job = jobs[0]
    assert JOB.move(job, to=S.RUNNING, by=verifikator) is None
    assert JOB.move_bulk(jobs[1:], to=S.RUNNING, by=verifikator) == []
    assert set(Job.objects.values_list("status", flat=True)) == {S.RUNNING}
    job.refresh_from_db()
    assert job.started_at is not None  # what entering RUNNING does
    assert not signals
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_move_where_claims_only_the_rows_that_may_enter(jobs):
    queue = Workflow(Job, transitions=TABLE, history=False)
    Job.objects.filter(pk=jobs[0].pk).update(status=S.FAILED)
    claimed = queue.move_where(
        Job.objects.filter(pk__in=[jobs[0].pk, jobs[1].pk]),
        to=S.RUNNING,
        message="diambil",
    )
    assert claimed == 1
    assert dict(Job.objects.values_list("pk", "status"))[jobs[1].pk] == S.RUNNING
    assert Job.objects.get(pk=jobs[0].pk).status == S.FAILED
    # A second worker finds nothing left to claim.
    assert queue.move_where(Job.objects.filter(pk=jobs[1].pk), to=S.RUNNING) == 0


def test_move_where_is_refused_where_history_or_an_entering_action_is_due(audited):
    with pytest.raises(ValueError, match="move_where"):
        audited.move_where(Job.objects.all(), to=S.RUNNING)
    with pytest.raises(ValueError, match="move_where"):
        JOB.move_where(Job.objects.all(), to=S.RUNNING)  # stamps started_at
