"""A pytest plugin: no log line of the whole test run may carry a NIK or No. KK.

Registered from tests/conftest.py. At session start a handler on the root logger
formats every record with the project's log formatter (settings.LOGGING), as
production would, but before its masking; at session end the lines are scanned
and any 16-digit number fails the run, with the offending lines listed. The
terminal summary always says how many lines were scanned.
"""

import logging
import re

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
MAX_LISTED = 20  # offending lines printed in full; the count says the rest


def lines_with_sixteen_digits(lines) -> list[str]:
    """The lines holding a 16-digit number (a NIK or No. KK), in order."""
    return [line for line in lines if SIXTEEN_DIGITS.search(line)]


def project_formatter() -> logging.Formatter:
    """The formatter settings.LOGGING gives the console handler."""

    handler = settings.LOGGING["handlers"]["console"]
    conf = dict(settings.LOGGING["formatters"][handler["formatter"]])
    factory = conf.pop("()", logging.Formatter)
    if isinstance(factory, str):
        factory = import_string(factory)
    return factory(fmt=conf.get("format"), datefmt=conf.get("datefmt"))


class ScanHandler(logging.Handler):
    """Counts every formatted line; keeps those with a 16-digit number."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(formatter)
        self.count = 0
        self.offending: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # The masking formatter hides numbers; the scan wants what code wrote.
            unmasked = getattr(self.formatter, "unmasked", self.formatter.format)
            text = unmasked(record)
        except Exception:  # a broken record must not stop the run
            self.handleError(record)
            return
        for line in text.splitlines() or [""]:
            self.count += 1
            if SIXTEEN_DIGITS.search(line):
                self.offending.append(line)


class LogScan:
    """The plugin object: attach at start, keep attached, judge at the end."""

    def __init__(self) -> None:
        self.handler: ScanHandler | None = None

    def _attach(self) -> None:
        root = logging.getLogger()
        if self.handler not in root.handlers:  # dictConfig drops foreign handlers
            root.addHandler(self.handler)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session) -> None:
        self.handler = ScanHandler(project_formatter())
        self._attach()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item) -> None:
        self._attach()

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        if self.handler is None:
            return
        logging.getLogger().removeHandler(self.handler)
        if self.handler.offending and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.handler is None:
            return
        found = self.handler.offending
        terminalreporter.write_line(
            f"log scan: {self.handler.count} log lines, "
            f"{len(found)} with 16-digit numbers",
            red=bool(found),
        )
        if found:
            terminalreporter.write_line(
                "GAGAL: baris log berisi angka 16 digit (NIK/No. KK). "
                "Jangan mencatat NIK/KK di log; catat id atau NIK tersamar:",
                red=True,
            )
            for line in found[:MAX_LISTED]:
                terminalreporter.write_line(f"  {line}", red=True)
            if len(found) > MAX_LISTED:
                terminalreporter.write_line(
                    f"  ... dan {len(found) - MAX_LISTED} baris lagi", red=True
                )
