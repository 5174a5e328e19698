"""Periodic jobs: run through run_periodic, their heartbeats, and the housekeeping."""

import io
import json
import os
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import migrations
from django_tasks_db.models import DBTaskResult, get_date_max

from kis_portal.jobs.models import Job
from kis_portal.ops import release
from kis_portal.ops.models import Heartbeat
from kis_portal.ops.services import job_states
from kis_portal.ops.tasks import worker_ping
from tests.clock import frozen, wita

NOW = wita(2026, 11, 24, 3, 30)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- run_periodic and heartbeats ----------------------------------------------------


def test_a_periodic_job_that_succeeds_records_its_heartbeat(caplog):
    with frozen(wita(2026, 11, 23)):
        Session.objects.create(
            session_key="x" * 32, session_data="", expire_date=wita(2026, 11, 23, 8)
        )
    with frozen(NOW):
        run("run_periodic", "clearsessions")
        beat = Heartbeat.objects.get(name="clearsessions")
        assert beat.last_started_at == beat.last_success_at == NOW
        assert beat.last_failure_at is None
        assert job_states()["clearsessions"].ok
    assert not Session.objects.exists()
    assert "periodic=clearsessions succeeded" in caplog.text


def test_a_periodic_job_that_fails_says_so_everywhere(caplog):
    with frozen(NOW):
        with pytest.raises(CommandError, match="purge_dokumen gagal"):
            run("run_periodic", "purge_dokumen", "--", "--hari", "0")
        beat = Heartbeat.objects.get(name="purge_dokumen")
    assert beat.last_failure_at == NOW and beat.last_success_at is None
    assert beat.message == "gagal: CommandError"
    assert job_states()["purge_dokumen"].state == "failed"
    assert "periodic=purge_dokumen failed after" in caplog.text


def test_arguments_after_the_name_go_to_the_command():
    out = run("run_periodic", "purge_dokumen", "--", "--dry-run", "--hari", "30")
    assert "Masa simpan 30 hari" in out and "Uji coba (--dry-run)" in out


def test_only_registered_jobs_run():
    with pytest.raises(CommandError, match="invalid choice: 'migrate'"):
        run("run_periodic", "migrate")


def test_scripts_record_their_outcome_through_the_heartbeat_command():
    with frozen(NOW):
        run("heartbeat", "backup", "ok", "--message", "20261124-020000; 1,2G")
    beat = Heartbeat.objects.get(name="backup")
    assert (beat.last_success_at, beat.message) == (NOW, "20261124-020000; 1,2G")
    run("heartbeat", "backup", "failed", "--message", "pg_dump gagal")
    assert job_states()["backup"].state == "failed"


def test_the_worker_ping_records_the_worker_when_it_runs():
    """The suite's task backend runs tasks at once, as a worker would."""
    with frozen(NOW):
        assert "diantrekan" in run("run_periodic", "ping_worker")
    assert Heartbeat.objects.get(name="worker").last_success_at == NOW
    assert Heartbeat.objects.get(name="ping_worker").last_success_at == NOW


def test_no_second_ping_while_one_waits():
    DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path=worker_ping.module_path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )
    assert "masih menunggu" in run("ping_worker")
    assert not Heartbeat.objects.filter(name="worker").exists()


# --- prune_jobs -----------------------------------------------------------------------


@pytest.fixture
def jobs(admin_user, settings):
    """Jobs finished 20 and 3 days ago, one still running; files on disk."""

    def job(days_ago: int | None, name: str) -> Job:
        when = NOW - timedelta(days=days_ago or 0)
        with frozen(when):
            row = Job.objects.create(
                kind="audit_export",
                label=name,
                created_by=admin_user,
                status=Job.Status.RUNNING if days_ago is None else Job.Status.SUCCEEDED,
                finished_at=None if days_ago is None else when,
            )
            row.result_file.save(f"{name}.xlsx", ContentFile(b"NIK"), save=True)
        return row

    return {
        "old": job(20, "lama"),
        "recent": job(3, "baru"),
        "running": job(None, "berjalan"),
    }


def test_prune_jobs_deletes_old_finished_jobs_and_their_files(jobs, settings):
    old_path = jobs["old"].result_file.path
    orphan_old = settings.MEDIA_ROOT / "jobs" / "2026" / "10" / "yatim.xlsx"
    orphan_new = settings.MEDIA_ROOT / "jobs" / "2026" / "11" / "baru-yatim.xlsx"
    for path, days_ago in ((orphan_old, 30), (orphan_new, 1)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        stamp = (NOW - timedelta(days=days_ago)).timestamp()
        os.utime(path, (stamp, stamp))
    with frozen(NOW - timedelta(days=20)):
        DBTaskResult.objects.create(
            id=uuid.uuid4(),
            status="SUCCESSFUL",
            args_kwargs={"args": [], "kwargs": {}},
            task_path="kis_portal.jobs.tasks.run_job",
            backend_name="default",
            queue_name="default",
            run_after=get_date_max(),
            finished_at=NOW - timedelta(days=20),
        )

    with frozen(NOW):
        preview = run("prune_jobs", "--dry-run")
        assert (
            "1 tugas, 1 berkas hasil, 1 berkas tanpa tugas, 1 baris antrean" in preview
        )
        assert Job.objects.count() == 3 and orphan_old.exists()
        out = run("run_periodic", "prune_jobs")

    assert "Masa simpan 14 hari: 1 tugas" in out
    assert set(Job.objects.values_list("label", flat=True)) == {"baru", "berjalan"}
    assert not os.path.exists(old_path)
    assert os.path.exists(jobs["recent"].result_file.path)
    assert not orphan_old.exists() and orphan_new.exists()
    assert not DBTaskResult.objects.exists()
    assert job_states(now=NOW)["prune_jobs"].ok


def test_prune_jobs_retention_comes_from_the_setting(jobs, settings):
    settings.KIS_TUGAS_SIMPAN_HARI = 2
    with frozen(NOW):
        run("prune_jobs")
    assert set(Job.objects.values_list("label", flat=True)) == {"berjalan"}


# --- release_migrations ---------------------------------------------------------------


def test_the_applied_migrations_are_saved_and_nothing_to_undo(tmp_path):
    saved = tmp_path / "before.json"
    assert "migrasi tercatat" in run("release_migrations", "save", str(saved))
    assert ["ops", "0001_heartbeat"] in json.loads(saved.read_text())["applied"]
    out = run("release_migrations", "rollback", str(saved), "--check")
    assert out.strip() == "Tidak ada migrasi yang perlu dibalik."


def test_a_rollback_plan_unapplies_what_came_after(tmp_path):
    before = {node for node in release.applied_migrations() if node[0] != "ops"}
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps({"applied": sorted(before)}))
    plan = release.rollback_plan(before)
    assert plan.targets == [("ops", None)]
    assert plan.steps == ["ops.0001_heartbeat"] and plan.reversible
    out = run("release_migrations", "rollback", str(saved), "--check")
    assert "ops.0001_heartbeat" in out and "Semua bisa dibalik." in out


def test_operations_that_cannot_be_undone_are_named():
    def forwards(apps, schema_editor):
        pass

    ops = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(forwards),
        migrations.RunSQL("SELECT 1"),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL("SELECT 2")]
        ),
    ]
    found = release._irreversible(ops)
    assert found == [ops[1], ops[2], ops[3].database_operations[0]]


def test_rollback_without_the_saved_state_refuses(tmp_path):
    with pytest.raises(CommandError, match="tidak tercatat"):
        run("release_migrations", "rollback", str(tmp_path / "tidak-ada.json"))
