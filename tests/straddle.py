"""`--straddle=MOMENT`: every test crosses MOMENT (a midnight, a month's or a year's turn).

Each test (its fixtures, body and teardown) starts a fraction of a second before MOMENT
with the clock running (time-machine: Python's `time` and `datetime`, so Django's
`timezone.now()`), so what it set up lies on one side and what it checks on the other,
as it does for anyone who runs the suite at that moment. How far before varies by test
(5 to 80 ms, fixed by its name and `--straddle-seed`; most tests take 20 to 200
ms): the crossing falls at a different step of each, and another seed moves it.
A test that must see one day throughout stops the clock (`tests/clock.py`).
"""

import datetime
import zlib

import pytest
import time_machine

MOMENT = pytest.StashKey[datetime.datetime | None]()


def pytest_addoption(parser):
    parser.addoption(
        "--straddle",
        metavar="MOMENT",
        help="start every test just before MOMENT (ISO 8601 with its zone, "
        "e.g. 2027-03-01T00:00+08:00) with the clock running",
    )
    parser.addoption(
        "--straddle-seed",
        default="0",
        metavar="SEED",
        help="another SEED moves each test's crossing to another of its steps",
    )


def lead(nodeid: str, seed: str = "0") -> datetime.timedelta:
    """How long before the moment a test starts: 5 to 80 ms, by its name and the seed."""
    spread = zlib.crc32(f"{seed}:{nodeid}".encode()) % 16
    return datetime.timedelta(milliseconds=5 + spread * 5)


def moment_of(config) -> datetime.datetime | None:
    value = config.getoption("--straddle")
    if not value:
        return None
    try:
        at = datetime.datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise pytest.UsageError(
            f"--straddle={value}: give a moment with its zone, e.g. 2027-03-01T00:00+08:00"
        )
    return at


def pytest_configure(config):
    config.stash[MOMENT] = moment_of(config)


def pytest_report_header(config):
    if config.stash[MOMENT]:
        return f"every test crosses {config.stash[MOMENT].isoformat()} (--straddle)"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    at = item.config.stash[MOMENT]
    if at is None:
        return (yield)
    seed = item.config.getoption("--straddle-seed")
    with time_machine.travel(at - lead(item.nodeid, seed), tick=True):
        return (yield)
