"""Production settings pass Django's deployment checklist."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from kis_portal.ops.checks import server_zone

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({name: getattr(settings, name) for name in ["
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
    "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY',"
    "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'KIS_2FA', 'AXES_FAILURE_LIMIT',"
    "'KIS_LOGIN_JEDA_MENIT', 'KIS_SESI_DIAM_MENIT', 'KIS_SESI_TENGAH_MALAM']}))"
)


def production_env(tmp_path, **extra) -> dict[str, str]:
    """A production-like environment: nothing inherited from the test run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kis_portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kis.dinsos.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kis.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    """A server set up as docs/deploy.md says: migrated, its folders private and
    outside the release, its clock in TIME_ZONE (here: this machine's zone), the
    backup and the retention purge run once (kis.W002-W007 otherwise)."""
    env = production_env(
        tmp_path,
        KIS_CADANGAN_DIR=str(tmp_path / "backups"),
        TIME_ZONE=server_zone() or "UTC",
    )
    for folder in ("media", "backups"):
        (tmp_path / folder).mkdir(mode=0o700)
    assert run(["manage.py", "migrate", "-v0"], env).returncode == 0
    for job in ("backup", "purge_dokumen"):
        assert run(["manage.py", "heartbeat", job, "ok"], env).returncode == 0

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_setup(tmp_path):
    # The test above can fail: the same check rejects a short key and http cookies.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, SECRET_KEY="kort", SECURE_COOKIES="0"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr
    assert "security.W012" in result.stderr


def test_production_defaults(tmp_path):
    result = run(["-c", PRINT_SETTINGS], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "KIS_2FA": True,
        "AXES_FAILURE_LIMIT": 5,
        "KIS_LOGIN_JEDA_MENIT": 15,
        "KIS_SESI_DIAM_MENIT": 30,
        "KIS_SESI_TENGAH_MALAM": True,
    }


def test_environment_tunes_https_login_and_sessions(tmp_path):
    env = production_env(
        tmp_path,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        KIS_2FA="1",
        KIS_LOGIN_MAKS_GAGAL="3",
        KIS_LOGIN_JEDA_MENIT="60",
        KIS_SESI_DIAM_MENIT="10",
        KIS_SESI_TENGAH_MALAM="0",
    )
    values = json.loads(run(["-c", PRINT_SETTINGS], env).stdout)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["KIS_2FA"] is True
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["KIS_LOGIN_JEDA_MENIT"] == 60
    assert values["KIS_SESI_DIAM_MENIT"] == 10
    assert values["KIS_SESI_TENGAH_MALAM"] is False


def test_development_serves_plain_http_without_hsts(tmp_path):
    env = production_env(tmp_path, DEBUG="1")
    del env["SECRET_KEY"]
    values = json.loads(run(["-c", PRINT_SETTINGS], env).stdout)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_two_factor_is_off_only_when_turned_off_or_in_development(tmp_path):
    def two_factor(**extra) -> bool:
        env = production_env(tmp_path, **extra)
        return json.loads(run(["-c", PRINT_SETTINGS], env).stdout)["KIS_2FA"]

    assert two_factor(KIS_2FA="0") is False
    assert two_factor(KIS_2FA="") is True  # an empty line in the env file: the default
    dev = production_env(tmp_path, DEBUG="1")
    del dev["SECRET_KEY"]
    assert json.loads(run(["-c", PRINT_SETTINGS], dev).stdout)["KIS_2FA"] is False
