"""Settings come from the environment; production refuses to start unsafely."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

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


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "kis_portal" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def _variables_set_by_the_suite() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = config["tool"]["pytest"]["ini_options"]["env"]
    return dict(line.split("=", 1) for line in lines)


def test_settings_read_the_environment_only_through_the_env_helpers():
    source = (ROOT / "kis_portal" / "settings.py").read_text()
    direct = re.findall(r"os\.environ(?:\.get)?[\[(]\s*\"([A-Z0-9_]+)\"", source)
    assert direct == [], "read these through env_str/env_bool/env_int/env_list"
    assert len(_variables_read_by_settings()) > 30


def test_the_suite_sets_every_variable_settings_read_but_the_database():
    """A variable exported in the caller's shell (DEBUG=1, KIS_2FA=1) changes nothing."""
    missing = _variables_read_by_settings() - set(_variables_set_by_the_suite())
    assert missing == {"DATABASE_URL"}


def test_the_running_suite_sees_its_own_values_not_the_callers():
    suite = _variables_set_by_the_suite()
    for name in _variables_read_by_settings() - {"DATABASE_URL"}:
        assert os.environ[name] == suite[name]
    assert settings.DEBUG is False
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.KIS_2FA is False
