"""Request ids on every response and log line, the 500 page, and /healthz."""

import io
import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.utils import OperationalError
from django.test import Client
from django.urls import clear_url_caches

from kis_portal import request_id
from kis_portal.request_id import RequestIdFilter

GENERATED = re.compile(r"[0-9a-f]{16}")


class Records(logging.Handler):
    """The records a logger emits, seen through the project's request-id filter."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(
            logging.Formatter(django_settings.LOGGING["formatters"]["plain"]["format"])
        )
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    handler = Records()
    loggers = [logging.getLogger("django.request"), logging.getLogger("kis_portal")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def broken_site(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.foundation.urls_broken"
    clear_url_caches()
    yield Client(raise_request_exception=False)
    clear_url_caches()


def test_an_error_shows_its_id_and_the_log_has_the_same_id(broken_site, captured, db):
    response = broken_site.get("/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert GENERATED.fullmatch(request_id)
    html = response.content.decode()
    assert "Terjadi kesalahan pada server" in html
    assert f'Kode kejadian: <code class="fs-5">{request_id}</code>' in html
    assert "RuntimeError" not in html and "boom" not in html  # no traceback shown
    errors = [r for r in captured.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].request_id == request_id
    assert errors[0].exc_info and errors[0].exc_info[0] is RuntimeError
    assert (
        f"ERROR [{request_id}] django.request Internal Server Error: /"
        in (captured.lines[-1])
    )


def test_each_request_gets_its_own_id(client, db):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_a_safe_incoming_id_is_kept(client, db):
    nginx_id = "3f9c2a7d41b84e0c9d1e5f6a7b8c9d0e"  # nginx's $request_id
    response = client.get("/accounts/login/", headers={"X-Request-ID": nginx_id})
    assert response["X-Request-ID"] == nginx_id


@pytest.mark.parametrize(
    "incoming",
    [
        "abc",  # too short to be anyone's id
        "x" * 65,
        "id dengan spasi",
        "abc123\nERROR palsu",
        '<script>alert("x")</script>',
        "../../etc/passwd",
    ],
)
def test_an_unsafe_incoming_id_is_replaced(broken_site, captured, incoming, db):
    response = broken_site.get("/", headers={"X-Request-ID": incoming})

    request_id = response["X-Request-ID"]
    assert GENERATED.fullmatch(request_id)
    assert incoming not in response.content.decode()
    assert all(incoming not in line for line in captured.lines)


def test_log_lines_outside_a_request_say_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "pesan", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_console_log_format_carries_the_request_id(settings):
    """The LOGGING setting itself: the console handler filters and prints the id."""
    stream = io.StringIO()
    config = {
        **settings.LOGGING,
        "handlers": {
            "console": {**settings.LOGGING["handlers"]["console"], "stream": stream}
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {},
    }
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        logging.getLogger("kis_portal.uji").info("halo")
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved
    assert re.search(r" INFO \[-\] kis_portal\.uji halo$", stream.getvalue().strip())


# --- /healthz --------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_with_no_detail_when_the_database_is_down(
    client, monkeypatch, captured
):
    def down(*args, **kwargs):
        raise OperationalError(
            'connection to server at "db.internal" (10.0.0.5), port 5432 failed: '
            'FATAL: password authentication failed for user "kis"'
        )

    monkeypatch.setattr(connection, "cursor", down)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b'{"status": "error"}'
    assert "no-cache" in response["Cache-Control"]
    assert any(
        "healthz: database unreachable (OperationalError)" in line
        for line in captured.lines
    )
    assert not any("password" in line for line in captured.lines)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_postgresql_does_not_answer(client):
    """A real connection attempt to a closed port, not a monkeypatch."""

    conn = connections["default"]
    original = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict.update({"HOST": "127.0.0.1", "PORT": "9", "CONN_MAX_AGE": 0})
    conn.settings_dict["OPTIONS"] = {
        **original.get("OPTIONS", {}),
        "connect_timeout": 2,
    }
    try:
        response = client.get("/healthz")
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert client.get("/healthz").status_code == 200  # and back once it answers


def test_a_generated_request_id_never_looks_like_a_nik(monkeypatch):
    tokens = iter(["8390290102374967", "83902901023749ab"])
    monkeypatch.setattr(request_id.secrets, "token_hex", lambda n: next(tokens))
    assert request_id.new_request_id() == "83902901023749ab"
