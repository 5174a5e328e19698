"""What the security tests outside the matrix package share with it.

The demo data and the per-role sessions come from tests/security/matrix/conftest.py
(seeded once per package, rolled back at its end); the figures the tests fill
are printed at the end of the run.
"""

from tests.security.matrix.conftest import (  # noqa: F401 (fixtures)
    _demo_media,
    demo,
    session_keys,
)

# Filled by the tests ("URL patterns, requests, parameters"), printed once.
FIGURES: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter):
    for name, line in FIGURES.items():
        terminalreporter.write_line(f"{name}: {line}")
