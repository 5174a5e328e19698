"""Building and locking a batch are background jobs: the click queues, the worker works.

While a build, lock or result apply of a batch is queued or running, a second
start of any of them for that batch is refused with a message.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kis_portal.jobs.models import Job
from kis_portal.offices.models import OfficeProfile
from kis_portal.roles import Role
from rekap_bpjs.models import Batch
from tests.factories import make_user
from tests.rekap_bpjs.factories import ready_household
from tests.rekap_bpjs.test_batch_views import result_xlsx
from usulan.models import Usulan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def sop_pbi(db):
    call_command("load_profile", "sop-pbi", verbosity=0)
    OfficeProfile.objects.filter(is_active=True).update(monthly_quota=None)


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the database for the worker, as on a server."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def named(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("hasil.xlsx", content)


def test_rekap_clicks_lock_a_job_is_queued_and_the_worker_locks_the_batch(
    login, rekap, operator_a, queued_jobs
):
    households = [ready_household(operator_a, size=2, minutes=m) for m in (1, 2)]
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    run_worker()

    response = client.post("/rekap/2026-11/kunci/")
    job = Job.objects.get(kind="batch_lock")
    assert response.url == job.get_absolute_url()
    assert job.status == Job.Status.QUEUED and job.params["periode"] == "2026-11"
    page = client.get(response.url).content.decode()
    assert "Kunci rekap BPJS" in page and "Menunggu" in page
    assert 'http-equiv="refresh"' in page  # the page follows the job by itself
    assert Batch.objects.get().status == Batch.Status.DRAFT  # the request only queued

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert Batch.objects.get().status == Batch.Status.TERKUNCI
    assert {
        u.status for u in Usulan.objects.filter(pk__in=[h.pk for h in households])
    } == {Usulan.Status.DIKIRIM}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Selesai" in page and "4 dari 4" in page and "100%" in page
    assert "Rekap 2026-11 dikunci: 4 orang" in page
    assert 'http-equiv="refresh"' not in page
    assert 'href="/rekap/2026-11/">Kembali ke rekap 2026-11</a>' in page

    again = client.post("/rekap/2026-11/kunci/", follow=True).content.decode()
    assert "sudah dikunci" in again
    assert Job.objects.filter(kind="batch_lock").count() == 1


def test_a_second_lock_while_one_is_queued_or_running_is_refused(
    login, rekap, operator_a, queued_jobs
):
    ready_household(operator_a, minutes=1)
    other = make_user(Role.REKAP, username="rekap2")
    login(rekap).post("/rekap/susun/", {"periode": "2026-11"})
    run_worker()
    login(rekap).post("/rekap/2026-11/kunci/")
    first = Job.objects.get(kind="batch_lock")

    refused = login(other).post("/rekap/2026-11/kunci/", follow=True).content.decode()
    assert "Rekap 2026-11 sedang dikunci oleh tugas latar yang belum selesai" in refused
    confirm = login(other).get("/rekap/2026-11/kunci/").content.decode()
    assert "sedang diproses oleh tugas latar" in confirm

    Job.objects.filter(pk=first.pk).update(status=Job.Status.RUNNING)
    refused = login(rekap).post("/rekap/2026-11/kunci/", follow=True).content.decode()
    assert "sedang dikunci oleh tugas latar" in refused
    assert Job.objects.filter(kind="batch_lock").count() == 1
    assert Batch.objects.get().status == Batch.Status.DRAFT

    # Once it is over (here: failed), locking may start again.
    Job.objects.filter(pk=first.pk).update(status=Job.Status.FAILED)
    login(rekap).post("/rekap/2026-11/kunci/")
    run_worker()
    assert Batch.objects.get().status == Batch.Status.TERKUNCI


def test_a_result_apply_while_another_is_queued_is_refused_and_the_file_kept(
    login, rekap, operator_a, queued_jobs
):
    sent = ready_household(operator_a, minutes=1)
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    run_worker()
    client.post("/rekap/2026-11/kunci/")
    run_worker()
    nik = sent.anggota_set.get().nik
    row = [nik, "0001261832477", "BERHASIL", "", "01-12-2026"]
    # The very same bytes twice: openpyxl stamps the second into the file, so a
    # second workbook built a second later would be another file.
    content = result_xlsx([row]).getvalue()
    client.post("/rekap/2026-11/hasil/", {"berkas": named(content)})
    client.post("/rekap/2026-11/hasil/terapkan/")
    assert Job.objects.get(kind="bpjs_result_apply").status == Job.Status.QUEUED

    client.post("/rekap/2026-11/hasil/", {"berkas": named(content)})
    refused = client.post("/rekap/2026-11/hasil/terapkan/", follow=True)
    assert (
        "Hasil BPJS untuk rekap 2026-11 sedang diterapkan oleh tugas latar"
        in refused.content.decode()
    )
    assert Job.objects.filter(kind="bpjs_result_apply").count() == 1

    run_worker()
    assert Usulan.objects.get(pk=sent.pk).status == Usulan.Status.TERDAFTAR
    # The refused click kept its previewed file: applying it now is allowed.
    client.post("/rekap/2026-11/hasil/terapkan/")
    run_worker()
    second = Job.objects.filter(kind="bpjs_result_apply").latest("pk")
    assert second.status == Job.Status.SUCCEEDED
    assert "sudah pernah diterapkan" in second.message


def test_a_lock_refused_for_missing_faskes_starts_no_job(
    login, rekap, operator_a, queued_jobs
):
    household = ready_household(operator_a, minutes=1)
    household.anggota_set.update(kode_faskes="")
    client = login(rekap)
    client.post("/rekap/susun/", {"periode": "2026-11"})
    run_worker()
    page = client.post("/rekap/2026-11/kunci/", follow=True).content.decode()
    assert "1 orang belum punya kode faskes" in page
    assert not Job.objects.filter(kind="batch_lock").exists()


def test_building_is_a_job_too_and_locking_waits_for_it(
    login, rekap, operator_a, queued_jobs
):
    ready_household(operator_a, size=3, minutes=1)
    client = login(rekap)
    response = client.post("/rekap/susun/", {"periode": "2026-11"})
    build = Job.objects.get(kind="batch_build")
    assert response.url == build.get_absolute_url() and build.status == "queued"
    assert not Batch.objects.exists()  # the request only queued
    again = client.post("/rekap/susun/", {"periode": "2026-11"}, follow=True)
    assert "Rekap 2026-11 sedang disusun oleh tugas latar" in again.content.decode()
    run_worker()
    assert Batch.objects.get().items.filter(diambil=True).count() == 3
    build.refresh_from_db()
    assert build.status == Job.Status.SUCCEEDED
    page = client.get(build.get_absolute_url()).content.decode()
    assert "Rekap 2026-11 disusun: 3 orang masuk, 0 menunggu." in page
    assert "3 dari 3" in page and "Kembali ke rekap 2026-11" in page

    client.post("/rekap/susun/", {"periode": "2026-11"})  # rebuild queued
    refused = client.post("/rekap/2026-11/kunci/", follow=True).content.decode()
    assert "Rekap 2026-11 sedang disusun oleh tugas latar yang belum selesai" in refused
    assert not Job.objects.filter(kind="batch_lock").exists()
    run_worker()
    client.post("/rekap/2026-11/kunci/")
    refused = client.post("/rekap/susun/", {"periode": "2026-11"}, follow=True)
    assert "Rekap 2026-11 sedang dikunci" in refused.content.decode()
    run_worker()
    refused = client.post("/rekap/susun/", {"periode": "2026-11"}, follow=True)
    assert "sudah dikunci; tidak dapat disusun ulang" in refused.content.decode()
    assert Job.objects.filter(kind="batch_build").count() == 2
