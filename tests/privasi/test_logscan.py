"""The log scan of tests/logscan.py finds NIK/KK numbers and fails the run.

Records here go straight to a private handler, never through the logging tree:
a NIK logged for real would (rightly) fail the whole test run.
"""

import logging
import sys
from types import SimpleNamespace

import pytest

from kis_portal.privacy import MaskingFormatter
from tests.logscan import LogScan, ScanHandler, lines_with_sixteen_digits

NIK = "5108061234560001"


def test_lines_with_a_sixteen_digit_number_are_found():
    lines = [
        f"user=3 nik={NIK}",
        f"kk {NIK[:8]} {NIK[8:]}",  # split: not one number
        "no_kk=51080604031900021",  # 17 digits: not a NIK
        "usulan=1234 rows=16 2026-11-23 12:00:01,123",
        f"data={{'nik': '{NIK}'}}",
    ]
    assert lines_with_sixteen_digits(lines) == [lines[0], lines[4]]


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "kis", logging.WARNING, __file__, 1, message, args, exc_info
    )


def test_the_handler_scans_what_code_wrote_not_the_masked_line():
    handler = ScanHandler(MaskingFormatter("%(levelname)s %(message)s"))
    handler.handle(_record("job=%s done", 7))
    handler.handle(_record("user=%s nik=%s", 3, NIK))
    assert handler.count == 2
    assert handler.offending == [f"WARNING user=3 nik={NIK}"]


def test_a_traceback_is_scanned_line_by_line():
    handler = ScanHandler(logging.Formatter("%(message)s"))
    try:
        raise ValueError(f"NIK {NIK} tidak valid")
    except ValueError:
        handler.handle(_record("gagal", exc_info=sys.exc_info()))
    assert handler.count > 2
    assert handler.offending == [f"ValueError: NIK {NIK} tidak valid"]


def _session() -> SimpleNamespace:
    return SimpleNamespace(exitstatus=pytest.ExitCode.OK)


def test_the_plugin_fails_a_green_run_that_logged_a_nik():
    plugin = LogScan()
    plugin.handler = ScanHandler(logging.Formatter("%(message)s"))
    plugin.handler.handle(_record("nik=%s", NIK))
    session = _session()
    plugin.pytest_sessionfinish(session, pytest.ExitCode.OK)
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED

    lines = []
    reporter = SimpleNamespace(write_line=lambda text, **kw: lines.append(text))
    plugin.pytest_terminal_summary(reporter)
    assert lines[0] == "log scan: 1 log lines, 1 with 16-digit numbers"
    assert f"  nik={NIK}" in lines


def test_the_plugin_leaves_a_clean_run_alone():
    plugin = LogScan()
    plugin.handler = ScanHandler(logging.Formatter("%(message)s"))
    plugin.handler.handle(_record("user=%s exported batch=%s", 3, "2026-11"))
    session = _session()
    plugin.pytest_sessionfinish(session, pytest.ExitCode.OK)
    assert session.exitstatus == pytest.ExitCode.OK


def test_the_scan_handler_is_on_the_root_logger_during_the_run():
    assert any(isinstance(h, ScanHandler) for h in logging.getLogger().handlers)
