"""Background jobs: started from a page, run by the worker, result to its owner only."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from kis_portal.audit.services import audit_record
from kis_portal.jobs.models import Job
from kis_portal.jobs.registry import HANDLERS, job_handler
from kis_portal.jobs.runner import JobFailed
from kis_portal.jobs.services import MSG_NO_RETRY, MSG_STOPPED, job_retry, job_start


def test_admin_exports_the_audit_trail_as_a_job_and_downloads_it(login, admin_user):
    audit_record(action="config", by=admin_user, reason='=HYPERLINK("http://x")')
    client = login(admin_user)
    response = client.post("/audit/ekspor/", {"q": "HYPERLINK", "action": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/tugas/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress_done == job.progress_total == 1

    detail = client.get(response.url).content.decode()
    assert "Selesai" in detail and "1 baris diekspor" in detail
    download = client.get(f"/tugas/{job.pk}/unduh/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[1]][:3] == ["Waktu", "Oleh", "Tindakan"]
    reason = sheet.cell(row=2, column=7)
    assert reason.data_type == "s" and reason.value.startswith("'=")


def test_jobs_are_private_to_whoever_started_them(login, admin_user, verifikator):
    job = job_start(kind="audit_export", by=admin_user)
    client = login(verifikator)
    assert client.get(f"/tugas/{job.pk}/").status_code == 404
    assert client.get(f"/tugas/{job.pk}/unduh/").status_code == 404
    assert job.label not in client.get("/tugas/").content.decode()


def test_export_needs_post(login, admin_user):
    assert login(admin_user).get("/audit/ekspor/").status_code == 405


@pytest.fixture
def failing_kinds():
    @job_handler("uji_gagal", label="Uji gagal")
    def fails_politely(ctx):
        ctx.progress(1, 4)
        raise JobFailed("Kolom NIK tidak ditemukan.")

    @job_handler("uji_rusak", label="Uji rusak")
    def crashes(ctx):
        raise RuntimeError("boom 5108010101900001")

    yield

    HANDLERS.pop("uji_gagal"), HANDLERS.pop("uji_rusak")


def test_a_failed_job_shows_its_message_and_a_crash_hides_internals(
    login, verifikator, failing_kinds
):
    polite = job_start(kind="uji_gagal", by=verifikator)
    crash = job_start(kind="uji_rusak", by=verifikator)
    polite.refresh_from_db(), crash.refresh_from_db()
    assert (polite.status, polite.message) == (
        Job.Status.FAILED,
        "Kolom NIK tidak ditemukan.",
    )
    assert crash.status == Job.Status.FAILED
    page = login(verifikator).get(f"/tugas/{crash.pk}/").content.decode()
    assert "Hubungi admin" in page and "boom" not in page


def test_a_running_job_page_refreshes_itself(login, verifikator):
    job = Job.objects.create(
        kind="audit_export",
        label="Ekspor",
        created_by=verifikator,
        progress_total=10,
        progress_done=4,
        status=Job.Status.RUNNING,
    )
    page = login(verifikator).get(f"/tugas/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "40%" in page


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(settings, admin_user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = job_start(kind="audit_export", by=admin_user)
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


def test_job_results_are_not_cached_or_sniffed(login, admin_user):
    job = job_start(kind="audit_export", by=admin_user)
    response = login(admin_user).get(f"/tugas/{job.pk}/unduh/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    b"".join(response.streaming_content)


def test_a_running_job_whose_worker_went_silent_fails_with_a_retry(
    login, verifikator, failing_kinds
):
    # The worker beat 3 minutes ago, then nothing (tests/foundation/test_job_faults_pg.py
    # kills a real worker); another job beat just now.
    now = timezone.now()
    silent = Job.objects.create(
        kind="uji_gagal",
        label="Uji gagal",
        created_by=verifikator,
        status=Job.Status.RUNNING,
        started_at=now - datetime.timedelta(minutes=10),
        heartbeat_at=now - datetime.timedelta(minutes=3),
    )
    alive = Job.objects.create(
        kind="uji_gagal",
        label="Uji gagal",
        created_by=verifikator,
        status=Job.Status.RUNNING,
        started_at=now - datetime.timedelta(minutes=10),
        heartbeat_at=now,
    )
    client = login(verifikator)
    page = client.get(f"/tugas/{silent.pk}/").content.decode()
    silent.refresh_from_db(), alive.refresh_from_db()
    assert (silent.status, silent.message) == (Job.Status.FAILED, MSG_STOPPED)
    assert alive.status == Job.Status.RUNNING
    assert "Gagal" in page and "Coba lagi" in page

    response = client.post(f"/tugas/{silent.pk}/ulang/")
    retry = Job.objects.get(retry_of=silent)
    assert response.url == f"/tugas/{retry.pk}/"
    assert (retry.kind, retry.params, retry.created_by) == (
        silent.kind,
        silent.params,
        verifikator,
    )
    assert retry.status == Job.Status.FAILED  # run at once here: the handler fails
    again = client.post(f"/tugas/{silent.pk}/ulang/", follow=True)
    assert Job.objects.filter(retry_of=silent).count() == 1
    assert MSG_NO_RETRY in again.content.decode()
    assert "lihat hasilnya" in client.get(f"/tugas/{silent.pk}/").content.decode()


def test_only_a_failed_job_of_ones_own_can_be_retried(login, admin_user, verifikator):
    done = job_start(kind="audit_export", by=admin_user)
    assert login(verifikator).post(f"/tugas/{done.pk}/ulang/").status_code == 404
    with pytest.raises(ValidationError):
        job_retry(job_id=done.pk, by=admin_user)
    assert not Job.objects.filter(retry_of=done).exists()
