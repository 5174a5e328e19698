"""`check --deploy`: each of the portal's own checks warns when it should, and only then."""

import os
from pathlib import Path

import pytest
from django.core.checks import registry
from django.core.management import call_command
from django.db import DatabaseError

from kis_portal.offices.models import OfficeProfile
from kis_portal.ops import checks
from kis_portal.ops.models import Heartbeat
from kis_portal.ops.services import heartbeat_failed, heartbeat_succeeded
from tests.clock import frozen, wita

ZONEINFO = Path("/usr/share/zoneinfo")
NOW = wita(2026, 11, 24, 9)


def kis_warnings() -> list[str]:
    messages = registry.registry.run_checks(
        include_deployment_checks=True, tags=["kis"]
    )
    return sorted(message.id for message in messages)


def server_clock(tmp_path: Path, monkeypatch, zone: str | None) -> None:
    """Point the check at a fake /etc/localtime (a link into zoneinfo, or none)."""
    localtime = tmp_path / "etc" / "localtime"
    localtime.parent.mkdir(exist_ok=True)
    localtime.unlink(missing_ok=True)
    if zone is not None:
        localtime.symlink_to(ZONEINFO / zone)
    monkeypatch.setattr(checks, "LOCALTIME", localtime)
    monkeypatch.setattr(checks, "ETC_TIMEZONE", tmp_path / "etc" / "timezone")


@pytest.fixture
def production(settings, tmp_path, monkeypatch, db):
    """A server set up as docs/deploy.md says: no kis warning at all."""
    settings.DEBUG = False
    settings.KIS_2FA = True
    settings.TIME_ZONE = "Asia/Makassar"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KIS_CADANGAN_DIR = tmp_path / "backups"
    for folder in (settings.MEDIA_ROOT, settings.KIS_CADANGAN_DIR):
        folder.mkdir(mode=0o700)
    server_clock(tmp_path, monkeypatch, "Asia/Makassar")
    with frozen(wita(2026, 11, 24, 3, 30)):
        heartbeat_succeeded(name="backup")
        heartbeat_succeeded(name="purge_dokumen")
    with frozen(NOW):
        yield settings


def test_a_server_set_up_as_the_guide_says_gets_no_warning(production):
    assert kis_warnings() == []


def test_two_factor_turned_off_warns(production):
    production.KIS_2FA = False
    assert kis_warnings() == ["kis.W001"]


@pytest.mark.parametrize("zone", ["Etc/UTC", "Asia/Jakarta", None])
def test_a_server_clock_in_another_zone_warns(production, tmp_path, monkeypatch, zone):
    """None: no /etc/localtime at all, which glibc reads as UTC."""
    server_clock(tmp_path, monkeypatch, zone)
    assert kis_warnings() == ["kis.W002"]


def test_another_name_for_the_same_clock_does_not_warn(
    production, tmp_path, monkeypatch
):
    server_clock(tmp_path, monkeypatch, "Etc/GMT-8")  # UTC+8 all year, like WITA
    assert kis_warnings() == []


def test_a_copied_localtime_is_named_by_etc_timezone(production, tmp_path, monkeypatch):
    localtime = tmp_path / "copy" / "localtime"
    localtime.parent.mkdir()
    localtime.write_bytes((ZONEINFO / "Asia/Makassar").read_bytes())
    timezone_file = tmp_path / "copy" / "timezone"
    monkeypatch.setattr(checks, "LOCALTIME", localtime)
    monkeypatch.setattr(checks, "ETC_TIMEZONE", timezone_file)
    timezone_file.write_text("Asia/Makassar\n")
    assert kis_warnings() == []
    timezone_file.write_text("Asia/Jayapura\n")
    assert kis_warnings() == ["kis.W002"]


def test_debug_on_warns(production):
    production.DEBUG = True
    assert kis_warnings() == ["kis.W003"]


def test_a_retention_purge_that_never_ran_warns(production):
    Heartbeat.objects.filter(name="purge_dokumen").delete()
    assert kis_warnings() == ["kis.W004"]


def test_a_stale_backup_warns_and_so_does_a_failed_one(production):
    with frozen(wita(2026, 11, 25, 3, 0)):
        heartbeat_succeeded(name="purge_dokumen")
    with frozen(wita(2026, 11, 25, 5, 31)):  # 26 hours and a minute later
        assert kis_warnings() == ["kis.W005"]
    with frozen(wita(2026, 11, 25, 5, 29)):
        assert kis_warnings() == []
        heartbeat_failed(name="backup", message="pg_dump gagal")
        assert kis_warnings() == ["kis.W005"]
        heartbeat_succeeded(name="backup")
        assert kis_warnings() == []


def test_unreadable_heartbeats_warn_instead_of_crashing(production, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("no such table: ops_heartbeat")

    monkeypatch.setattr(checks, "job_states", broken)
    assert kis_warnings() == ["kis.W004", "kis.W005"]


@pytest.mark.parametrize("mode", [0o701, 0o704, 0o755])
def test_a_media_or_backup_folder_open_to_others_warns(production, mode):
    os.chmod(production.MEDIA_ROOT, mode)
    assert kis_warnings() == ["kis.W006"]
    os.chmod(production.MEDIA_ROOT, 0o750)  # the group (kis) is fine
    os.chmod(production.KIS_CADANGAN_DIR, mode)
    assert kis_warnings() == ["kis.W006"]


def test_folders_not_created_yet_do_not_warn(production, tmp_path):
    production.MEDIA_ROOT = tmp_path / "belum-ada"
    assert kis_warnings() == []


def test_media_or_backups_inside_the_release_warn(production):
    production.KIS_CADANGAN_DIR = Path(production.BASE_DIR) / "backups"
    assert kis_warnings() == ["kis.W007"]


def test_check_deploy_prints_them_with_their_hints(production, capsys):
    production.KIS_2FA = False
    call_command("check", "--deploy", "--tag", "kis")
    err = capsys.readouterr().err
    assert "(kis.W001) Verifikasi dua langkah (KIS_2FA) mati" in err
    assert "HINT: Hapus baris KIS_2FA=0 dari /etc/kis-portal.env" in err


def test_an_active_profile_without_the_head_of_office_is_warned(production):
    call_command("load_profile", "lombok-timur", verbosity=0)
    assert set(kis_warnings()) == {"kis.W008"}
    OfficeProfile.objects.filter(is_active=True).update(
        kepala_nama="Drs. CONTOH", kepala_nip="196805121990031004"
    )
    assert kis_warnings() == []
