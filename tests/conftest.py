"""Personas, strictness and the rules for browser and PostgreSQL tests.

Browser tests need Debian's Chromium; PostgreSQL tests need DATABASE_URL to point
at PostgreSQL. Without them those tests are skipped with the reason printed,
except when CI=true, where a missing one fails the run.
"""

import os
import shutil

import pytest
from django.db import connection
from django.utils import timezone

from kis_portal.roles import Role

from .clock import frozen
from .factories import PASSWORD, DesaFactory, make_user
from .logscan import LogScan

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _is_postgres_run() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    )


pytest_plugins = ["tests.straddle"]


def pytest_configure(config):
    # Every log line of the run is scanned for NIK/KK numbers (tests/logscan.py).
    if not config.pluginmanager.has_plugin("kis-log-scan"):
        config.pluginmanager.register(LogScan(), "kis-log-scan")


def pytest_collection_modifyitems(config, items):
    has_chromium = shutil.which(CHROMIUM) is not None
    for item in items:
        if "browser" in item.keywords and not has_chromium:
            if IN_CI:
                raise pytest.UsageError(
                    f"CI=true but Chromium is missing at {CHROMIUM}: browser tests are mandatory"
                )
            item.add_marker(
                pytest.mark.skip(reason="Chromium tidak ada (apt-get install chromium)")
            )
        if "postgres" in item.keywords and not _is_postgres_run():
            item.add_marker(
                pytest.mark.skip(
                    reason="butuh PostgreSQL: jalankan dengan DATABASE_URL=postgres://..."
                )
            )


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        reasons = sorted({str(report.longrepr[-1]) for report in skipped})
        terminalreporter.write_line(
            f"Dilewati {len(skipped)} tes: " + "; ".join(reasons), yellow=True
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real hashing costs ~0.3 s per login; the hasher is not what is under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test that signs in before local midnight and asks for a page after it
    # (CI's clock starts at 23:59 WITA and runs on) would meet the midnight
    # sign-out instead of what it tests: the tests of that rule turn it on.
    settings.KIS_SESI_TENGAH_MALAM = False


@pytest.fixture
def clock_still():
    """The clock stands still where the test starts, on whatever day the suite runs:
    for a test that must see one day, month or year throughout (CI's --straddle
    runs make every test cross a midnight, tests/straddle.py)."""
    with frozen(timezone.now()):
        yield


@pytest.fixture
def desa_a(db):
    return DesaFactory(nama="Kalibukbuk")


@pytest.fixture
def desa_b(db):
    return DesaFactory(nama="Unggahan")


@pytest.fixture
def operator_a(desa_a):
    return make_user(Role.OPERATOR_DESA, username="desa_a", desa=desa_a)


@pytest.fixture
def operator_b(desa_b):
    """The outsider: an operator of another desa."""
    return make_user(Role.OPERATOR_DESA, username="desa_b", desa=desa_b)


@pytest.fixture
def verifikator(db):
    return make_user(Role.VERIFIKATOR, username="verif")


@pytest.fixture
def kadis(db):
    return make_user(Role.KADIS, username="kadis")


@pytest.fixture
def rekap(db):
    return make_user(Role.REKAP, username="rekap")


@pytest.fixture
def distribusi(db):
    return make_user(Role.DISTRIBUSI, username="distribusi")


@pytest.fixture
def loket(db):
    return make_user(Role.LOKET, username="loket")


@pytest.fixture
def lapangan(db):
    return make_user(Role.LAPANGAN, username="lapangan")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, username="admin_portal")


@pytest.fixture
def login(client):
    """Log `client` in as a user; returns the client."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


# --- Browser ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
