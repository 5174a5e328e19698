"""SECRET_KEY can be rotated without logging everyone out (SECRET_KEY_FALLBACKS)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = "old-" + "k" * 60
NEW_KEY = "new-" + "n" * 60


@pytest.fixture
def logged_in(login, verifikator, settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    client = login(verifikator)
    assert client.get("/").status_code == 200
    return client


def test_with_the_old_key_as_fallback_sessions_survive(logged_in, settings):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert logged_in.get("/").status_code == 200


def test_without_it_everyone_is_logged_out(logged_in, settings):
    settings.SECRET_KEY = NEW_KEY
    response = logged_in.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_fallbacks_are_read_from_the_environment(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "kis_portal.settings",
        "SECRET_KEY": NEW_KEY,
        "SECRET_KEY_FALLBACKS": f"{OLD_KEY}, older-{'o' * 60}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.SECRET_KEY_FALLBACKS))"
    )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == [OLD_KEY, "older-" + "o" * 60]
