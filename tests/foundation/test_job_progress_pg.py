"""A job's progress reported inside its own long transaction is seen at once.

Locking a 40,000-member batch is one transaction of many seconds; the job page
(another connection) shows how far it is, not 0% until the commit.
"""

import pytest
from django.db import connections, transaction

from kis_portal.jobs.models import Job
from kis_portal.jobs.runner import JobContext

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _seen_from_outside(job_id: int) -> tuple:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT progress_done, progress_total, message FROM jobs_job "
                "WHERE id = %s",
                [job_id],
            )
            return cursor.fetchone()
    finally:
        other.close()


def test_progress_inside_a_transaction_is_visible_before_the_commit(admin_user):
    job = Job.objects.create(
        kind="batch_lock", label="Kunci", created_by=admin_user, status="running"
    )
    ctx = JobContext(job)
    try:
        with transaction.atomic():
            ctx.progress(2000, 40000, "Menyusun data kiriman: 2000 dari 40000 ...")
            seen = _seen_from_outside(job.pk)
            assert seen == (2000, 40000, "Menyusun data kiriman: 2000 dari 40000 ...")
            # The handler's own writes still wait for its commit.
            Job.objects.filter(pk=job.pk).update(label="diubah di dalam")
            assert Job.objects.get(pk=job.pk).label == "diubah di dalam"
    finally:
        ctx.close()
    assert Job.objects.get(pk=job.pk).progress_done == 2000
