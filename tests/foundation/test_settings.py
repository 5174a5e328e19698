"""Settings come from the environment; production refuses to start unsafely."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'debug': settings.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']),"
    " 'host': db.get('HOST', ''), 'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE,"
    " 'hosts': settings.ALLOWED_HOSTS, 'media': str(settings.MEDIA_ROOT)}))"
)


def run_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "kis_portal.settings"
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_sqlite_in_project_folder_and_local_time():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["tz"] == "Asia/Makassar"
    assert values["lang"] == "id"


def test_environment_overrides_database_timezone_hosts_and_media(tmp_path):
    result = run_settings(
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://kis:sandi@db.internal:5432/kis",
        TIME_ZONE="Asia/Jakarta",
        ALLOWED_HOSTS="kis.bulelengkab.go.id,10.0.0.5",
        MEDIA_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("kis", "db.internal")
    assert values["tz"] == "Asia/Jakarta"
    assert values["hosts"] == ["kis.bulelengkab.go.id", "10.0.0.5"]
    assert values["media"] == str(tmp_path)


def test_production_without_secret_key_fails_with_a_clear_message():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
