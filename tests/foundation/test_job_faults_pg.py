"""A worker killed half-way through a job: nothing half-applied, a retry as one clean run.

Each test runs the real worker (`manage.py db_worker`, see fault_worker.py) as a
separate process against the test database, three times:

1. a clean run of the job on fresh data: the database's contents are noted;
2. the same data again (the database flushed, the builders restarted), the job
   started, the worker stopped inside the job's writes and killed with SIGKILL
   by its process id: the database holds exactly what it held before the job;
   once the worker's heartbeat is older than STALE_AFTER, the job's page shows
   it failed with "Coba lagi";
3. "Coba lagi" pressed, a new worker runs the retry: the database's contents are
   those of the clean run.

Contents are compared table by table, every row's fields without ids, times,
stored file names and password hashes (which differ between two runs of the same
thing); the job and task rows themselves are left out (the killed run has two).
"""

import datetime
import io
import itertools
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

import tests.usulan.factories as usulan_factories
from dtks.imports import import_dtks
from dtks.jobs import DTKS_STAGING
from kis_portal.audit.models import AksesData
from kis_portal.jobs.models import Job
from kis_portal.jobs.services import MSG_STOPPED, STALE_AFTER, job_start
from kis_portal.roles import Role
from kis_portal.staging.models import StagedFile
from kis_portal.staging.services import staged_create
from notifikasi.models import PesanKeluar
from rekap_bpjs.jobs_result import RESULT_STAGING
from rekap_bpjs.models import Batch, BatchFile
from rekap_bpjs.services import batch_build, batch_lock
from tests.clock import frozen
from tests.factories import DesaFactory, KecamatanFactory, make_user
from tests.rekap_bpjs.factories import noka, ready_household, xlsx_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests/data/dtks_contoh.csv"
PERIODE = "2026-11"
WAIT = 120  # seconds for a worker to reach its point or finish (a slow CI host)

# Rows that differ between a killed-and-retried run and a clean one by nature.
NOT_COMPARED = {Job, DBTaskResult, Session, AksesData, StagedFile, AccessLog}
# A password's salt, an audit row's object id, an export's digest (the XLSX and
# PDF carry their creation time).
NOT_COMPARED_FIELDS = {"password", "object_id", "sha256"}
# An outgoing message queued before the job is delivered by the same worker in its
# own task, whenever it runs: its delivery state is not the job's work.
DELIVERY_FIELDS = {
    PesanKeluar: {
        "status",
        "percobaan",
        "error_terakhir",
        "riwayat",
        "backend",
        "id_gateway",
    }
}


@pytest.fixture
def worker_env(settings, tmp_path):
    """The worker's environment: this test's database, media folder, task backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }


class Worker:
    """One `db_worker --batch` process; `point` is where it stops (fault_worker.py)."""

    def __init__(self, env: dict, point: str, log: Path) -> None:
        self.log = log
        self.err = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.foundation.fault_worker", point],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.err,
            text=True,
        )

    def wait_paused(self) -> None:
        """Block until the job stopped at its point (the worker says PAUSED)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 5)
            if ready:
                line = self.process.stdout.readline()
                if line.strip() == "PAUSED":
                    return
                assert line, f"worker ended before its point:\n{self.log.read_text()}"
        self.kill()
        pytest.fail(f"worker never reached its point:\n{self.log.read_text()}")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        code = self.process.wait(timeout=WAIT)
        self._close()
        assert code == -signal.SIGKILL
        _wait_for_released_jobs()

    def finish(self) -> None:
        code = self.process.wait(timeout=WAIT)
        self._close()
        assert code == 0, self.log.read_text()

    def _close(self) -> None:
        self.process.stdout.close()
        self.err.close()


JOB_LOCKS = f"""
SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE c.relname = '{Job._meta.db_table}' AND l.pid <> pg_backend_pid()
"""


def _job_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(JOB_LOCKS)
        return cursor.fetchone()[0]


def _wait_for_released_jobs() -> None:
    """PostgreSQL ends a dead client's backend (and frees its row locks) when it
    notices the closed socket: on a loaded machine that can trail the kill, and
    the stale-job sweep passes over locked rows (skip_locked). Wait for it."""
    deadline = time.monotonic() + WAIT
    while _job_locks() and time.monotonic() < deadline:
        time.sleep(0.05)


# Random public numbers (usulan, pengajuan, receipts) and ids in links.
RANDOM = (
    (re.compile(r"\b[A-Z]{1,3}\d{4}-[A-Z0-9]{6}\b"), "<nomor>"),
    (re.compile(r"/\d+/"), "/<id>/"),
)


def _plain(row: tuple) -> str:
    text = repr(row)
    for pattern, placeholder in RANDOM:
        text = pattern.sub(placeholder, text)
    return text


def contents() -> dict[str, list[str]]:
    """Every table's rows (sorted) without what two equal runs cannot share."""
    out = {}
    for model in apps.get_models():
        if model in NOT_COMPARED or model._meta.proxy:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not (
                f.primary_key
                or f.is_relation
                or isinstance(f, models.DateTimeField | models.FileField)
                or f.name in NOT_COMPARED_FIELDS
                or f.name in DELIVERY_FIELDS.get(model, ())
            )
        ]
        rows = model._default_manager.values_list(*names)
        out[model._meta.label] = sorted(_plain(row) for row in rows)
    return out


def differences(have: dict, want: dict) -> str:
    """The rows only one side has, per table (for the assertion's message)."""
    lines = []
    for table in sorted(set(have) | set(want)):
        rows_have, rows_want = have.get(table, []), want.get(table, [])
        if rows_have != rows_want:
            extra = sorted(set(rows_have) - set(rows_want))[:5]
            missing = sorted(set(rows_want) - set(rows_have))[:5]
            lines.append(f"{table}: extra {extra}, missing {missing}")
    return "\n".join(lines)


def fresh_start() -> None:
    """An empty database and the builders' counters at their start, as for a new test."""
    call_command("flush", interactive=False, verbosity=0)
    KecamatanFactory.reset_sequence()
    DesaFactory.reset_sequence()
    usulan_factories._serial = itertools.count(1)


def killed_then_retried(
    env: dict, tmp_path: Path, *, point: str, arrange, start
) -> tuple[dict, dict, Job]:
    """Contents after a clean run and after a killed run plus its retry; the retry."""
    log = tmp_path / "worker.log"

    # Both runs start alike: the builders' counters depend on the tests run before.
    fresh_start()
    user = arrange()
    job = start(user)
    Worker(env, "none", log).finish()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    client = Client()
    client.force_login(user)  # as in the killed run, where the user retries
    assert "Coba lagi" not in client.get(job.get_absolute_url()).content.decode()
    clean = contents()

    fresh_start()
    user = arrange()
    before = contents()
    job = start(user)
    worker = Worker(env, point, log)
    worker.wait_paused()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    worker.kill()
    after_kill = contents()
    assert after_kill == before, (
        "the killed job left part of its work:\n" + differences(after_kill, before)
    )

    client = Client()
    client.force_login(user)
    page = reverse("jobs:detail", args=[job.pk])
    assert "Coba lagi" not in client.get(page).content.decode()  # heartbeat fresh
    later = timezone.now() + STALE_AFTER + datetime.timedelta(seconds=30)
    with frozen(later):
        html = client.get(page).content.decode()
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and job.message == MSG_STOPPED, (
            f"{job.status}: heartbeat {job.heartbeat_at} (now {timezone.now()}), "
            f"{_job_locks()} lock(s) held on the job table by others"
        )
        assert "Gagal" in html and "Coba lagi" in html
        response = client.post(reverse("jobs:retry", args=[job.pk]))
    retry = Job.objects.get(retry_of=job)
    assert response["Location"] == retry.get_absolute_url()
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    Worker(env, "none", log).finish()
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED, retry.message
    return clean, contents(), retry


def _batch_ready() -> tuple:
    call_command("load_profile", "sop-pbi", verbosity=0)
    desa = DesaFactory(nama="Kalibukbuk")
    operator = make_user(Role.OPERATOR_DESA, username="desa_a", desa=desa)
    rekap = make_user(Role.REKAP, username="rekap")
    households = [ready_household(operator, size=3, minutes=i) for i in range(4)]
    batch_build(periode=PERIODE, by=rekap)
    batch_lock(periode=PERIODE, by=rekap)
    return rekap, households


def test_a_bpjs_result_apply_killed_half_way(worker_env, tmp_path):
    def arrange():
        rekap, households = _batch_ready()
        people = [a for u in households for a in u.anggota_set.order_by("pk")]
        rows = [
            [noka(n), a.nik, a.nama, "BERHASIL", None, "01-12-2026"]
            if n % 4
            else [None, a.nik, a.nama, "GAGAL", "masih menunggak", None]
            for n, a in enumerate(people, start=1)
        ]
        # The same bytes both times (a new workbook carries a new timestamp).
        arrange.content = getattr(arrange, "content", None) or xlsx_bytes(rows)
        return rekap

    def start(rekap):
        token = staged_create(
            content=arrange.content, purpose=RESULT_STAGING, name="hasil.xlsx", by=rekap
        )
        return job_start(
            kind="bpjs_result_apply",
            by=rekap,
            params={"periode": PERIODE, "token": token},
        )

    clean, retried, retry = killed_then_retried(
        worker_env, tmp_path, point="bpjs", arrange=arrange, start=start
    )
    assert retried == clean, differences(retried, clean)
    assert Batch.objects.get(periode=PERIODE).status == Batch.Status.HASIL
    assert retry.message.startswith("Terdaftar 9, gagal 3")
    assert not StagedFile.objects.exists()  # the retry deleted the upload


def test_a_dtks_load_killed_half_way_keeps_the_period_as_it_was(worker_env, tmp_path):
    older = "\r\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:11])

    def arrange():
        admin = make_user(Role.ADMIN, username="admin")
        # The period already holds an older extract: the load replaces it.
        import_dtks(io.BytesIO(older.encode()), periode="2026-Q3", by=admin)
        return admin

    def start(admin):
        token = staged_create(
            content=SAMPLE.read_bytes(), purpose=DTKS_STAGING, name="dtks.csv", by=admin
        )
        return job_start(
            kind="dtks_import", by=admin, params={"token": token, "periode": "2026-Q3"}
        )

    clean, retried, retry = killed_then_retried(
        worker_env, tmp_path, point="dtks", arrange=arrange, start=start
    )
    assert retried == clean, differences(retried, clean)
    assert retry.message.startswith("Periode 2026-Q3: 300 baris diimpor")


def test_a_batch_export_killed_half_way_stores_no_file(worker_env, tmp_path):
    def arrange():
        rekap, _ = _batch_ready()
        return rekap

    def start(rekap):
        return job_start(kind="batch_export", by=rekap, params={"periode": PERIODE})

    clean, retried, retry = killed_then_retried(
        worker_env, tmp_path, point="export", arrange=arrange, start=start
    )
    assert retried == clean, differences(retried, clean)
    files = BatchFile.objects.filter(batch__periode=PERIODE)
    assert sorted(files.values_list("kind", flat=True)) == ["ekspor", "surat"]
    sheet = load_workbook(files.get(kind="ekspor").file.path).active
    assert sheet.max_row > 12  # the 12 members with the sheet's heading rows
    assert retry.result_name == f"rekap-bpjs-{PERIODE}.xlsx"
