"""History and audit: one append-only record of who did what, used by every app."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kis_portal.audit.models import AuditEvent
from kis_portal.audit.selectors import history_for
from kis_portal.audit.services import audit_record
from kis_portal.jobs.models import Job
from kis_portal.workflow import InvalidTransition, Workflow
from tests.factories import PASSWORD
from tests.usulan.factories import make_usulan, upload_all
from usulan.models import Usulan
from usulan.services import usulan_submit

# The jobs' own workflow keeps no history; this one, for the test, does.
AUDITED = Workflow(
    Job,
    transitions={
        "queued": {"running"},
        "running": {"succeeded", "failed"},
        "succeeded": set(),
        "failed": set(),
    },
)


@pytest.fixture
def job(verifikator):
    return Job.objects.create(kind="audit_export", label="uji", created_by=verifikator)


def test_status_change_writes_the_history_row_with_who_when_and_why(job, verifikator):
    AUDITED.move(job, to="running", by=verifikator, reason="mulai")
    job.refresh_from_db()
    assert job.status == "running"
    [event] = history_for(job)
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        verifikator,
        "queued",
        "running",
        "mulai",
    )
    assert event.created_at is not None


def test_a_transition_outside_the_table_is_refused_and_changes_nothing(
    job, verifikator
):
    with pytest.raises(InvalidTransition, match="tidak diizinkan"):
        AUDITED.move(job, to="succeeded", by=verifikator)
    job.refresh_from_db()
    assert job.status == "queued"
    assert not history_for(job)


def test_history_is_append_only_in_python(job, verifikator):
    event = audit_record(
        action="view_personal", by=verifikator, target=job, reason="cek"
    )
    event.reason = "diubah"
    with pytest.raises(ValueError, match="tidak boleh diubah"):
        event.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_and_delete_of_audit_rows(verifikator):
    event = audit_record(action="login", by=verifikator, target=verifikator)
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_logins_logouts_and_failures_are_recorded(client, verifikator):
    client.post(
        "/accounts/login/", {"username": verifikator.username, "password": "salah"}
    )
    client.post(
        "/accounts/login/", {"username": verifikator.username, "password": PASSWORD}
    )
    client.post("/accounts/logout/")
    actions = list(
        AuditEvent.objects.filter(action__startswith="log")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["login_failed", "login", "logout"]
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor is None and failed.data == {"username": verifikator.username}


def test_admin_browses_and_filters_the_audit_trail(login, admin_user, verifikator, job):
    audit_record(
        action="view_personal", by=verifikator, target=job, reason="cek berkas"
    )
    client = login(admin_user)
    page = client.get("/audit/", {"action": "view_personal"}).content.decode()
    assert "cek berkas" in page and "Melihat data pribadi lengkap" in page
    assert (
        "cek berkas" not in client.get("/audit/", {"action": "export"}).content.decode()
    )


def test_a_status_change_also_moves_updated_at(operator_a):
    call_command("load_profile", "buleleng", verbosity=0)
    usulan = make_usulan(operator_a)
    upload_all(usulan, operator_a)
    before = Usulan.objects.get(pk=usulan.pk).updated_at
    usulan_submit(usulan_id=usulan.pk, by=operator_a)
    assert Usulan.objects.get(pk=usulan.pk).updated_at > before
