"""/healthz/detail: every check with its value and threshold, for a monitor with the token."""

import uuid
from collections import namedtuple
from datetime import timedelta

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult, get_date_max

from kis_portal.ops import health
from kis_portal.ops.models import Heartbeat
from kis_portal.ops.periodic import PERIODIC
from kis_portal.ops.services import heartbeat_failed, heartbeat_succeeded
from tests.clock import frozen, wita

TOKEN = "rahasia-pemantau-0123456789"
NOW = wita(2026, 11, 24, 9)
URL = "/healthz/detail"

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(client, settings):
    settings.KIS_HEALTHZ_TOKEN = TOKEN

    def get(token: str | None = TOKEN):
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return client.get(URL, headers=headers)

    return get


@pytest.fixture
def all_fresh():
    """Every periodic job succeeded a minute ago."""
    with frozen(NOW - timedelta(minutes=1)):
        for name in PERIODIC:
            heartbeat_succeeded(name=name)
    with frozen(NOW):
        yield


def test_without_a_configured_token_it_is_not_served(client):
    assert client.get(URL).status_code == 404
    assert client.get(URL, headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize("token", [None, "", "salah", TOKEN + "x", TOKEN[:-1]])
def test_a_missing_or_wrong_token_gets_nothing(monitor, token):
    response = monitor(token)
    assert response.status_code == 403
    assert response.json() == {"status": "forbidden"}


def test_get_only(client, settings):
    settings.KIS_HEALTHZ_TOKEN = TOKEN
    response = client.post(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 405


def test_all_well_is_200_with_each_check_and_its_threshold(
    monitor, all_fresh, settings
):
    response = monitor()
    assert response.status_code == 200, response.json()
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["status"] == "ok" and report["failing"] == []
    checks = report["checks"]
    assert set(checks) == {"database", "queue", "disk", *PERIODIC}
    assert checks["database"]["status"] == "ok"
    assert checks["queue"] == {
        "status": "ok",
        "ready": 0,
        "oldest_wait_s": None,
        "max_wait_s": 1800,
    }
    assert checks["backup"]["max_age_s"] == 26 * 3600
    assert checks["backup"]["age_s"] == 60
    assert checks["backup"]["last_success"] == "2026-11-24T08:59:00+08:00"
    assert checks["worker"]["max_age_s"] == 20 * 60
    assert checks["purge_dokumen"]["schedule"] == "harian 03.00"
    assert checks["disk"]["min_free_percent"] == 10
    assert set(checks["disk"]) >= {"media", "cadangan"}
    # Nothing that names the server's folders.
    assert str(settings.MEDIA_ROOT) not in response.content.decode()


def test_a_backup_never_made_fails_the_check(monitor, all_fresh):
    Heartbeat.objects.filter(name="backup").delete()
    response = monitor()
    assert response.status_code == 503
    report = response.json()
    assert report["failing"] == ["backup"]
    assert report["checks"]["backup"]["state"] == "never"


def test_a_stale_purge_and_a_failed_backup_fail(monitor, all_fresh):
    heartbeat_failed(name="backup", message="pg_dump gagal")
    with frozen(NOW + timedelta(hours=27)):
        with frozen(NOW + timedelta(hours=26, minutes=55)):
            for name in ("kirim_notifikasi", "ping_worker", "worker", "purge_staging"):
                heartbeat_succeeded(name=name)
        report = monitor().json()
    assert report["failing"] == [
        "backup",
        "clearsessions",
        "deactivate_dormant",
        "prune_jobs",
        "purge_dokumen",
    ]
    assert report["checks"]["backup"]["state"] == "failed"
    assert report["checks"]["purge_dokumen"]["state"] == "stale"
    assert report["checks"]["purge_dokumen"]["age_s"] == 27 * 3600 + 60


def test_a_silent_worker_fails(monitor, all_fresh):
    with frozen(NOW + timedelta(minutes=21)):
        report = monitor().json()
    assert report["failing"] == ["ping_worker", "worker"]  # notifications: 30 min
    assert report["checks"]["worker"]["state"] == "stale"


def _task(*, enqueued_minutes_ago: int, run_after=None) -> None:
    with frozen(NOW - timedelta(minutes=enqueued_minutes_ago)):
        DBTaskResult.objects.create(
            id=uuid.uuid4(),
            status="READY",
            args_kwargs={"args": [], "kwargs": {}},
            task_path="kis_portal.ops.tasks.worker_ping",
            backend_name="default",
            queue_name="default",
            run_after=run_after or get_date_max(),
        )


def test_a_task_waiting_too_long_fails_the_queue(monitor, all_fresh):
    _task(enqueued_minutes_ago=5)
    report = monitor().json()
    assert report["checks"]["queue"]["status"] == "ok"
    assert report["checks"]["queue"]["oldest_wait_s"] == 300
    _task(enqueued_minutes_ago=31)
    report = monitor().json()
    assert report["failing"] == ["queue"]
    assert report["checks"]["queue"] == {
        "status": "error",
        "ready": 2,
        "oldest_wait_s": 31 * 60,
        "max_wait_s": 1800,
    }


def test_a_delayed_task_waits_from_its_run_after(monitor, all_fresh):
    _task(enqueued_minutes_ago=120, run_after=NOW - timedelta(minutes=2))
    assert monitor().json()["checks"]["queue"]["oldest_wait_s"] == 120


def test_a_full_disk_fails(monitor, all_fresh, monkeypatch):
    Usage = namedtuple("Usage", "total used free")

    def nearly_full(path):
        return Usage(100 * 1024**3, 95 * 1024**3, 5 * 1024**3)

    monkeypatch.setattr(health.shutil, "disk_usage", nearly_full)
    report = monitor().json()
    assert report["failing"] == ["disk"]
    assert report["checks"]["disk"]["media"] == {
        "free_bytes": 5 * 1024**3,
        "free_percent": 5.0,
    }


def test_a_database_down_is_503_without_detail(monitor, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError('FATAL: password authentication failed for user "kis"')

    monkeypatch.setattr(connection, "cursor", down)
    response = monitor()
    assert response.status_code == 503
    report = response.json()
    assert report["checks"]["database"] == {"status": "error"}
    assert set(report["checks"]) == {"database", "disk"}
    assert "password" not in response.content.decode()


def test_the_public_healthz_stays_as_it_was(client, all_fresh):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
